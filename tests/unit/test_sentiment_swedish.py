"""Swedish sentiment: the same clause method as Finnish with Swedish words and word order."""

import pytest

from surveys.answers.analysis import analyze


@pytest.mark.parametrize(
    ("comment", "label"),
    [
        ("Tack för snabb leverans!", "positive"),
        ("Jättebra service!", "positive"),
        ("Dålig service.", "negative"),
        ("Skitdålig app.", "negative"),
        ("Inget svar på två veckor.", "negative"),
        ("Leveransen tog över två veckor.", "negative"),
        ("Hej, hur byter jag lösenord?", "neutral"),
        ("Skulle ni kunna lägga till mörkt läge?", "neutral"),
    ],
)
def test_swedish_comments_get_the_label_a_reader_gives(comment, label):
    assert analyze(comment, "sv").label == label


def test_negation_after_the_verb_and_before_the_adjective():
    assert analyze("Appen fungerar inte.", "sv").label == "negative"
    assert analyze("Det var inte bra.", "sv").label == "negative"
    assert analyze("Inga problem alls.", "sv").label == "positive"


def test_praise_then_men_and_a_complaint_is_mixed():
    sentiment = analyze("Bra produkt men leveransen tog tre veckor.", "sv")
    assert (sentiment.label, sentiment.mixed) == ("negative", True)


def test_swedish_is_analysed_when_detected():
    assert analyze("Appen kraschar hela tiden och ingen svarar.").label == "negative"


def test_negation_after_a_copula_reaches_what_follows():
    assert analyze("Problemet är inte löst.", "sv").label == "negative"
    assert analyze("Problemet löstes direkt.", "sv").label == "positive"
