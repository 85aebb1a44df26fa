"""The dashboard's figures, one service for the page and the API: the same numbers in both.

Counts come from ``surveys.reports.counts`` only; the statistics from ``surveys.reports.stats``
through ``surveys.reports.figures.headline``. Results are plain dicts of unrounded values
(``figures.rounded`` is applied where they are shown). Dates are UTC days; a range is
``[start, end]`` inclusive of both days, as a person picks it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.catalog import scoring
from surveys.kernel.errors import NotFoundError
from surveys.models import Survey
from surveys.reports import counts, figures, periods, segments, stats

QUICK_RANGES = ("7", "30", "90", "quarter")
KINDS = tuple(scoring.SCALES)
# The longest range a trend is drawn over by day (a year of points is already hard to read).
MAX_DAYS = 3660


@dataclass(frozen=True)
class Range:
    """UTC days ``first``..``last``, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware UTC datetimes."""
        start = datetime.combine(self.first, time(), UTC)
        return start, start + timedelta(days=self.days)

    def previous(self) -> "Range":
        return Range(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


def quick_range(pick: str, today: date) -> Range:
    """ "7", "30", "90": that many days ending today; "quarter": this calendar quarter so far.

    :raises ValueError: another pick.
    """
    if pick in ("7", "30", "90"):
        return Range(today - timedelta(days=int(pick) - 1), today)
    if pick == "quarter":
        return Range(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    raise ValueError(f"Pick one of {', '.join(QUICK_RANGES)}, not {pick!r}.")


def custom_range(first: date, last: date) -> Range:
    """:raises ValueError: ``last`` before ``first``, or longer than ``MAX_DAYS``."""
    if last < first:
        raise ValueError("The range ends before it starts.")
    result = Range(first, last)
    if result.days > MAX_DAYS:
        raise ValueError(f"A range is at most {MAX_DAYS} days.")
    return result


def scope(session: Session, days: Range, *, survey_id: int | None = None, kind: str | None = None):
    """The counts' scope for one survey (its kind) or every survey of ``kind``.

    :raises NotFoundError: no such survey.
    :raises ValueError: neither a survey nor a known kind.
    """
    start, end = days.bounds()
    if survey_id is not None:
        survey = session.get(Survey, survey_id)
        if survey is None:
            raise NotFoundError(f"No survey {survey_id}.")
        return counts.Scope(survey.kind, start, end, survey.id)
    if kind not in KINDS:
        raise ValueError(f"Give a survey or a kind ({', '.join(KINDS)}).")
    return counts.Scope(kind, start, end)


def _estimate(tally: counts.Tally) -> stats.Estimate:
    return figures.headline(tally.kind, tally.categories, tally.score_sum, tally.score_squares)


def summary(session: Session, scope: counts.Scope) -> dict[str, Any]:
    """Headline with n and margin, change against the previous equal period, distribution,
    category counts and the response rate (answered / delivered, with both counts)."""
    tally = counts.totals(session, scope)
    before = counts.totals(session, scope.previous())
    current, previous = _estimate(tally), _estimate(before)
    delivery = counts.deliveries(session, scope)
    scale = scoring.SCALES[scope.kind]
    return {
        "kind": scope.kind,
        "survey": scope.survey_id,
        "headline": current.as_dict(),
        "previous": previous.as_dict(),
        "change": stats.change(current, previous).as_dict(),
        "categories": tally.categories,
        "distribution": [
            {"score": score, "count": tally.scores.get(score, 0)} for score in scale.scores
        ],
        "response_rate": {
            "delivered": delivery.delivered,
            "answered": delivery.answered,
            "rate": 100 * delivery.answered / delivery.delivered if delivery.delivered else None,
        },
    }


def trend(session: Session, scope: counts.Scope, period: str) -> list[dict[str, Any]]:
    """One point per period overlapping the range, empty ones included (n = 0, no value).

    Each point has the period's first and last day (clipped to the range), the headline with
    its interval (the band) and ``enough``: False is "too few answers", not a line.
    """
    return _points(scope, counts.by_day(session, scope), period)


def trend_by(session: Session, scope: counts.Scope, period: str, by: str) -> list[dict[str, Any]]:
    """``trend`` per value of the slice ``by``, most answers first: ``{"slice", "n", "points"}``."""
    check_slice(session, by)
    series = [
        {
            "slice": value,
            "n": sum(tally.n for tally in days.values()),
            "points": _points(scope, days, period),
        }
        for value, days in counts.by_slice_and_day(session, scope, by).items()
    ]
    series.sort(key=lambda item: (-item["n"], item["slice"] is None, str(item["slice"])))
    return series


def _points(
    scope: counts.Scope, days: dict[date, counts.Tally], period: str
) -> list[dict[str, Any]]:
    if period not in periods.PERIODS:
        raise ValueError(f"Period is one of {', '.join(periods.PERIODS)}, not {period!r}.")
    folded = periods.bucket(days, period)
    first, last = scope.start.date(), (scope.end - timedelta(days=1)).date()
    points = []
    start = periods.period_start(first, period)
    while start <= last:
        following = periods.next_period(start, period)
        estimate = _estimate(folded.get(start, counts.Tally(scope.kind)))
        points.append(
            {
                "start": max(start, first).isoformat(),
                "end": min(following - timedelta(days=1), last).isoformat(),
                **estimate.as_dict(),
            }
        )
        start = following
    return points


def breakdown(session: Session, scope: counts.Scope, by: str) -> dict[str, Any]:
    """The headline per slice value (``slice``), most answers first; None is "not recorded".

    By ``agent`` on NPS it also has the leaderboard: shrunken NPS, agents under
    ``stats.MIN_AGENT_ANSWERS`` answers apart.

    :raises ValueError: ``by`` is not a dimension or a segment (``check_slice``).
    """
    check_slice(session, by)
    slices = counts.by_slice(session, scope, by)
    items = [
        {"slice": value, "categories": tally.categories, **_estimate(tally).as_dict()}
        for value, tally in slices.items()
    ]
    items.sort(key=lambda item: (-item["n"], item["slice"] is None, str(item["slice"])))
    result: dict[str, Any] = {"kind": scope.kind, "survey": scope.survey_id, "by": by}
    result["items"] = items
    if by == "agent" and scope.kind == "nps":
        board = stats.leaderboard(
            {
                value: (c["promoter"], c["passive"], c["detractor"])
                for value, tally in slices.items()
                if value is not None
                for c in [tally.categories]
            }
        )
        result["leaderboard"] = board.as_dict()
        result["leaderboard"]["min_n"] = stats.MIN_AGENT_ANSWERS
    return result


def check_slice(session: Session, by: str) -> None:
    """:raises ValueError: not a dimension, or an attribute that is not a segment."""
    counts.check_dimension(by)
    name = by.removeprefix(counts.ATTRIBUTE_PREFIX)
    if by.startswith(counts.ATTRIBUTE_PREFIX) and not segments.is_segment(session, name):
        raise ValueError(f"{name!r} is not a segment; an admin marks segments under Surveys.")


def survey_choices(session: Session) -> list[Survey]:
    """Every survey, for the picker, oldest first."""
    return list(session.scalars(select(Survey).order_by(Survey.id)))
