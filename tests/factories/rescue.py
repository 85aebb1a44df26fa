"""Answers that open rescue tasks: recorded and processed the real way, so a test sees what
production makes; and a bare task row for tests that only need one to exist."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.answers import processing
from surveys.answers.recording import add_comment, record_answer
from surveys.delivery.invitations import create_invitation
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.models import Customer, RescueTask, Response, StaffUser, Survey
from tests.factories.surveys import make_invitation, make_survey


def answer(
    session: Session,
    settings: Settings,
    survey: Survey | None = None,
    score: int = 2,
    comment: str | None = None,
    *,
    process: bool = True,
    **customer,
) -> int:
    """A committed (and by default processed) answer of a new customer; returns its id."""
    survey = survey or make_survey(session, "nps")
    new = make_invitation(session, settings, survey=survey, **customer)
    response_id = record_answer(session, new.invitation, score, channel="email")
    if comment is not None:
        add_comment(session, new.invitation, comment)
    session.commit()
    if process:
        processing.process_responses(session, [response_id], settings)
        session.commit()
    return response_id


def task_of(session: Session, response_id: int) -> RescueTask:
    return session.scalars(
        select(RescueTask)
        .where(RescueTask.response_id == response_id)
        .execution_options(populate_existing=True)
    ).one()


def make_task(
    session: Session,
    settings: Settings,
    *,
    score: int = 2,
    comment: str | None = "Support never answered my emails.",
    survey: Survey | None = None,
    customer: Customer | None = None,
    due_at: datetime | None = None,
    priority: str | None = None,
    assignee: StaffUser | None | str = "auto",
    **customer_fields,
) -> RescueTask:
    """A detractor's answer, recorded and processed: the task processing opened for it.

    ``assignee`` "auto" keeps what processing chose; None or a user overrides it. ``due_at`` and
    ``priority`` override the computed ones. Flushes.
    """
    if customer is None:
        invitation = make_invitation(session, settings, survey, **customer_fields).invitation
    else:
        invitation = create_invitation(session, survey, customer, settings).invitation
    response_id = record_answer(session, invitation, score, channel="email")
    if comment is not None:
        add_comment(session, invitation, comment)
    outcome = processing.process_response(session, response_id, settings)
    task = session.get(RescueTask, outcome.rescue_task_id)
    assert task is not None, f"processing opened no task for score {score}"
    if due_at is not None:
        task.due_at = due_at
    if priority is not None:
        task.priority = priority
    if assignee != "auto":
        task.assignee = assignee
    session.flush()
    return task


def make_task_row(
    session: Session,
    settings: Settings,
    *,
    assignee: StaffUser | None = None,
    status: str = "open",
    score: int = 2,
) -> RescueTask:
    """A detractor's answer with a rescue task, written as rows (no processing); flushes."""
    new = make_invitation(session, settings)
    invitation = new.invitation
    response = Response(
        invitation_id=invitation.id,
        survey_id=invitation.survey_id,
        customer_id=invitation.customer_id,
        score=score,
        comment="Slow support",
    )
    session.add(response)
    session.flush()
    task = RescueTask(
        response_id=response.id,
        customer_id=response.customer_id,
        survey_id=response.survey_id,
        status=status,
        due_at=clock.now() + timedelta(hours=24),
        assignee_id=assignee.id if assignee else None,
    )
    session.add(task)
    session.flush()
    return task
