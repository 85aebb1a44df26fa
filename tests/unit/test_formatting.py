"""Dates and figures in each staff format: English keeps Kaiku's look, Finnish and Swedish
follow CLDR (Babel) with a no-break space as group separator and before "%"."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from surveys.kernel.formatting import (
    format_day,
    format_moment,
    format_number,
    format_percent,
    format_signed,
    known_locale,
)

NBSP = "\u00a0"
MINUS = "\u2212"
AT = datetime(2026, 12, 1, 14, 5, 7)


@pytest.mark.parametrize(
    ("locale", "day", "short", "moment", "with_seconds"),
    [
        ("en", "1 Dec 2026", "1 Dec", "1 Dec 2026, 14:05", "1 Dec 2026, 14:05:07"),
        ("fi", "1.12.2026", "1.12.", "1.12.2026 klo 14.05", "1.12.2026 klo 14.05.07"),
        ("sv", "1 dec. 2026", "1 dec.", "1 dec. 2026 14:05", "1 dec. 2026 14:05:07"),
    ],
)
def test_dates_and_times_in_each_format(locale, day, short, moment, with_seconds):
    assert format_day(date(2026, 12, 1), locale) == day
    assert format_day("2026-12-01", locale, year=False) == short
    assert format_day(AT, locale) == day
    assert format_moment(AT, locale) == moment
    assert format_moment(AT, locale, seconds=True) == with_seconds


@pytest.mark.parametrize(
    ("locale", "grouped", "negative", "percent", "plus", "minus"),
    [
        ("en", "1,234.5", "-1,234.5", f"33.3{NBSP}%", "+3.2", "-3.2"),
        ("fi", f"1{NBSP}234,5", f"{MINUS}1{NBSP}234,5", f"33,3{NBSP}%", "+3,2", f"{MINUS}3,2"),
        ("sv", f"1{NBSP}234,5", f"{MINUS}1{NBSP}234,5", f"33,3{NBSP}%", "+3,2", f"{MINUS}3,2"),
    ],
)
def test_figures_in_each_format(locale, grouped, negative, percent, plus, minus):
    assert format_number(1234.5, locale, 1) == grouped
    assert format_number(-1234.5, locale, 1) == negative
    assert format_percent(33.3, locale) == percent
    assert format_signed(3.2, locale) == plus
    assert format_signed(-3.2, locale) == minus


def test_trim_drops_zero_decimals_as_percent_g_did():
    assert format_percent(50.0, "en", trim=True) == f"50{NBSP}%"
    assert format_number(12.5, "fi", 1, trim=True) == "12,5"
    assert format_signed(40.0, "en", trim=True) == "+40"
    assert format_number(1234, "en") == "1,234"


def test_a_change_that_rounds_to_zero_has_a_plus_and_never_reads_minus_zero():
    assert format_signed(0, "en") == "+0.0"
    assert format_signed(-0.04, "fi") == "+0,0"
    assert format_signed(-0.0, "sv", 2) == "+0,00"


def test_times_are_written_in_utc_whatever_zone_they_come_in():
    helsinki = timezone(timedelta(hours=2))
    at = datetime(2026, 12, 1, 16, 5, tzinfo=helsinki)
    assert format_moment(at, "fi") == "1.12.2026 klo 14.05"
    assert format_moment(at.astimezone(UTC), "en") == "1 Dec 2026, 14:05"


def test_nothing_to_show_is_a_dash_and_an_unknown_locale_is_english():
    assert [format_day(None, "fi"), format_moment(None, "fi"), format_number(None, "fi")] == [
        "–",
        "–",
        "–",
    ]
    assert format_percent(None, "sv") == format_signed(None, "en") == "–"
    assert known_locale("de") == known_locale(None) == "en"
    assert format_moment(AT, "de") == "1 Dec 2026, 14:05"
