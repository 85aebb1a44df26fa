"""The registry of languages: which language a customer's locale is served in."""

import pytest

from surveys.kernel.languages import BY_CODE, normalise_locale, served_language


@pytest.mark.parametrize(
    ("locale", "served"),
    [("sv-FI", "sv"), ("sv", "sv"), ("fi_FI", "fi"), ("en-GB", "en"), ("de", "en"), (None, "en")],
)
def test_a_locale_is_served_in_its_registered_language_or_the_default(locale, served):
    assert served_language(locale) == served


@pytest.mark.parametrize(
    ("given", "stored"),
    [("en_gb", "en-GB"), ("SV-fi", "sv-FI"), (" de ", "de"), ("zh-hant-tw", "zh-Hant-TW")],
)
def test_a_locale_is_kept_as_a_normalised_language_tag(given, stored):
    assert normalise_locale(given) == stored


@pytest.mark.parametrize("bad", ["", "e", "en GB", "x!", "english-please-now-or-never-ever-x", 5])
def test_what_is_no_language_tag_is_refused(bad):
    with pytest.raises(ValueError, match="language tag"):
        normalise_locale(bad)


def test_staff_see_a_language_by_its_own_name_and_its_english_one():
    assert BY_CODE["sv"].label == "Svenska (Swedish)" and BY_CODE["en"].label == "English"
