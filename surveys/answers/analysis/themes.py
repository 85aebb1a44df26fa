"""What a comment is about: themes found by keyword stems, in English and Finnish.

A stem matches every lower-cased word that starts with it (Finnish inflects: "hinta", "hinna"
and "hinno" find hinta, hinnat and hinnoittelu), and the longest matching stem decides, so
"toimitus" (delivery) is not read as "toimii" (works) and "helppo" (easy) is not read as "help".
Stems of two letters ("ui", "ux") match only the whole word. English stems are matched in every
comment, since Finnish feedback borrows English terms ("UI", "support"); Finnish stems in every
comment not detected as English.
"""

import functools
import hashlib
import json
import re
from dataclasses import dataclass, field

from surveys.answers.analysis.language import detect_language

KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "price": {
        "en": ("price", "pricing", "priced", "pricey", "overpriced", "expensive", "cheap", "cost",
               "afford"),
        "fi": ("hinta", "hinna", "hinno", "kalli", "halpa", "halva", "halve", "edulli", "hintav",
               "ylihinnoit", "kustann"),
    },
    "support": {
        "en": ("support", "agent", "help", "service", "staff", "representative", "chat", "respon",
               "answered"),
        "fi": ("tuki", "tuen", "tukea", "asiakaspalvel", "asiakastu", "palvelu", "palvelij",
               "henkilökun", "myyjä", "neuvo", "vastau", "vastasi", "vastann", "chat"),
    },
    "speed": {
        "en": ("speed", "slow", "fast", "quick", "lag", "loading", "wait", "sluggish",
               "perform"),
        "fi": ("nopea", "nopei", "nopeu", "hidas", "hitaa", "hitai", "hitau", "jono", "odott",
               "odotusai", "viive", "latau", "takku", "tökki", "pikai", "ripe", "kauan"),
    },
    "reliability": {
        "en": ("crash", "bug", "error", "outage", "downtime", "freez", "froze", "unstable",
               "reliab", "unreliab", "glitch", "works", "working"),
        "fi": ("kaatu", "jumi", "virhe", "bugi", "bugej", "luotettav", "epäluotettav", "toimi",
               "toimimat", "katko", "katke", "häiriö", "vakaa", "epävakaa"),
    },
    "usability": {
        "en": ("usab", "easy", "easier", "intuitive", "confus", "clunky", "navigat", "interface",
               "ui", "ux", "user-friend", "complicated", "difficult", "menu", "layout"),
        "fi": ("helppo", "helpo", "käytettäv", "käyttöliittym", "vaikea", "vaikeu", "vaikeit",
               "selke", "sekav", "intuitiivi", "hankal", "monimutkai", "navigoi", "valikko",
               "valiko", "käyttäjäystävälli", "kömpelö"),
    },
    "features": {
        "en": ("feature", "function", "option", "integrat", "export", "customiz", "setting"),
        "fi": ("ominaisuu", "ominaisuuk", "ominaisuud", "toiminno", "toiminto", "toiminnalli",
               "integraatio", "asetu", "vaihtoehto", "raportoin"),
    },
    "onboarding": {
        "en": ("onboard", "setup", "set-up", "signup", "sign-up", "registr", "register",
               "tutorial", "instruction", "install", "training", "guide"),
        "fi": ("käyttöönot", "rekisteröi", "ohje", "perehdy", "asennu", "asenta", "asensi",
               "aloitus", "koulutu"),
    },
    "billing": {
        "en": ("invoice", "bill", "charge", "payment", "pay", "refund", "subscription",
               "receipt"),
        "fi": ("lasku", "maksu", "maksa", "maksoi", "hyvity", "veloit", "kuitti"),
    },
    "delivery": {
        "en": ("deliver", "shipping", "shipment", "shipped", "courier", "package", "parcel",
               "arrive", "tracking", "delay"),
        "fi": ("toimit", "paketti", "paketi", "lähety", "lähetett", "posti", "kuljet", "saapu",
               "tilaus", "tilauk", "tilasi", "nouto", "viiväs", "myöhäs", "ajoissa", "ajallaan"),
    },
    "quality": {
        "en": ("quality", "defect", "broken", "flimsy", "durab", "material", "faulty",
               "damaged"),
        "fi": ("laatu", "laadu", "viallin", "rikki", "rikko", "kestäv", "kestämät", "materiaali",
               "vaurio", "huonolaatui"),
    },
}  # fmt: skip

# Finnish words that merely start like a keyword: "toiminta" (conduct) is not "toimii" (works),
# "ohjelma" (program) is not "ohje" (instructions).
NOT_KEYWORDS = ("toimint", "toimisto", "ohjelm")

THEMES: tuple[str, ...] = tuple(KEYWORDS)


@dataclass(frozen=True)
class Taxonomy:
    """The themes comments are tagged with: {theme key: {language: terms}}."""

    keywords: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=lambda: KEYWORDS)

    @functools.cached_property
    def fingerprint(self) -> str:
        """A short hash of the whole taxonomy: part of the analysis version a response records."""
        data = json.dumps(self.keywords, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()[:10]


DEFAULT_TAXONOMY = Taxonomy()

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def extract_themes(
    text: str | None, language: str | None = None, taxonomy: Taxonomy | None = None
) -> list[str]:
    """The themes ``text`` mentions, sorted and unique; ``language`` is detected when None.

    ``taxonomy`` defaults to the built-in one (issue 10 moves it to the database)."""
    if not text:
        return []
    if language is None:
        language = detect_language(text)
    stems = _stems(with_finnish=language != "en")
    found = set()
    for word in _WORD.findall(text.lower()):
        theme = _theme_of(word, stems)
        if theme:
            found.add(theme)
    return sorted(found)


def _theme_of(word: str, stems: dict[str, str]) -> str | None:
    """Theme of the longest stem ``word`` starts with; "" for a NOT_KEYWORDS word."""
    if word in stems:
        return stems[word]
    for end in range(len(word) - 1, 2, -1):
        theme = stems.get(word[:end])
        if theme is not None:
            return theme
    return None


@functools.cache
def _stems(with_finnish: bool) -> dict[str, str]:
    languages = ("en", "fi") if with_finnish else ("en",)
    stems = dict.fromkeys(NOT_KEYWORDS, "") if with_finnish else {}
    for theme, by_language in KEYWORDS.items():
        for language in languages:
            for stem in by_language[language]:
                if stems.setdefault(stem, theme) != theme:
                    raise ValueError(f"keyword {stem!r} listed twice")
    return stems
