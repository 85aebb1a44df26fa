"""How positive or negative a comment is, in each language Kaiku analyses.

Each language has its own module with a ``score(text) -> Sentiment``; a comment in any other
language is "not analysed" (label None, with the reason), never a silent neutral.
"""

from surveys.answers.analysis import english, finnish, swedish
from surveys.answers.analysis.language import identify
from surveys.answers.analysis.result import (
    NEGATIVE_THRESHOLD,
    NEUTRAL,
    POSITIVE_THRESHOLD,
    Sentiment,
    label_for,
    not_analysed,
)

SCORERS = {"en": english.score, "fi": finnish.score, "sv": swedish.score}
ANALYSED = frozenset(SCORERS)

__all__ = [
    "ANALYSED", "NEGATIVE_THRESHOLD", "POSITIVE_THRESHOLD", "Sentiment", "analyze", "label_for",
]  # fmt: skip


def analyze(text: str | None, language: str | None = None) -> Sentiment:
    """Score ``text`` in ``language`` (an ISO 639-1 code), detected when None.

    Empty text is neutral; text in a language without a scorer, or whose language cannot be told,
    is not analysed.
    """
    if not text or not text.strip():
        return NEUTRAL
    if language is None:
        detection = identify(text)
        if not detection.confident:
            return not_analysed("language not recognised")
        language = detection.language
    scorer = SCORERS.get(language)
    if scorer is None:
        return not_analysed(f"language not analysed: {language}")
    return scorer(text)
