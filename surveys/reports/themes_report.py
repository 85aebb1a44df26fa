"""The themes report: per theme over a date range, what customers talk about and what it costs.

For one survey, or every survey of a kind, between ``start`` (inclusive) and ``end``
(exclusive): each theme's mentions, its share of the comments, its sentiment split, and (on NPS)
the NPS of those who mention it against those who don't with its impact on the headline
(``stats.theme_impact``); what detractors talk about against promoters, which themes rise
against the previous period of equal length (``stats.compare_shares``, ``stats.rising_themes``),
and each theme's share of comments per day, week or month (``theme_trend``).

Counted by ``surveys.reports.counts`` from the rollups (answers and comments per score, theme
mentions per score and sentiment), so the cost grows with the days and themes, not the answers.
The arithmetic is ``surveys.reports.stats``'; nothing here re-derives a formula.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from surveys.catalog import definitions as catalog
from surveys.catalog.scoring import NEGATIVE_CATEGORY, POSITIVE_CATEGORY, SCALES, categorize
from surveys.kernel import clock
from surveys.kernel.errors import ValidationError
from surveys.models import Survey
from surveys.reports import counts, explorer, stats
from surveys.reports.stats import Estimate, ShareChange, ThemeImpact
from surveys.reports.theme_trend import SharePoint, theme_trends

DEFAULT_DAYS = 30
MAX_DAYS = 3660
SENTIMENT_KEYS = ("positive", "neutral", "negative", "not_analysed")


@dataclass(frozen=True)
class Scope:
    """Which answers: one survey (``survey`` set, ``kind`` its kind) or every survey of ``kind``,
    answered in [``start``, ``end``); the previous period is the same length just before."""

    kind: str
    start: datetime
    end: datetime
    survey: Survey | None = None

    @property
    def previous_start(self) -> datetime:
        return self.start - (self.end - self.start)

    def query_args(self) -> dict[str, str]:
        """The scope as query-string values the report's and the explorer's URLs take."""
        last_day = (self.end - timedelta(microseconds=1)).date()
        args = {"from": self.start.date().isoformat(), "to": last_day.isoformat()}
        if self.survey is not None:
            return {"survey": str(self.survey.id), **args}
        return {"kind": self.kind, **args}


@dataclass(frozen=True)
class ThemeRow:
    """One theme over the range. ``share_of_comments`` is a percentage (None without comments);
    ``sentiment`` counts the mentions by label (``mixed`` counts those with praise and a
    complaint, whatever their label); ``impact`` is None unless the kind is NPS."""

    theme: str
    mentions: int
    share_of_comments: float | None
    sentiment: Mapping[str, int]
    mixed: int
    impact: ThemeImpact | None
    change: ShareChange
    negative_vs_positive: ShareChange
    trend: tuple[SharePoint, ...] = ()


@dataclass(frozen=True)
class ThemesReport:
    """The report: ``themes`` sorted by impact (the costliest first) on NPS, by mentions
    otherwise; ``rising`` the themes whose share rose significantly; ``negative_vs_positive``
    every theme by how much more detractors (dissatisfied, high effort) mention it than
    promoters (satisfied, low effort) do."""

    scope: Scope
    responses: int
    comments: int
    previous_comments: int
    headline: Estimate | None
    themes: tuple[ThemeRow, ...]
    rising: tuple[ShareChange, ...]
    negative_vs_positive: tuple[ShareChange, ...]
    negative_category: str = field(default="")
    positive_category: str = field(default="")
    period: str = "week"
    periods: tuple[date, ...] = ()

    @property
    def enough(self) -> bool:
        return self.comments >= stats.MIN_THEME_COMMENTS

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the scope's dates as ISO 8601, figures unrounded."""
        scope = self.scope
        return {
            "survey": scope.survey.id if scope.survey is not None else None,
            "kind": scope.kind,
            "from": scope.start.isoformat(),
            "to": scope.end.isoformat(),
            "previous_from": scope.previous_start.isoformat(),
            "responses": self.responses,
            "comments": self.comments,
            "previous_comments": self.previous_comments,
            "enough": self.enough,
            "min_comments": stats.MIN_THEME_COMMENTS,
            "headline": self.headline.as_dict() if self.headline is not None else None,
            "period": self.period,
            "themes": [
                asdict(row) | {"trend": [point.as_dict() for point in row.trend]}
                for row in self.themes
            ],
            "rising": [change.as_dict() for change in self.rising],
            "negative_category": self.negative_category,
            "positive_category": self.positive_category,
            "negative_vs_positive": [change.as_dict() for change in self.negative_vs_positive],
        }


def parse_scope(session: Session, args: Mapping[str, str]) -> Scope:
    """A scope from query-string text: ``survey`` or ``kind`` (one is needed), ``from``/``to``
    as the explorer reads them (dates are whole UTC days); without them the last 30 days.

    :raises ValidationError: a bad value, neither survey nor kind, a survey of another kind,
        or a range over ten years; ``fields`` names each.
    :raises NotFoundError: ``survey`` names no survey.
    """
    names = ("survey", "kind", "from", "to")
    filters = explorer.parse_filters({name: args.get(name) or "" for name in names})
    survey = catalog.get_survey(session, filters.survey) if filters.survey is not None else None
    if survey is None and filters.kind is None:
        raise ValidationError(
            "Give a survey or a kind.", fields={"survey": "give a survey id or a kind"}
        )
    if survey is not None and filters.kind is not None and survey.kind != filters.kind:
        raise ValidationError(
            "The survey is of another kind.", fields={"kind": f"survey is {survey.kind}"}
        )
    kind = survey.kind if survey is not None else filters.kind
    end = filters.answered_to
    if end is None:
        end = datetime.combine(clock.now().date() + timedelta(days=1), time(), tzinfo=UTC)
    start = filters.answered_from or end - timedelta(days=DEFAULT_DAYS)
    if start >= end:
        raise ValidationError("from must be before to.", fields={"from": "must be before to"})
    if end - start > timedelta(days=MAX_DAYS):
        raise ValidationError(
            "The range is too long.", fields={"from": f"at most {MAX_DAYS} days before to"}
        )
    return Scope(kind=kind, start=start, end=end, survey=survey)


def themes_report(session: Session, scope: Scope) -> ThemesReport:
    """The report for ``scope`` (see the module's docstring)."""
    kind = scope.kind
    categories = SCALES[kind].categories
    respondents, commenters = _base(session, scope)
    comments = sum(commenters.values())
    tagged = _tagged(session, scope)
    previous_mentions, previous_comments = _previous(session, scope)
    period, periods, trends = theme_trends(session, _counts_scope(scope, scope.start, scope.end))

    mentions = {theme: sum(c["categories"].values()) for theme, c in tagged.items()}
    negative, positive = NEGATIVE_CATEGORY[kind], POSITIVE_CATEGORY[kind]
    impacts: dict[str, ThemeImpact] = {}
    headline = None
    if kind == "nps":
        counts = tuple(respondents.get(c, 0) for c in categories)  # promoter, passive, detractor
        headline = stats.nps(*counts)
        per_theme = {
            theme: tuple(c["categories"].get(cat, 0) for cat in categories)
            for theme, c in tagged.items()
        }
        impacts = {str(i.theme): i for i in stats.theme_impact(counts, per_theme, comments)}
    changes = {
        c.theme: c
        for c in stats.rising_themes(mentions, comments, previous_mentions, previous_comments)
    }
    against = {
        theme: stats.compare_shares(
            c["categories"].get(negative, 0),
            commenters.get(negative, 0),
            c["categories"].get(positive, 0),
            commenters.get(positive, 0),
            theme=theme,
        )
        for theme, c in tagged.items()
    }
    rows = [
        ThemeRow(
            theme=theme,
            mentions=mentions[theme],
            share_of_comments=100 * mentions[theme] / comments if comments else None,
            sentiment={key: c["sentiment"].get(key, 0) for key in SENTIMENT_KEYS},
            mixed=c["mixed"],
            impact=impacts.get(theme),
            change=changes[theme],
            negative_vs_positive=against[theme],
            trend=tuple(trends.get(theme, ())),
        )
        for theme, c in tagged.items()
    ]
    if impacts:
        order = {theme: place for place, theme in enumerate(impacts)}
        rows.sort(key=lambda row: order[row.theme])
    else:
        rows.sort(key=lambda row: (-row.mentions, row.theme))
    return ThemesReport(
        scope=scope,
        responses=sum(respondents.values()),
        comments=comments,
        previous_comments=previous_comments,
        headline=headline,
        themes=tuple(rows),
        rising=tuple(c for c in changes.values() if c.rising),
        negative_vs_positive=tuple(
            sorted(
                against.values(),
                key=lambda c: (-(c.difference if c.difference is not None else -1e9), c.theme),
            )
        ),
        negative_category=negative,
        positive_category=positive,
        period=period,
        periods=tuple(periods),
    )


# The counts -------------------------------------------------------------------------------------


def _counts_scope(scope: Scope, start: datetime, end: datetime) -> counts.Scope:
    survey_id = scope.survey.id if scope.survey is not None else None
    return counts.Scope(scope.kind, start, end, survey_id)


def _base(session: Session, scope: Scope) -> tuple[dict[str, int], dict[str, int]]:
    """Respondents and commenters per category in the range."""
    where = _counts_scope(scope, scope.start, scope.end)
    answers, commented = counts.totals_and_commented(session, where)
    respondents = answers.categories
    commenters = dict.fromkeys(respondents, 0)
    for score, count in commented.items():
        commenters[categorize(scope.kind, score)] += count
    return respondents, commenters


def _tagged(session: Session, scope: Scope) -> dict[str, dict[str, Any]]:
    """Per theme: mentions per category, per sentiment label, and the mixed ones."""
    themes: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"categories": defaultdict(int), "sentiment": defaultdict(int), "mixed": 0}
    )
    where = _counts_scope(scope, scope.start, scope.end)
    for theme, score, label, mixed, count in counts.theme_mentions(session, where):
        entry = themes[theme]
        entry["categories"][categorize(scope.kind, score)] += count
        entry["sentiment"][label or "not_analysed"] += count
        if mixed:
            entry["mixed"] += count
    return dict(themes)


def _previous(session: Session, scope: Scope) -> tuple[dict[str, int], int]:
    """Mentions per theme and the comments in the previous period."""
    where = _counts_scope(scope, scope.previous_start, scope.start)
    mentions: dict[str, int] = defaultdict(int)
    for theme, _score, _label, _mixed, count in counts.theme_mentions(session, where):
        mentions[theme] += count
    return dict(mentions), sum(counts.commented(session, where).values())
