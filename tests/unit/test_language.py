"""Language detection on short feedback: Estonian is not Finnish, Swedish is Swedish."""

import pytest

from surveys.answers.analysis import Detection, detect_language, identify


def test_estonian_is_identified_as_estonian_and_not_analysed():
    assert identify("Väga hea teenindus") == Detection("et", True)
    assert detect_language("Väga hea teenindus") is None


@pytest.mark.parametrize("comment", ["Pettymys.", "Tosi huono.", "Hidas", "Sovellus kaatuu"])
def test_short_finnish_is_finnish_or_unsure_never_english(comment):
    detection = identify(comment)
    assert detection.language == "fi" or not detection.confident
    assert detect_language(comment) in ("fi", None)


def test_two_finnish_words_are_confidently_finnish():
    assert identify("Tosi huono.").confident
    assert detect_language("Tosi huono.") == "fi"


@pytest.mark.parametrize(
    ("comment", "language"),
    [
        ("Das Produkt ist sehr gut und schnell geliefert.", "de"),
        ("De app werkt niet.", "nl"),
        ("Tack för snabb leverans!", "sv"),
        ("Could be better", "en"),
    ],
)
def test_identify_names_any_language(comment, language):
    assert identify(comment).language == language


def test_unsure_detection_still_names_its_best_guess_for_the_caller():
    detection = identify("Pettymys.")
    assert not detection.confident
