"""The weekly digest's figures: last week's headline per active survey with its margin and change,
the rising themes, and the open rescue work.

The week is the last complete one, Monday 00:00 to Monday 00:00 UTC, before the moment asked
about, so a digest composed on Monday 07:00 or on Wednesday covers the same seven days (and the
same ``week_start``, the key that makes it go out once, see ``digest_email``). Counts come from
a few small grouped SQL queries here; the statistics from ``surveys.reports.stats`` through
``figures.headline``, so the digest's numbers are the dashboard's.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.catalog import scoring
from surveys.models import RescueTask, Response, ResponseTheme, Survey, Theme
from surveys.reports import figures, stats

WEEK = timedelta(days=7)
# Rising themes listed, and the most urgent open rescue tasks listed.
RISING_LIMIT = 5
URGENT_LIMIT = 5


@dataclass(frozen=True)
class SurveyWeek:
    survey_id: int
    name: str
    kind: str
    current: stats.Estimate
    previous: stats.Estimate
    change: stats.Change


@dataclass(frozen=True)
class RisingTheme:
    key: str
    name: str
    count: int
    previous_count: int
    share: float | None
    previous_share: float | None
    significant: bool


@dataclass(frozen=True)
class UrgentTask:
    id: int
    priority: str
    due_at: datetime
    customer: str
    survey: str
    overdue: bool


@dataclass(frozen=True)
class Digest:
    week_start: date
    start: datetime
    end: datetime
    surveys: tuple[SurveyWeek, ...]
    comments: int
    rising: tuple[RisingTheme, ...]
    open_tasks: int
    overdue_tasks: int
    urgent: tuple[UrgentTask, ...]


def digest_week(moment: datetime) -> tuple[datetime, datetime]:
    """The last complete week (Monday 00:00 UTC to the next) before ``moment`` (aware)."""
    this_monday = moment.date() - timedelta(days=moment.weekday())
    end = datetime.combine(this_monday, time(0, 0), tzinfo=moment.tzinfo)
    return end - WEEK, end


def compose_digest(session: Session, moment: datetime) -> Digest:
    """Every figure of the digest for the week before ``moment``; read-only."""
    start, end = digest_week(moment)
    before = start - WEEK
    current, previous = _scores(session, start, end), _scores(session, before, start)
    weeks = []
    for survey in session.scalars(
        select(Survey).where(Survey.active.is_(True)).order_by(Survey.id)
    ):
        now_fig = _headline(survey.kind, current.get(survey.id, {}))
        then_fig = _headline(survey.kind, previous.get(survey.id, {}))
        weeks.append(
            SurveyWeek(
                survey.id,
                survey.name,
                survey.kind,
                now_fig,
                then_fig,
                stats.change(now_fig, then_fig),
            )
        )
    comments, mentions = _theme_counts(session, start, end)
    previous_comments, previous_mentions = _theme_counts(session, before, start)
    open_tasks, overdue_tasks = _rescue_counts(session, moment)
    return Digest(
        week_start=start.date(),
        start=start,
        end=end,
        surveys=tuple(weeks),
        comments=comments,
        rising=_rising(session, mentions, comments, previous_mentions, previous_comments),
        open_tasks=open_tasks,
        overdue_tasks=overdue_tasks,
        urgent=_urgent(session, moment),
    )


def _scores(session: Session, start: datetime, end: datetime) -> dict[int, dict[int, int]]:
    """Answers per survey and score answered in [start, end)."""
    rows = session.execute(
        select(Response.survey_id, Response.score, func.count())
        .where(Response.answered_at >= start, Response.answered_at < end)
        .group_by(Response.survey_id, Response.score)
    )
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for survey_id, score, n in rows:
        counts[survey_id][score] = n
    return counts


def _headline(kind: str, by_score: dict[int, int]) -> stats.Estimate:
    categories: dict[str, int] = dict.fromkeys(scoring.SCALES[kind].categories, 0)
    for score, n in by_score.items():
        categories[scoring.categorize(kind, score)] += n
    score_sum = sum(score * n for score, n in by_score.items())
    squares = sum(score * score * n for score, n in by_score.items())
    return figures.headline(kind, categories, score_sum, squares)


def _theme_counts(session: Session, start: datetime, end: datetime) -> tuple[int, dict[str, int]]:
    """Answers with a comment in [start, end), and how many of them mention each theme."""
    in_range = (Response.answered_at >= start, Response.answered_at < end)
    comments = session.scalar(
        select(func.count())
        .select_from(Response)
        .where(*in_range, Response.comment.is_not(None), Response.comment != "")
    )
    rows = session.execute(
        select(ResponseTheme.theme, func.count(func.distinct(ResponseTheme.response_id)))
        .join(Response, Response.id == ResponseTheme.response_id)
        .where(*in_range)
        .group_by(ResponseTheme.theme)
    )
    return comments or 0, {theme: n for theme, n in rows}


def _rising(
    session: Session,
    mentions: dict[str, int],
    comments: int,
    previous_mentions: dict[str, int],
    previous_comments: int,
) -> tuple[RisingTheme, ...]:
    """The themes whose share of comments grew most (by z), at most RISING_LIMIT; each says
    whether the rise is significant (few comments rarely are)."""
    names = {key: names for key, names in session.execute(select(Theme.key, Theme.names))}
    risen = [
        change
        for change in stats.rising_themes(mentions, comments, previous_mentions, previous_comments)
        if change.count > 0 and (change.difference is None or change.difference > 0)
    ]
    return tuple(
        RisingTheme(
            key=str(c.theme),
            name=(names.get(c.theme) or {}).get("en") or str(c.theme),
            count=c.count,
            previous_count=c.previous_count,
            share=c.share,
            previous_share=c.previous_share,
            significant=c.significant,
        )
        for c in risen[:RISING_LIMIT]
    )


def _rescue_counts(session: Session, moment: datetime) -> tuple[int, int]:
    """Unresolved rescue tasks, and how many of them are past their due time at ``moment``."""
    unresolved = RescueTask.status != "resolved"
    open_tasks = session.scalar(select(func.count()).select_from(RescueTask).where(unresolved))
    overdue = session.scalar(
        select(func.count()).select_from(RescueTask).where(unresolved, RescueTask.due_at < moment)
    )
    return open_tasks or 0, overdue or 0


def _urgent(session: Session, moment: datetime) -> tuple[UrgentTask, ...]:
    """The URGENT_LIMIT unresolved tasks due first."""
    tasks = session.scalars(
        select(RescueTask)
        .where(RescueTask.status != "resolved")
        .order_by(RescueTask.due_at, RescueTask.id)
        .limit(URGENT_LIMIT)
    ).unique()
    return tuple(
        UrgentTask(
            id=task.id,
            priority=task.priority,
            due_at=task.due_at,
            customer=task.customer.name or task.customer.external_id,
            survey=task.response.survey.name,
            overdue=task.due_at < moment,
        )
        for task in tasks
    )
