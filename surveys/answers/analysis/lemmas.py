"""Words and their lemmas, for sentiment lexicons and theme terms in every language.

simplemma (pure Python, its dictionaries ship inside the package) gives the dictionary form of
an inflected word ("hinnat" → "hinta", "supporten" → "support").
"""

import functools
import re

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``, in order."""
    return _WORD.findall(text.lower())


@functools.lru_cache(maxsize=100_000)
def lemma(word: str, language: str) -> str:
    """The dictionary form of a lower-cased ``word`` in ``language`` (itself if unknown)."""
    import simplemma

    try:
        return simplemma.lemmatize(word, lang=language)
    except ValueError:  # a language simplemma has no dictionary for
        return word


# The dictionaries language detection and theme matching read: the analysed languages, and
# Estonian, which detection weighs against Finnish.
DICTIONARIES = ("en", "fi", "sv", "et")


def preload(languages: tuple[str, ...] = DICTIONARIES) -> None:
    """Load simplemma's dictionaries now (Finnish alone takes about 3 s and 400 MB).

    The worker calls this in its main process before it forks its pool, so every worker process
    shares one copy of them instead of loading its own on its first Finnish comment.
    """
    import simplemma

    for language in languages:
        simplemma.lemmatize("a", lang=language)
