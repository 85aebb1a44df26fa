"""English sentiment: TextBlob at the core."""

import functools

from surveys.answers.analysis.result import Sentiment, scored


def score(text: str) -> Sentiment:
    return scored(english_polarity(text))


def english_polarity(text: str) -> float:
    return _english_analyzer().analyze(text).polarity


@functools.cache
def _english_analyzer():
    # Imported on first use: TextBlob pulls in NLTK, which takes a while to import.
    from textblob.sentiments import PatternAnalyzer

    return PatternAnalyzer()
