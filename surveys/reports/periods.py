"""Days folded into periods: a week starts on Monday, a month on its 1st (UTC days)."""

from collections.abc import Mapping
from datetime import date, timedelta

from surveys.reports.counts import Tally

PERIODS = ("day", "week", "month")


def period_start(day: date, period: str) -> date:
    """The first day of the day's ``period``: itself, its week's Monday, its month's 1st."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"Period is one of {', '.join(PERIODS)}, not {period!r}.")


def next_period(start: date, period: str) -> date:
    """The first day of the period after the one starting on ``start``."""
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def bucket(days: Mapping[date, Tally], period: str) -> dict[date, Tally]:
    """Per-day tallies folded into periods, keyed by each period's first day."""
    periods: dict[date, Tally] = {}
    for day, tally in days.items():
        start = period_start(day, period)
        periods[start] = periods[start] + tally if start in periods else tally
    return periods
