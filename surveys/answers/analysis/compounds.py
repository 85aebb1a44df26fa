"""Compound words split at a known term: Finnish and Swedish write compounds as one word.

"kuukausihinta" (monthly price) is a price comment and "puhelintuki" (phone support) a support
one, but simplemma lemmatises some compounds to their first part ("kuukausihinta" → "kuukausi")
and most to themselves, so a term lemma never equals them. This module finds the terms a
compound is built from, itself:

- the head (last part), inflected or not: every suffix of the word (and of its lemma) that
  leaves a left part of at least ``MIN_LEFT`` letters is lemmatised, and its lemma looked up
  ("puhelin|tuen" → "tuki", "kuukausi|hinnat" → "hinta", "lisä|ominaisuudet" → "ominaisuus");
- the first part, which Finnish and Swedish leave uninflected: a prefix that is a term, when
  what follows is a word the dictionary knows ("tuki|pyyntö", "toimitus|aika"), so "laskuri"
  (a counter) is not read as "lasku" (an invoice).

Parts are at least ``MIN_PART`` letters, so short endings ("-ssa", "-ton") never count as heads.
Pure: no database, and results depend only on the arguments (the caller caches per word).
"""

from collections.abc import Callable, Container

import simplemma

from surveys.answers.analysis.lemmas import lemma

COMPOUNDING = frozenset({"fi", "sv"})
MIN_LEFT = 3
MIN_PART = 4


def is_known(word: str, language: str) -> bool:
    """Whether simplemma's dictionary for ``language`` holds ``word`` (any inflected form)."""
    try:
        return simplemma.is_known(word, lang=language)
    except ValueError:
        return False


def compound_parts(
    word: str,
    language: str,
    terms: Container[str],
    *,
    lemmatise: Callable[[str, str], str] = lemma,
) -> list[str]:
    """The terms (members of ``terms``, as written there) that ``word`` is a compound of:
    at most one head, the longest, and one first part, the longest. Empty for a language that
    does not compound, or a word too short to be a compound."""
    if language not in COMPOUNDING or len(word) < MIN_LEFT + MIN_PART:
        return []
    found: list[str] = []
    head = _head(word, language, terms, lemmatise)
    if head is None:
        whole = lemmatise(word, language)
        if whole != word and len(whole) >= MIN_LEFT + MIN_PART:
            head = _head(whole, language, terms, lemmatise)
    if head is not None:
        found.append(head)
    first = _first_part(word, language, terms, lemmatise)
    if first is not None and first not in found:
        found.append(first)
    return found


def _head(
    word: str, language: str, terms: Container[str], lemmatise: Callable[[str, str], str]
) -> str | None:
    for start in range(MIN_LEFT, len(word) - MIN_PART + 1):
        tail = word[start:]
        if tail.startswith("-"):
            tail = tail[1:]
        if tail in terms:
            return tail
        base = lemmatise(tail, language)
        if base in terms:
            return base
    return None


def _first_part(
    word: str, language: str, terms: Container[str], lemmatise: Callable[[str, str], str]
) -> str | None:
    for end in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        first, rest = word[:end], word[end:].lstrip("-")
        if first in terms and len(rest) >= MIN_PART and is_known(rest, language):
            return first
    return None
