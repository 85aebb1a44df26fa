"""Swedish sentiment: not analysed yet (issue 10 adds a Swedish lexicon)."""

from surveys.answers.analysis.result import Sentiment, not_analysed


def score(text: str) -> Sentiment:
    return not_analysed("language not analysed: sv")
