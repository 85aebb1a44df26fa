"""Dates, times and figures written the way a staff member reads them: English, Finnish or
Swedish format (``StaffUser.format_locale``), with the locale always passed in.

Only the format follows the locale; the words around it stay English. Babel supplies month
names, decimal and group separators and the minus sign; the patterns are CLDR's medium ones
(Finnish with the "klo" CLDR puts between a date and a time), except English, which keeps the
look Kaiku's pages always had ("1 Dec 2026, 14:05", "1,234.5", "33.3 %"). Times are UTC, as
everywhere on staff pages. The API and CSV exports do not come here: they stay locale-free.
"""

from datetime import UTC, date, datetime

from babel import dates, numbers

FORMAT_LOCALES = ("en", "fi", "sv")
DEFAULT_FORMAT_LOCALE = "en"
# How each format is named on the account page, in its own language.
FORMAT_LOCALE_NAMES = {
    "en": "English · 1 Dec 2026 · 1,234.5",
    "fi": "Suomi · 1.12.2026 · 1 234,5",
    "sv": "Svenska · 1 dec. 2026 · 1 234,5",
}
NONE = "–"

# Babel date patterns per locale: a day, a day without the year, a moment, one with seconds.
_PATTERNS = {
    "en": ("d MMM yyyy", "d MMM", "d MMM yyyy, HH:mm", "d MMM yyyy, HH:mm:ss"),
    "fi": ("d.M.yyyy", "d.M.", "d.M.yyyy 'klo' H.mm", "d.M.yyyy 'klo' H.mm.ss"),
    "sv": ("d MMM y", "d MMM", "d MMM y HH:mm", "d MMM y HH:mm:ss"),
}


def known_locale(locale: str | None) -> str:
    """``locale`` if it is one of ``FORMAT_LOCALES``, else English (an old row, an API key)."""
    return locale if locale in FORMAT_LOCALES else DEFAULT_FORMAT_LOCALE


def format_day(value: date | datetime | str | None, locale: str, *, year: bool = True) -> str:
    """A calendar day: "1 Dec 2026", "1.12.2026", "1 dec. 2026"; an ISO string is read first.
    A datetime is taken in UTC."""
    if value is None:
        return NONE
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = _utc(value).date()
    locale = known_locale(locale)
    return dates.format_date(value, _PATTERNS[locale][0 if year else 1], locale=locale)


def format_moment(value: datetime | None, locale: str, *, seconds: bool = False) -> str:
    """A date and time in UTC: "1 Dec 2026, 14:05", "1.12.2026 klo 14.05", "1 dec. 2026 14:05"
    (a naive datetime is UTC already, as the database holds them)."""
    if value is None:
        return NONE
    locale = known_locale(locale)
    pattern = _PATTERNS[locale][3 if seconds else 2]
    return dates.format_datetime(_utc(value), pattern, tzinfo=UTC, locale=locale)


def format_number(value: float | None, locale: str, digits: int = 0, *, trim: bool = False) -> str:
    """A figure with group separators and ``digits`` decimals: "1,234.5", "1 234,5"; with
    ``trim``, trailing zero decimals are left off ("50", "33.3"). None is "–"."""
    if value is None:
        return NONE
    locale = known_locale(locale)
    pattern = "#,##0" + ("." + ("#" if trim else "0") * digits if digits else "")
    text = numbers.format_decimal(value, pattern, locale=locale)
    # Babel writes the pattern's "-" as is; Finnish and Swedish print a real minus sign.
    return text.replace("-", numbers.get_minus_sign_symbol(locale))


def format_percent(value: float | None, locale: str, digits: int = 1, *, trim: bool = False) -> str:
    """A figure already in percent: "33.3 %", "33,3 %" (a no-break space before the sign, as
    Finnish and Swedish write it, so it never wraps alone). None is "–"."""
    if value is None:
        return NONE
    return format_number(value, locale, digits, trim=trim) + "\u00a0%"


def format_signed(value: float | None, locale: str, digits: int = 1, *, trim: bool = False) -> str:
    """A change or an NPS, always with its sign, as "%+.1f" wrote it: "+3.2", "−3,2", "+0.0"
    (never "−0.0": a value that rounds to zero is zero). None is "–"."""
    if value is None:
        return NONE
    shown = round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = format_number(shown, locale, digits, trim=trim)
    return numbers.get_plus_sign_symbol(known_locale(locale)) + text if shown >= 0 else text


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
