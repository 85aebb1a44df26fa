"""The Jinja helpers staff pages write dates and figures with, in the signed-in staff member's
format (``StaffUser.format_locale``): ``day``, ``moment``, ``number``, ``percent``, ``signed``,
and ``format_locale()`` for a script that writes numbers itself.

The locale is passed to Babel explicitly (``surveys.kernel.formatting``) rather than through
Flask-Babel's request locale: staff words stay English, and respondent pages choose their own
language (``app/i18n.py``). Signed out, or on the API, the format is English.
"""

from typing import Any

from flask import Flask, has_request_context
from flask_login import current_user

from surveys.kernel import formatting


def staff_locale() -> str:
    """The signed-in staff member's format locale; "en" outside a staff session."""
    if has_request_context() and current_user.is_authenticated:
        return formatting.known_locale(getattr(current_user, "format_locale", None))
    return formatting.DEFAULT_FORMAT_LOCALE


def day(value: Any, year: bool = True) -> str:
    return formatting.format_day(value, staff_locale(), year=year)


def moment(value: Any, seconds: bool = False) -> str:
    return formatting.format_moment(value, staff_locale(), seconds=seconds)


def number(value: float | None, digits: int = 0, trim: bool = False) -> str:
    return formatting.format_number(value, staff_locale(), digits, trim=trim)


def percent(value: float | None, digits: int = 1, trim: bool = False) -> str:
    return formatting.format_percent(value, staff_locale(), digits, trim=trim)


def signed(value: float | None, digits: int = 1, trim: bool = False) -> str:
    return formatting.format_signed(value, staff_locale(), digits, trim=trim)


HELPERS = {
    "format_locale": staff_locale,
    "day": day,
    "moment": moment,
    "number": number,
    "percent": percent,
    "signed": signed,
}


def init_formatting(app: Flask) -> None:
    """Every helper as a Jinja global and as a filter (``{{ x|percent }}``)."""
    app.jinja_env.globals.update(HELPERS)
    app.jinja_env.filters.update(
        {name: helper for name, helper in HELPERS.items() if name != "format_locale"}
    )
