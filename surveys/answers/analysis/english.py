"""English sentiment: TextBlob's lexicon at the core, VADER's beside it, rules for feedback.

A comment is tokenised once and cut into clauses (at sentence punctuation, commas and contrast
words); each clause is scored from its opinion words and ``result.combine`` makes the comment's
Sentiment, so praise in one clause and a complaint in another is ``mixed``. A word's polarity is
TextBlob's (pattern) lexicon blended with VADER's, with ``en_lexicon.tsv`` on top: feedback's own
words ("crash", "refund", "laggy"), complaint phrases ("hung up", "waste of money") and general
words made neutral ("support", "please", "new", "free"). The rules (``english_rules``) add what
both lexicons lack: negation over the rest of the clause, the clause after "but" weighing more,
intensifiers, emoji, complaints with no opinion word, sarcasm, questions and greetings.
"""

import functools
import re
from pathlib import Path

from surveys.answers.analysis.english_rules import AMPLIFIER_PHRASES, clause_polarity, stock_praise
from surveys.answers.analysis.result import NEUTRAL, Sentiment, combine

# The clause after a contrast ("good app, but it crashes") counts this much more than the one
# before it (VADER uses 1.5 against 0.5 for "but").
CONTRAST_WEIGHT = 2.5
# "Thanks!" after a complaint is politeness, not praise.
POLITE_WEIGHT = 0.3
# A rating in words ("two stars", "10/10") says more than the words around it.
RATING_WEIGHT = 3.0

TOKEN = re.compile(
    r"(?P<emoticon>(?<!\w)(?:[:;=8][\-'^]?[()\[\]DPp/\\|*3]|<3|</3|:'\()(?!\w))"
    r"|(?P<word>[^\W_]+(?:['’][^\W_]+)*(?:-[^\W_]+)*)"
    r"|(?P<stop>[.!?;:…\n]+)"
    r"|(?P<comma>[,–—(\")]|\s-\s)"
    r"|(?P<emoji>[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2764])"
)
RATING = re.compile(
    r"\b(?:(\d{1,2}(?:\.\d)?)\s?/\s?(10|5)|(one|two|three|four|five|[1-5])\s+stars?)\b", re.I
)
STAR_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}

CONTRAST = frozenset({"but", "however", "except", "otherwise", "nevertheless", "nonetheless"})
CONCESSIVE = frozenset({"although", "though", "despite", "whereas"})
# A clause opened by these is the one that matters: "Great location, shame the room was dirty."
REGRET = frozenset({"shame", "pity", "sadly", "unfortunately", "unfortunatly"})
REQUEST = frozenset({"please", "pls", "plz", "need", "kindly"})
POLITE = frozenset(
    "thanks thank you so much very in advance for your help time cheers regards best kind many "
    "again all and ty thx".split()
)


def score(text: str) -> Sentiment:
    """The Sentiment of an English comment: clause polarities combined, mixed when they disagree."""
    if not text or not text.strip():
        return NEUTRAL
    lexicon, starts = english_lexicon(), _phrase_starts()
    clauses = _clauses(text)
    parts, earlier = [], []
    for i, (words, weight, question, exclaimed) in enumerate(clauses):
        polarity = clause_polarity(words, lexicon, starts, question, exclaimed, earlier)
        if polarity is not None and polarity > 0 and stock_praise(words):
            following = clauses[i + 1][0] if i + 1 < len(clauses) else []
            if following[:1] == ["another"]:  # "Great, another update that breaks things."
                polarity = -0.8 * polarity
        earlier.append(polarity)
        if polarity is not None:
            parts.append([polarity, weight, words])
    # "Thanks" closing a question or a request is a formula; after a complaint, politeness.
    asking = any(c[2] or not REQUEST.isdisjoint(c[0]) for c in clauses)
    if asking or len(parts) > 1:
        for part in parts:
            if part[0] > 0 and all(w in POLITE or w.startswith("\x00") for w in part[2]):
                part[1] *= 0.0 if asking else POLITE_WEIGHT
    rating = _rating(text)
    pairs = [(p, w) for p, w, _ in parts] + (
        [(rating, RATING_WEIGHT)] if rating is not None else []
    )
    return combine(pairs)


def _clauses(text: str) -> list[tuple[list[str], float, bool, bool]]:
    """``(words, weight, is_question, exclaimed)`` per clause; emoji come as "\\x00<emoji>"."""
    clauses: list[list] = []
    current: list[str] = []
    weight = 1.0
    sentence_start = True  # no clause of this sentence closed yet

    def close(end: str = "") -> None:
        nonlocal current, weight
        if current:
            clauses.append([current, weight, "?" in end, "!" in end])
        current, weight = [], 1.0

    matches = list(TOKEN.finditer(text))
    for index, match in enumerate(matches):
        kind, token = match.lastgroup, match.group()
        if kind == "stop":
            close(token)
            sentence_start = True
            continue
        if kind == "comma":
            close()
            sentence_start = False
            continue
        if kind in ("emoji", "emoticon"):
            current.append("\x00" + token.lower().replace("\ufe0f", ""))
            continue
        word = token.lower().replace("’", "'")
        following = matches[index + 1] if index + 1 < len(matches) else None
        at_end = following is None or following.lastgroup in ("stop", "comma")
        if word in CONTRAST or (word == "yet" and not at_end and not _negated_before(current)):
            close()
            if clauses:
                weight = CONTRAST_WEIGHT
            sentence_start = False
            continue
        if word in REGRET and not current and clauses:
            weight = CONTRAST_WEIGHT
        if word in CONCESSIVE:
            if word == "though" and at_end:
                weight = CONTRAST_WEIGHT  # "Small room, very clean though."
                continue
            if current and current[-1] == "even":
                current.pop()
            if current:  # "X although Y": X is the main clause
                close()
                clauses[-1][1] = CONTRAST_WEIGHT
            elif not sentence_start and clauses:  # "X, although Y"
                clauses[-1][1] = CONTRAST_WEIGHT
            else:  # "Although Y, X": the clause after the comma is the main one
                current.append("\x01concessive")
            continue
        current.append(word)
    close()
    # "Although Y, X": give X (the clause after the concessive one) the weight.
    for i, clause in enumerate(clauses):
        if clause[0] and clause[0][0] == "\x01concessive":
            clause[0] = clause[0][1:]
            if i + 1 < len(clauses):
                clauses[i + 1][1] = CONTRAST_WEIGHT
    return [(c[0], c[1], c[2], c[3]) for c in clauses if c[0]]


def _negated_before(words: list[str]) -> bool:
    return bool(words) and (words[-1] in ("not", "no") or words[-1].endswith("n't"))


def _rating(text: str) -> float | None:
    """A rating written in the comment ("10/10", "two stars") as a polarity, else None."""
    match = RATING.search(text)
    if match is None:
        return None
    if match.group(1):
        value, scale = float(match.group(1)), float(match.group(2))
        if value > scale:
            return None
        share = value / scale
    else:
        stars = match.group(3).lower()
        share = (STAR_WORDS.get(stars) or int(stars)) / 5
    return round((share - 0.6) * 2, 3) if share != 0.6 else 0.0


@functools.cache
def _phrase_starts() -> dict[str, int]:
    """First word of each phrase -> the length of the longest phrase it starts."""
    starts: dict[str, int] = {}
    for entry in [*english_lexicon(), *AMPLIFIER_PHRASES]:
        if " " in entry:
            first = entry.split(" ", 1)[0]
            starts[first] = max(starts.get(first, 0), entry.count(" ") + 1)
    return starts


@functools.cache
def english_lexicon() -> dict[str, float]:
    """Word (or space-joined phrase) -> polarity: TextBlob blended with VADER, our file on top.

    Where both know a word, TextBlob counts 0.6 and VADER 0.4 (its -4..4 scale divided by 4);
    VADER alone is divided by 3.5, near TextBlob's scale for the same words.
    """
    # Imported on first use: TextBlob pulls in NLTK, which takes a while to import.
    from textblob.en import sentiment as textblob_lexicon
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer().lexicon
    lexicon: dict[str, float] = {}
    for word, senses in textblob_lexicon.items():
        if None in senses and " " not in word:
            lexicon[word] = senses[None][0]
    for word, valence in vader.items():
        if not word.isalpha() and "'" not in word and "-" not in word:
            continue  # emoticons: ours are in english_rules.EMOJI
        if word in lexicon:
            lexicon[word] = 0.6 * lexicon[word] + 0.4 * valence / 4
        else:
            lexicon[word] = max(-1.0, min(valence / 3.5, 1.0))
    path = Path(__file__).with_name("en_lexicon.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            entry, polarity = line.split("\t")
            lexicon[entry] = float(polarity)
    return lexicon
