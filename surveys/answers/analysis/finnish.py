"""Finnish sentiment: a lexicon of stems (``fi_sentiment.tsv``) scored on TextBlob's scale.

TextBlob's lexicon is English only, and Finnish inflects heavily (huono, huonoa, huonosti,
huonompi), so the lexicon holds stems matched against the start of each word. A negation (ei, en,
et, ...) flips the next sentiment word and halves it, an intensifier (todella, erittäin, ...)
multiplies it by 1.3, "!" boosts the last one by 1.25, and the polarity is the average over the
sentiment words found.
"""

import functools
import re
from importlib import resources

from surveys.answers.analysis.result import Sentiment, scored

FI_NEGATIONS = frozenset({"ei", "en", "et", "emme", "ette", "eivät", "eikä", "enkä"})
FI_INTENSIFIERS = {
    word: 1.3
    for word in (
        "todella", "todellakin", "erittäin", "tosi", "aivan", "hyvin", "niin", "kovin", "liian",
        "täysin", "uskomattoman", "kamalan", "hirveän", "kauhean", "järkyttävän",
    )
}  # fmt: skip
# A negation reaches over a few words ("ei ole kovin hyvä") but not past the clause.
NEGATION_REACH = 3
_CLAUSE_BREAKS = frozenset({".", ",", ";", ":", "?", "!", "mutta", "vaan", "kuitenkin"})

_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[.,;:?!]")


def score(text: str) -> Sentiment:
    return scored(finnish_polarity(text))


def finnish_polarity(text: str) -> float:
    """Average polarity of the Finnish sentiment words in ``text``; 0.0 when there are none."""
    lexicon = _finnish_lexicon()
    scores: list[float] = []
    negation_left = 0  # words the pending negation still reaches
    boost = 1.0  # product of the intensifiers right before this word
    # An intensifier that modifies nothing may be an opinion itself ("palveltiin hyvin"), unless
    # it follows one ("toimii hyvin", "ei toimi hyvin"), which it already qualifies.
    boost_polarity = 0.0
    after_opinion = False
    for token in [*_TOKEN.findall(text.lower()), "."]:  # the "." settles a trailing intensifier
        if token in FI_INTENSIFIERS:
            boost *= FI_INTENSIFIERS[token]
            boost_polarity = _stem_polarity(token, lexicon)
            continue
        polarity = _stem_polarity(token, lexicon)
        if polarity:
            negated = negation_left > 0
            # As in TextBlob, "not very good" is milder than "not good", not stronger.
            polarity = _clamp(polarity / boost if negated else polarity * boost)
            scores.append(-0.5 * polarity if negated else polarity)
            negation_left = 0
        else:
            if boost_polarity and not after_opinion:
                scores.append(-0.5 * boost_polarity if negation_left else boost_polarity)
            if token == "!" and scores:
                scores[-1] = _clamp(scores[-1] * 1.25)
            if token in FI_NEGATIONS:
                negation_left = NEGATION_REACH
            elif token in _CLAUSE_BREAKS:
                negation_left = 0
            else:
                negation_left = max(negation_left - 1, 0)
        boost, boost_polarity, after_opinion = 1.0, 0.0, bool(polarity)
    return sum(scores) / len(scores) if scores else 0.0


def _stem_polarity(word: str, lexicon: dict[str, float]) -> float:
    """Polarity of the longest lexicon stem ``word`` starts with; 0.0 if none."""
    for end in range(len(word), 2, -1):
        polarity = lexicon.get(word[:end])
        if polarity is not None:
            return polarity
    return 0.0


def _clamp(polarity: float) -> float:
    return max(-1.0, min(polarity, 1.0))


@functools.cache
def _finnish_lexicon() -> dict[str, float]:
    """Load ``fi_sentiment.tsv``: one ``stem<TAB>polarity`` a line, # starts a comment."""
    source = resources.files(__package__).joinpath("fi_sentiment.tsv")
    lexicon: dict[str, float] = {}
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            stem, polarity = line.split("\t")
            lexicon[stem.strip().lower()] = float(polarity)
        except ValueError as error:
            raise ValueError(f"fi_sentiment.tsv line {number}: {line!r}") from error
    return lexicon
