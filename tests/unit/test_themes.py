"""The theme matcher: lemmas, compound parts, phrases, exclusions, and the issue's misses."""

import pytest

from surveys.answers.analysis.compounds import compound_parts
from surveys.answers.analysis.keyterms import key_terms
from surveys.answers.analysis.themes import (
    DEFAULT_TAXONOMY,
    Taxonomy,
    ThemeTerms,
    extract_themes,
)


@pytest.mark.parametrize(
    ("comment", "not_theme"),
    [
        ("Can't wait for the next release!", "speed"),
        ("The charger stopped working", "billing"),
        ("I can't help but love this app", "support"),
        ("the actors' performance was brilliant", "speed"),
        ("a legislative bill", "billing"),
    ],
)
def test_the_issues_false_themes_are_gone(comment, not_theme):
    assert not_theme not in extract_themes(comment, "en")


def test_a_charger_that_stopped_working_is_reliability_or_quality():
    assert set(extract_themes("The charger stopped working", "en")) & {"reliability", "quality"}


def test_please_add_is_a_feature_request():
    assert "feature_requests" in extract_themes("Please add a dark mode", "en")


@pytest.mark.parametrize(
    ("comment", "theme"),
    [
        ("kuukausihinta", "price"),
        ("Kuukausihinnat nousivat taas.", "price"),
        ("puhelintuki", "support"),
        ("Puhelintuen kanssa meni tunti.", "support"),
        ("lisäominaisuudet", "features"),
        ("Lisäominaisuuksia on vähän.", "features"),
        ("Tukipyyntööni ei vastattu.", "support"),
    ],
)
def test_finnish_compounds_find_the_theme_of_their_parts(comment, theme):
    assert theme in extract_themes(comment, "fi")


def test_english_terms_borrowed_into_finnish_are_found():
    assert {"support", "usability"} <= set(extract_themes("Support oli hyvä, UI sekava", "fi"))


def test_an_inflected_english_word_matches_its_lemma():
    assert extract_themes("It crashes and keeps crashing.", "en") == ["reliability"]


def test_a_phrase_matches_consecutive_lemmas_only():
    assert "account" in extract_themes("I logged in twice.", "en")
    assert "features" not in extract_themes("The room was dark, in mode of sleep.", "en")


def test_an_exclusion_vetoes_only_inside_its_span():
    assert extract_themes("Can't wait to see it, but loading is slow.", "en") == ["speed"]


def test_a_compound_split_needs_a_known_word_after_a_first_part():
    # "laskuri" (a counter) starts like "lasku" (an invoice) but is no compound of it.
    assert compound_parts("laskuri", "fi", {"lasku"}) == []
    assert compound_parts("tukipyyntö", "fi", {"tuki"}) == ["tuki"]
    assert compound_parts("kuukausihinnat", "fi", {"hinta"}) == ["hinta"]
    assert compound_parts("hintatuki", "en", {"tuki"}) == []


def test_a_stem_with_a_star_matches_words_that_start_with_it():
    taxonomy = Taxonomy((ThemeTerms("pricing", terms={"fi": ("hinnoit*",)}),))
    assert extract_themes("Uusi malli", "fi", taxonomy) == []
    assert extract_themes("Hinnoittelumalli on outo", "fi", taxonomy) == ["pricing"]


def test_the_fingerprint_follows_terms_not_names():
    base = Taxonomy((ThemeTerms("x", names={"en": "X"}, terms={"en": ("foo",)}),))
    renamed = Taxonomy((ThemeTerms("x", names={"en": "Y"}, terms={"en": ("foo",)}),))
    changed = Taxonomy((ThemeTerms("x", names={"en": "X"}, terms={"en": ("bar",)}),))
    assert base.fingerprint == renamed.fingerprint != changed.fingerprint
    assert base.matcher is renamed.matcher


def test_the_default_taxonomy_has_the_issues_fourteen_themes():
    assert set(DEFAULT_TAXONOMY.keys) == {
        "price", "billing", "support", "speed", "reliability", "usability", "features",
        "feature_requests", "onboarding", "delivery", "quality", "account", "mobile_app",
        "documentation",
    }  # fmt: skip


def test_key_terms_offer_frequent_uncovered_phrases_with_examples():
    comments = [
        "The dark theme toggle is gone",
        "Where is the dark theme toggle?",
        "dark theme toggle please",
        "The price is fine",
        "The price is fine really",
        "price price price",
    ]
    found = key_terms(comments, "en", DEFAULT_TAXONOMY, min_count=3)
    terms = [t.term for t in found]
    assert "theme toggle" in terms and "price" not in terms
    toggle = found[terms.index("theme toggle")]
    assert toggle.count == 3 and len(toggle.examples) == 3


def test_key_terms_skip_dismissed_terms():
    comments = ["voucher code broken"] * 4
    assert "voucher" not in [
        t.term
        for t in key_terms(comments, "en", DEFAULT_TAXONOMY, skip={"voucher", "voucher code"})
    ]


def test_a_problem_alone_is_no_reliability_theme_but_working_without_problems_is():
    # "ongelmitta" (without problems) lemmatises to "ongelma": its term must not tag every problem.
    assert "reliability" not in extract_themes("Tuki vastasi heti ja ongelma ratkesi.", "fi")
    assert "reliability" in extract_themes("Sovellus on toiminut ongelmitta.", "fi")
