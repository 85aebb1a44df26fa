"""What a comment is about: themes found by terms matched on lemmas and compound parts.

A taxonomy is data (the defaults in ``default_themes.json``; a house keeps its own in the
database, see ``surveys.answers.taxonomy``): per theme, terms and exclusion phrases per language.

- A one-word term matches a word whose lemma (simplemma) or surface form is the term or the
  term's lemma: "crashes", "crashing" → "crash"; "hinnat" → "hinta".
- In Finnish and Swedish a term also matches a compound whose head or first part it is
  ("kuukausihinta" → price, "tukipyyntö" → support; see ``compounds``).
- A term ending in ``*`` matches every word that starts with it ("hinnoit*").
- Several words are a phrase, matched on consecutive lemmas ("dark mode", "log in").
- An exclusion phrase vetoes its theme for the terms inside its span, so "Can't wait for the
  next release" is not speed and "a legislative bill" is not billing; the theme still counts
  where it is named elsewhere in the comment.

English terms are matched in every comment, since Finnish and Swedish feedback borrows them
("UI", "support"); a comment of unknown language is matched in every language.
A matcher is built once per taxonomy fingerprint and caches what each word gives, so tagging
runs at tens of thousands of comments a second.
"""

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from surveys.answers.analysis import compounds, lemmas
from surveys.answers.analysis.language import detect_language

LANGUAGES = ("en", "fi", "sv")
DEFAULTS_FILE = Path(__file__).with_name("default_themes.json")
MAX_TERM_WORDS = 6


@dataclass(frozen=True)
class ThemeTerms:
    """One theme: its key, its names and, per language, its terms and exclusion phrases."""

    key: str
    names: Mapping[str, str] = field(default_factory=dict)
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclusions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def name(self, language: str = "en") -> str:
        return self.names.get(language) or self.names.get("en") or self.key


def load_default_themes() -> tuple[ThemeTerms, ...]:
    """The default themes as shipped in ``default_themes.json``."""
    data = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))["themes"]
    return tuple(
        ThemeTerms(
            key=key,
            names=dict(spec.get("names", {})),
            terms={lang: tuple(spec.get("terms", {}).get(lang, ())) for lang in LANGUAGES},
            exclusions={
                lang: tuple(spec.get("exclusions", {}).get(lang, ())) for lang in LANGUAGES
            },
        )
        for key, spec in data.items()
    )


@dataclass(frozen=True)
class Taxonomy:
    """The active themes comments are tagged with."""

    themes: tuple[ThemeTerms, ...] = field(default_factory=load_default_themes)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(theme.key for theme in self.themes)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A short hash of what tagging depends on (keys, terms, exclusions; not the names):
        part of the analysis version a response records."""
        data = [
            [t.key, {k: list(v) for k, v in sorted(t.terms.items()) if v},
             {k: list(v) for k, v in sorted(t.exclusions.items()) if v}]
            for t in sorted(self.themes, key=lambda t: t.key)
        ]  # fmt: skip
        encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()[:10]

    @functools.cached_property
    def matcher(self) -> "Matcher":
        return _matcher(self)


DEFAULT_TAXONOMY = Taxonomy()
THEMES: tuple[str, ...] = DEFAULT_TAXONOMY.keys


def extract_themes(
    text: str | None, language: str | None = None, taxonomy: Taxonomy | None = None
) -> list[str]:
    """The theme keys ``text`` mentions, sorted and unique; ``language`` is detected when None.

    ``taxonomy`` defaults to the built-in one; the pipeline passes the house's
    (``surveys.answers.taxonomy.load_taxonomy``)."""
    if not text:
        return []
    if language is None:
        language = detect_language(text)
    return (taxonomy or DEFAULT_TAXONOMY).matcher.themes(text, language)


def languages_for(language: str | None) -> tuple[str, ...]:
    """Which languages' terms are matched in a comment of ``language``."""
    if language == "en":
        return ("en",)
    if language in LANGUAGES:
        return (language, "en")
    return LANGUAGES


def tokens(text: str, language: str) -> list[str]:
    """Words as the matcher sees them: hyphenated words in parts ("hinta-laatusuhde",
    "Android-sovellus"); English possessives lose their "'s" ("actor's")."""
    found = [part for word in lemmas.words(text) for part in word.split("-") if part]
    if language == "en":
        found = [w[:-2] if w.endswith(("'s", "’s")) and len(w) > 3 else w for w in found]
    return found


def base_form(word: str, language: str) -> str:
    """The lemma, except where simplemma cut a compound to its first part ("kuukausihinta" →
    "kuukausi"): then the word itself, which ``compounds`` splits."""
    found = lemmas.lemma(word, language)
    if (
        language in compounds.COMPOUNDING
        and found != word
        and word.startswith(found)
        and len(word) - len(found) >= compounds.MIN_PART
    ):
        return word
    return found


class _LanguageMatcher:
    """The terms and exclusions of one language, indexed for the matcher."""

    def __init__(self, language: str, themes: Iterable[ThemeTerms]) -> None:
        self.language = language
        self.words: dict[str, set[str]] = {}
        self.prefixes: list[tuple[str, str]] = []
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.exclusions: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._cache: dict[str, tuple[str, frozenset[str]]] = {}
        for theme in themes:
            for term in theme.terms.get(language, ()):
                self._add_term(term, theme.key)
            for phrase in theme.exclusions.get(language, ()):
                # As written, like a phrase term: "supports" (the verb) vetoes itself, not
                # every "support".
                sequence = tuple(tokens(phrase, language))
                if sequence:
                    self.exclusions.setdefault(sequence[0], []).append((sequence, theme.key))

    def _add_term(self, term: str, theme: str) -> None:
        term = term.strip().lower()
        if term.endswith("*"):
            stem = term.rstrip("*")
            if len(stem) >= 3:
                self.prefixes.append((stem, theme))
            return
        words = tokens(term, self.language)
        if len(words) == 1:
            for form in {words[0], base_form(words[0], self.language)}:
                self.words.setdefault(form, set()).add(theme)
        elif words:
            self.phrases.setdefault(words[0], []).append((tuple(words), theme))

    def word(self, token: str) -> tuple[str, frozenset[str]]:
        """The base form of ``token`` and the themes it names on its own (cached)."""
        cached = self._cache.get(token)
        if cached is None:
            base = base_form(token, self.language)
            found = set(self.words.get(token, ())) | set(self.words.get(base, ()))
            if not found:
                found.update(
                    t for s, t in self.prefixes if token.startswith(s) or base.startswith(s)
                )
            if not found:
                for part in compounds.compound_parts(token, self.language, self.words):
                    found.update(self.words[part])
            cached = (base, frozenset(found))
            if len(self._cache) < 200_000:
                self._cache[token] = cached
        return cached


class Matcher:
    """A taxonomy built for matching: ``themes(text, language)``."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.by_language = {lang: _LanguageMatcher(lang, taxonomy.themes) for lang in LANGUAGES}

    def themes(self, text: str, language: str | None) -> list[str]:
        hits: list[tuple[int, int, str]] = []
        vetoes: list[tuple[int, int, str]] = []
        for lang in languages_for(language):
            matcher = self.by_language[lang]
            words = tokens(text, lang)
            if not words:
                continue
            analysed = [matcher.word(w) for w in words]
            bases = [a[0] for a in analysed]
            for i, (base, named) in enumerate(analysed):
                for theme in named:
                    hits.append((i, i + 1, theme))
                for index, found in ((matcher.phrases, hits), (matcher.exclusions, vetoes)):
                    for key in {words[i], base}:
                        for sequence, theme in index.get(key, ()):
                            if _matches(sequence, words, bases, i):
                                found.append((i, i + len(sequence), theme))
        if not vetoes:
            return sorted({theme for _, _, theme in hits})
        kept = {
            theme
            for start, end, theme in hits
            if not any(t == theme and s < end and start < e for s, e, t in vetoes)
        }
        return sorted(kept)


def _matches(sequence: tuple[str, ...], words: list[str], bases: list[str], start: int) -> bool:
    """Whether the phrase ``sequence`` (words as written) starts at ``start``: a word written
    in its base form ("stop working") matches every inflection of it, one written inflected
    ("olisi kiva": the conditional is the point) only itself."""
    if start + len(sequence) > len(words):
        return False
    return all(
        part == words[start + n] or part == bases[start + n] for n, part in enumerate(sequence)
    )


_MATCHERS: dict[str, Matcher] = {}


def _matcher(taxonomy: Taxonomy) -> Matcher:
    """One matcher per fingerprint, shared by every equal taxonomy loaded (the pipeline loads
    the house's taxonomy per batch; its word cache survives)."""
    matcher = _MATCHERS.get(taxonomy.fingerprint)
    if matcher is None:
        if len(_MATCHERS) >= 8:
            _MATCHERS.pop(next(iter(_MATCHERS)))
        matcher = _MATCHERS[taxonomy.fingerprint] = Matcher(taxonomy)
    return matcher
