"""The languages Kaiku speaks to customers: the one registry every page, email and form reads.

A language is a registry line here plus a gettext catalog in ``translations/<code>/`` (see
README, "Languages"). A customer's locale may be any BCP 47-like tag (``sv-FI``, ``en_GB``,
``de``); ``served_language`` maps it to the registered language Kaiku answers in, and anything
unregistered gets the default. The catalogs are compiled (``pybabel compile``) at set-up; a
language without a compiled catalog reads as English.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "translations"
# RFC 5646 recommends room for at least 35 characters; the customers.locale column has as much.
MAX_LOCALE_LENGTH = 35


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, the catalog's directory name
    name: str  # in English
    native_name: str  # as its speakers write it: what staff pages show next to the English name

    @property
    def label(self) -> str:
        """``Suomi (Finnish)``: the name staff pick a language by."""
        if self.native_name == self.name:
            return self.name
        return f"{self.native_name} ({self.name})"


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English"),
    Language("fi", "Finnish", "Suomi"),
    Language("sv", "Swedish", "Svenska"),
)
DEFAULT_LANGUAGE = "en"
CODES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}

# language[-script][-region][-variant...]: letters and digits between hyphens (or underscores,
# as POSIX locales write them).
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def normalise_locale(value: object) -> str:
    """A customer's locale as a BCP 47-like tag: ``en_gb`` → ``en-GB``, ``SV`` → ``sv``.

    :raises ValueError: not a string shaped like a language tag (the message says what is).
    """
    if not isinstance(value, str) or len(value.strip()) > MAX_LOCALE_LENGTH:
        raise ValueError(f"a language tag like en, fi or sv-FI, up to {MAX_LOCALE_LENGTH} long")
    tag = value.strip()
    if not _LOCALE.fullmatch(tag):
        raise ValueError("a language tag like en, fi or sv-FI")
    language, *rest = tag.replace("_", "-").split("-")
    parts = [language.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())  # region: FI
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())  # script: Latn
        else:
            parts.append(part.lower())
    return "-".join(parts)


def served_language(locale: str | None) -> str:
    """The registered language a customer of ``locale`` is served in: ``sv-FI`` → ``sv``,
    ``fi_FI`` → ``fi``, ``de`` or None → the default."""
    code = (locale or "").replace("_", "-").split("-")[0].lower()
    return code if code in BY_CODE else DEFAULT_LANGUAGE


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs (``pybabel extract``); it is translated where shown."""
    return message


@functools.cache
def translations(code: str) -> NullTranslations:
    """The compiled catalog of language ``code`` (loaded once per process); for English, or a
    catalog not compiled, translations that return the English source text."""
    if code == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [code])
