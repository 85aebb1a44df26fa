"""A theme's share of comments over time: mentions and comments per day, week or month.

The themes report shows one line per theme (how much of what customers wrote mentioned it, per
period); the counts come from ``counts.theme_days`` (rollups), so the cost grows with the days
and themes, not the comments.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from surveys.reports import counts, periods

# The period a range is shown by: days for two weeks at most, weeks up to about half a year.
DAILY_UP_TO = 14
WEEKLY_UP_TO = 190


@dataclass(frozen=True)
class SharePoint:
    """One period: its first day, the theme's mentions, the comments, and the share (%)."""

    start: date
    mentions: int
    comments: int

    @property
    def share(self) -> float | None:
        return 100 * self.mentions / self.comments if self.comments else None

    def as_dict(self) -> dict:
        return {
            "start": self.start.isoformat(),
            "mentions": self.mentions,
            "comments": self.comments,
            "share": self.share,
        }


def period_for(days: int) -> str:
    """The period a range of ``days`` days is drawn by."""
    if days <= DAILY_UP_TO:
        return "day"
    return "week" if days <= WEEKLY_UP_TO else "month"


def period_starts(first: date, last: date, period: str) -> list[date]:
    """Every period overlapping [first, last], by its first day."""
    starts, day = [], periods.period_start(first, period)
    while day <= last:
        starts.append(day)
        day = periods.next_period(day, period)
    return starts


def theme_trends(
    session: Session, scope: counts.Scope
) -> tuple[str, list[date], dict[str, list[SharePoint]]]:
    """The period, its starts, and per theme one ``SharePoint`` per period (empty ones too)."""
    first = scope.start.date()
    last = scope.end.date() - timedelta(days=1)
    period = period_for((last - first).days + 1)
    starts = period_starts(first, last, period)
    mentions, comments = counts.theme_days(session, scope)
    per_period = _folded(comments, period)
    trends = {}
    for theme, days in mentions.items():
        folded = _folded(days, period)
        trends[theme] = [
            SharePoint(start, folded.get(start, 0), per_period.get(start, 0)) for start in starts
        ]
    return period, starts, trends


def _folded(days: dict[date, int], period: str) -> dict[date, int]:
    result: dict[date, int] = {}
    for day, n in days.items():
        start = periods.period_start(day, period)
        result[start] = result.get(start, 0) + n
    return result
