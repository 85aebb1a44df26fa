"""Retention: comments older than N months are deleted, with what was kept only for them.

N is the survey's ``retention_months`` when set (0 keeps its comments), else the global
RETENTION_MONTHS (0, the default, keeps them). A beat task applies it daily; ``plan`` is the
dry run (what would go), shown by ``flask retention --dry-run`` and on the survey's admin page.

What goes with an answer older than the cut-off: its comment (the score, category, language,
sentiment and themes stay: they are categories, not the person's words), the rescue notes and
resolution note of its task (they quote and discuss the comment), and the copies of emails
about it (its invitation's and its task's outbox rows, which quote the person's name and often
the comment). The rollup cells of those answers are marked stale: comment counts change.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from surveys.models import OutboxEmail, RescueNote, RescueTask, Response, Survey
from surveys.models.rollups import mark_stale_from, utc_day

# Emails still waiting to go are not copies yet: they are kept until sent.
UNSENT = ("queued", "sending")


@dataclass(frozen=True)
class SurveyRetention:
    """What retention deletes (or, in a dry run, would delete) from one survey."""

    survey_id: int
    survey_name: str
    months: int
    cutoff: datetime
    comments: int
    notes: int
    emails: int

    @property
    def total(self) -> int:
        return self.comments + self.notes + self.emails


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` moved back ``months`` calendar months (31 March - 1 month: 28/29 February)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def effective_months(survey: Survey, global_months: int) -> int:
    """The survey's retention in months; 0 when its comments are kept."""
    return survey.retention_months if survey.retention_months is not None else global_months


def plan(
    session: Session, now: datetime, global_months: int, survey_id: int | None = None
) -> list[SurveyRetention]:
    """The dry run: per survey with a retention, how much would go now. Reads only."""
    return [_count(session, survey, months, now) for survey, months in _surveys(
        session, global_months, survey_id
    )]  # fmt: skip


def apply_retention(session: Session, now: datetime, global_months: int) -> list[SurveyRetention]:
    """Delete what ``plan`` counts; returns what went. Flushes; the caller commits."""
    done = []
    for survey, months in _surveys(session, global_months, None):
        counted = _count(session, survey, months, now)
        if counted.total:
            _delete(session, survey, counted.cutoff)
            done.append(counted)
    session.flush()
    return done


def _surveys(session: Session, global_months: int, survey_id: int | None):
    query = select(Survey).order_by(Survey.id)
    if survey_id is not None:
        query = query.where(Survey.id == survey_id)
    for survey in session.scalars(query):
        months = effective_months(survey, global_months)
        if months > 0:
            yield survey, months


def _old_answers(survey: Survey, cutoff: datetime):
    return select(Response.id).where(Response.survey_id == survey.id, Response.answered_at < cutoff)


def _old_tasks(survey: Survey, cutoff: datetime):
    return select(RescueTask.id).where(RescueTask.response_id.in_(_old_answers(survey, cutoff)))


def _old_emails(survey: Survey, cutoff: datetime):
    """Sent copies of emails about the survey's old answers: their invitations' and tasks'."""
    invitations = select(Response.invitation_id).where(
        Response.id.in_(_old_answers(survey, cutoff))
    )
    return select(OutboxEmail.id).where(
        OutboxEmail.created_at < cutoff,
        OutboxEmail.status.not_in(UNSENT),
        (OutboxEmail.invitation_id.in_(invitations))
        | (OutboxEmail.rescue_task_id.in_(_old_tasks(survey, cutoff))),
    )


def _count(session: Session, survey: Survey, months: int, now: datetime) -> SurveyRetention:
    cutoff = months_before(now, months)

    def count(statement) -> int:
        return session.scalar(select(func.count()).select_from(statement.subquery())) or 0

    comments = count(_old_answers(survey, cutoff).where(Response.comment.is_not(None)))
    notes = count(select(RescueNote.id).where(RescueNote.task_id.in_(_old_tasks(survey, cutoff))))
    notes += count(
        select(RescueTask.id).where(
            RescueTask.id.in_(_old_tasks(survey, cutoff)), RescueTask.resolution_note.is_not(None)
        )
    )
    emails = count(_old_emails(survey, cutoff))
    return SurveyRetention(survey.id, survey.name, months, cutoff, comments, notes, emails)


def _delete(session: Session, survey: Survey, cutoff: datetime) -> None:
    commented = _old_answers(survey, cutoff).where(Response.comment.is_not(None))
    mark_stale_from(
        session,
        select(Response.survey_id, utc_day(Response.answered_at)).where(Response.id.in_(commented)),
    )
    tasks = _old_tasks(survey, cutoff)
    session.execute(
        delete(OutboxEmail).where(OutboxEmail.id.in_(_old_emails(survey, cutoff))),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        delete(RescueNote).where(RescueNote.task_id.in_(tasks)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(RescueTask)
        .where(RescueTask.id.in_(tasks), RescueTask.resolution_note.is_not(None))
        .values(resolution_note=None),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Response)
        .where(Response.id.in_(commented))
        .values(comment=None, revision=Response.revision + 1),
        execution_options={"synchronize_session": False},
    )
