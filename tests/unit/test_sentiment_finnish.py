"""Finnish sentiment on the comments issue 10 found misread, and the rules that fix them."""

import pytest

from surveys.answers.analysis import analyze
from surveys.answers.analysis.finnish import word_entry


@pytest.mark.parametrize(
    "comment",
    [
        "Tuote hajosi kahden viikon käytön jälkeen.",
        "En saanut vastausta tukipyyntööni ollenkaan.",
        "Yhteys katkeilee jatkuvasti.",
        "Täyttä roskaa.",
        "Toimitus kesti reilusti yli kaksi viikkoa.",
    ],
)
def test_complaints_without_a_plain_opinion_word_are_negative(comment):
    assert analyze(comment, "fi").label == "negative"


def test_a_greeting_before_a_cancellation_is_not_praise():
    assert analyze("Hyvää päivää, haluaisin perua tilauksen.", "fi").label != "positive"


def test_a_question_is_not_praise():
    assert analyze("Hei, miten saan laskun?", "fi").label == "neutral"
    assert analyze("Onko teillä parempaa hintaa tarjolla?", "fi").label == "neutral"


def test_a_wish_is_not_praise_but_a_question_can_complain():
    assert analyze("Olisi kiva jos raportit saisi PDF:nä.", "fi").label == "neutral"
    assert analyze("Miksi sovellus kaatuu koko ajan?", "fi").label == "negative"


def test_praise_then_a_complaint_after_mutta_is_mixed_with_the_complaint():
    sentiment = analyze("Hyvä sovellus, mutta hinta nousi liikaa.", "fi")
    assert sentiment.mixed
    assert sentiment.label == "negative"
    assert sentiment.complaint is not None and sentiment.complaint <= -0.1


def test_a_reservation_before_mutta_leaves_praise_positive():
    sentiment = analyze("Hieman kallis, mutta laatu on huippuluokkaa.", "fi")
    assert (sentiment.label, sentiment.mixed) == ("positive", True)


def test_negation_reaches_over_the_whole_clause_in_colloquial_finnish():
    assert analyze("Hyvin on pelittänyt, ei oo ollu mitään ongelmia", "fi").label == "positive"
    assert analyze("Mitään ongelmia ei ole ollut.", "fi").label == "positive"


def test_eika_starts_a_new_negated_clause():
    sentiment = analyze("Paketti katosi eikä kukaan vastaa.", "fi")
    assert sentiment.label == "negative"
    assert sentiment.polarity < -0.5


def test_a_word_neutral_alone_is_a_complaint_when_negated():
    assert analyze("Asiakaspalvelu vastasi.", "fi").label == "neutral"
    assert analyze("Asiakaspalvelu ei vastannut.", "fi").label == "negative"


def test_without_problems_is_praise_and_does_not_negate_what_came_before():
    assert analyze("Toimi ilman ongelmia.", "fi").label == "positive"
    assert analyze("Sain rahat takaisin nopeasti ja ilman kyselyjä.", "fi").label == "positive"


@pytest.mark.parametrize(
    ("word", "sign"),
    [("käyttäjäystävällinen", 1), ("huonolaatuinen", -1), ("rahanhukkaa", -1), ("hitaasti", -1)],
)
def test_compounds_and_inflections_find_their_lexicon_entry(word, sign):
    polarity, _ = word_entry(word)
    assert polarity * sign > 0


def test_neutral_compounds_stay_neutral():
    assert analyze("Asiakaspalvelu ja puhelintuki.", "fi").label == "neutral"


def test_idiom_toimii_ku_junan_vessa_is_no_praise():
    assert analyze("Toimii ku junan vessa.", "fi").label == "negative"


def test_emoji_count_and_are_not_negated():
    assert analyze("Ei toimi mobiilissa 😡", "fi").label == "negative"
    assert analyze("Kaikki hyvin 🙂", "fi").label == "positive"


@pytest.mark.parametrize(
    "comment",
    ["Ongelma ratkesi heti.", "Vika korjattiin nopeasti.", "Tuki vastasi ja ongelma ratkesi."],
)
def test_a_solved_problem_is_no_complaint(comment):
    sentiment = analyze(comment, "fi")
    assert (sentiment.label, sentiment.mixed) == ("positive", False)


def test_a_problem_left_unsolved_is_a_complaint():
    assert analyze("Tuki ei ratkaissut ongelmaa.", "fi").label == "negative"
