"""The brand colour's WCAG 2 contrast with white text, and the fallback below 4.5:1."""

import pytest

from surveys.brand import DEFAULT_ACCENT, BrandView, contrast_ratio
from surveys.brand.colours import parse_colour, usable_accent


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [
        ("#767676", 4.54),  # the lightest grey that passes AA on white
        ("#777777", 4.48),
        ("#000000", 21.0),
        ("#ffffff", 1.0),
        ("#22617a", 6.87),
        ("#0000ff", 8.59),
        ("#ff0000", 4.0),
    ],
)
def test_contrast_with_white_matches_the_known_pairs(colour, ratio):
    assert round(contrast_ratio(colour), 2) == ratio


def test_contrast_is_the_same_both_ways():
    assert contrast_ratio("#ffffff", "#767676") == contrast_ratio("#767676", "#ffffff")


def test_a_colour_that_passes_is_used_one_that_fails_falls_back_to_kaikus_accent():
    assert usable_accent("#767676") == "#767676"
    assert usable_accent("#777777") == DEFAULT_ACCENT
    assert usable_accent(None) == DEFAULT_ACCENT
    assert BrandView(primary_color="#ffcc00").accent == DEFAULT_ACCENT
    assert BrandView(primary_color="#ffcc00").colour_falls_back is True
    assert BrandView(primary_color="#0b5cad").colour_falls_back is False


@pytest.mark.parametrize("text", ["22617a", "#22617", "#22617g", "red", "#22617a;x", ""])
def test_only_hash_and_six_hex_digits_is_a_colour(text):
    assert parse_colour(text) is None


def test_a_colour_is_kept_lower_case():
    assert parse_colour(" #22617A ") == "#22617a"
