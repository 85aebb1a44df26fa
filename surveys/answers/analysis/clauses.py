"""Lexicon sentiment clause by clause: the method Finnish and Swedish share, with their own words.

A comment is split into sentences (. ! ? ;) and clauses (commas and contrast words such as
"mutta", "men"). Each sentiment word found is one scored part; ``result.combine`` averages the
parts, weighting those after a contrast more (the later clause carries what the customer means:
"Hyvä sovellus, mutta hinta nousi liikaa"), and calls the comment mixed when it holds both praise
and a complaint. Within a clause:

- a negation reaches the whole clause, not a fixed number of words ("ei oo ollu mitään
  ongelmia" negates "ongelmia"): it turns the words after it (or, when none follow, the words
  before it, or for Swedish the verb right before it: "fungerar inte") to their negated polarity,
  which the lexicon may give ("ei toimi" is a strong complaint, not a mild one) or else is minus
  half the plain one, as TextBlob does;
- an intensifier multiplies the next sentiment word (and divides it under negation: "not very
  good" is milder than "not good"); one that modifies nothing may be an opinion itself;
- in a question or a wish (a conditional verb) praise words are not praise ("Onko parempaa
  hintaa?", "Olisi kiva saada tumma tila"), complaints still count;
- complaint patterns without an opinion word ("kesti kolme viikkoa", "tog två veckor") are
  regular expressions over the clause, and greetings and pleasantries ("Hyvää päivää", "ha en
  bra dag") are removed before scoring;
- "!" strengthens the last sentiment word of its sentence.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from surveys.answers.analysis.result import Sentiment, clamp, combine, scored
from surveys.answers.analysis.stems import Entry

EMOJI: dict[str, float] = {
    "😊": 0.6, "🙂": 0.4, "😀": 0.6, "😃": 0.6, "😄": 0.6, "😁": 0.6, "😍": 0.8, "🥰": 0.8,
    "🤩": 0.8, "😎": 0.5, "👍": 0.5, "👌": 0.5, "👏": 0.6, "🙏": 0.4, "❤": 0.7, "❤️": 0.7,
    "💯": 0.7, "🎉": 0.6, "⭐": 0.5, "🔥": 0.4, ":)": 0.5, ":-)": 0.5, ":D": 0.6, "<3": 0.6,
    "😡": -0.8, "😠": -0.7, "🤬": -0.9, "👎": -0.6, "😞": -0.6, "😢": -0.6, "😭": -0.6,
    "😤": -0.6, "🙄": -0.5, "😒": -0.5, "😩": -0.6, "😫": -0.6, "🤮": -0.8, "💩": -0.7,
    "😕": -0.4, "🙁": -0.4, "☹": -0.5, ":(": -0.5, ":-(": -0.5, ":/": -0.3,
}  # fmt: skip
_EMOJI_PATTERN = "|".join(re.escape(e) for e in sorted(EMOJI, key=len, reverse=True))
_TOKEN = re.compile(rf"{_EMOJI_PATTERN}|[^\W\d_]+(?:[-:'’][^\W\d_]+)*|[.,;:?!]")
_SENTENCE_END = frozenset({".", ";", "!", "?"})
# Polarity a lone exclamation adds to the last sentiment word, and what "!" multiplies.
EXCLAMATION_BOOST = 1.25


@dataclass(frozen=True)
class Language:
    """The words one language scores with; ``lookup(word)`` finds a word's lexicon entry."""

    lookup: Callable[[str], Entry | None]
    negations: frozenset[str]
    # Negations that also start a new clause ("eikä" = "and not", "eller" is not one).
    clause_negations: frozenset[str]
    intensifiers: dict[str, float]
    # Contrast word → weight of what follows it, to the end of the sentence: above 1 for "but"
    # (the later clause is the point), below 1 for "although" (the later clause is a concession).
    contrasts: dict[str, float]
    # (regex over the clause's words joined by spaces, polarity) for complaints with no opinion word
    patterns: tuple[tuple[re.Pattern[str], float], ...]
    # Greetings and pleasantries, removed before scoring.
    greetings: re.Pattern[str]
    # A word that makes its clause a wish or a hypothesis ("olisi", "skulle").
    conditional: re.Pattern[str]
    # True when a negation may follow the word it negates (Swedish "fungerar inte").
    negation_follows_verb: bool = False
    # Negations that reach only forward ("ilman ongelmia", "utan problem").
    forward_negations: frozenset[str] = frozenset()


def score(text: str, language: Language) -> Sentiment:
    """The Sentiment of ``text`` by ``language``'s lexicon and rules (neutral when none match)."""
    text = language.greetings.sub(" , ", text.lower())
    parts: list[tuple[float, float]] = []
    for sentence, question in _sentences(_TOKEN.findall(text)):
        sentence_parts: list[tuple[float, float]] = []
        for clause, weight in _clauses(sentence, language):
            polarities = _clause_polarities(clause, language)
            if question or (clause and any(language.conditional.fullmatch(t) for t in clause)):
                # A wish or a question: complaints count, praise words are not praise.
                polarities = [p for p in polarities if p < 0]
            sentence_parts.extend((p, weight) for p in polarities)
        if sentence and sentence[-1] == "!" and sentence_parts:
            p, w = sentence_parts[-1]
            sentence_parts[-1] = (clamp(p * EXCLAMATION_BOOST), w)
        parts.extend(sentence_parts)
    if not parts:
        return scored(0.0)
    return combine(parts)


def _sentences(tokens: list[str]):
    """Yield (tokens of one sentence with its closing mark, whether it is a question)."""
    sentence: list[str] = []
    for token in tokens:
        sentence.append(token)
        if token in _SENTENCE_END:
            yield sentence, token == "?"
            sentence = []
    if sentence:
        yield sentence, False


def _clauses(sentence: list[str], language: Language):
    """Yield (words of one clause, weight) for a sentence: commas and contrasts split it."""
    clause: list[str] = []
    weight = 1.0
    for token in sentence:
        if token in language.contrasts:
            yield clause, weight
            clause, weight = [], language.contrasts[token]
        elif token in language.clause_negations:
            yield clause, weight
            clause = [token]
        elif token in (",", ":") or token in _SENTENCE_END:
            yield clause, weight
            clause = []
        else:
            clause.append(token)
    yield clause, weight


def _clause_polarities(clause: list[str], language: Language) -> list[float]:
    """The polarity of every sentiment word and complaint pattern in one clause."""
    if not clause:
        return []
    # (position, polarity, negated polarity, intensifier factor) of each sentiment word
    found: list[tuple[int, float, float | None, float]] = []
    negation_at: int | None = None
    forward_only = False
    boost, boost_entry, after_opinion = 1.0, None, False
    for position, token in enumerate(clause):
        if token in language.negations:
            if negation_at is None:
                negation_at = position
                forward_only = token in language.forward_negations
            boost, boost_entry, after_opinion = 1.0, None, False
            continue
        if token in language.intensifiers:
            boost *= language.intensifiers[token]
            boost_entry = language.lookup(token)
            continue
        entry = EMOJI.get(token)
        # An emoji says how the customer feels whatever the words around it negate.
        entry = (entry, entry) if entry is not None else language.lookup(token)
        if entry is not None and (entry[0] or entry[1]):
            polarity, negated = entry
            found.append((position, polarity, negated, boost))
            after_opinion = True
        else:
            if boost_entry is not None and boost_entry[0] and not after_opinion:
                found.append((position - 1, boost_entry[0], boost_entry[1], 1.0))
            after_opinion = False
        boost, boost_entry = 1.0, None
    if boost_entry is not None and boost_entry[0] and not after_opinion:
        found.append((len(clause) - 1, boost_entry[0], boost_entry[1], 1.0))
    polarities = [
        _apply_negation(found, i, negation_at, forward_only, language) for i in range(len(found))
    ]
    joined = " ".join(clause)
    matched = [
        polarity
        for pattern, polarity in language.patterns
        # A solved problem is no praise under a negation: "ei ratkaissut ongelmaa".
        if (polarity < 0 or negation_at is None) and pattern.search(joined)
    ]
    if any(p < 0 for p in matched):
        # A complaint pattern says what the clause means: "toimii ku junan vessa" is no praise.
        polarities = [p for p in polarities if p < 0]
    elif matched:
        # So does a solved problem: "ratkaisi ongelmani", "löste mitt problem".
        polarities = [p for p in polarities if p > 0]
    polarities.extend(matched)
    return [p for p in polarities if p]


def _apply_negation(
    found, index: int, negation_at: int | None, forward_only: bool, language: Language
) -> float:
    position, polarity, negated, boost = found[index]
    if negation_at is None or not (
        position > negation_at if forward_only else _negated(found, position, negation_at, language)
    ):
        return clamp(polarity * boost)
    if negated is not None:
        return clamp(negated * boost)
    # As in TextBlob: negated words flip and halve; "not very good" is milder than "not good".
    return -0.5 * clamp(polarity / boost)


def _negated(found, position: int, negation_at: int, language: Language) -> bool:
    after = [p for p, *_ in found if p > negation_at]
    if language.negation_follows_verb:
        # "fungerar inte": the verb right before; "problemet är inte löst": what follows.
        if any(p == negation_at - 1 for p, *_ in found):
            return position == negation_at - 1
        if after:
            return position > negation_at
        before = [p for p, *_ in found if negation_at - 2 <= p < negation_at]
        return bool(before) and position == before[-1]
    if after:
        return position > negation_at
    return position < negation_at
