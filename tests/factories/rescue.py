"""Factories for rescue tests: staff users, processed answers that open tasks, the clock."""

import itertools
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.answers.processing import process_responses
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.models import RescueTask, StaffUser, Survey
from tests.factories import make_invitation, make_survey

_seq = itertools.count(1)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(moment: datetime) -> None:
    """Set the domain clock to ``moment``."""
    clock.set_source(lambda: moment)


def make_staff(session: Session, role: str = "agent", **fields) -> StaffUser:
    """A staff user; the password hash is a placeholder (these tests never sign in)."""
    n = next(_seq)
    values = {
        "email": f"{role}{n}@kaiku.example",
        "name": f"{role.title()} {n}",
        "role": role,
        "active": True,
        "password_hash": "x",
    }
    user = StaffUser(**(values | fields))
    session.add(user)
    session.flush()
    return user


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
        process_responses(session, [response_id], settings)
        session.commit()
    return response_id


def task_of(session: Session, response_id: int) -> RescueTask:
    return session.scalars(
        select(RescueTask)
        .where(RescueTask.response_id == response_id)
        .execution_options(populate_existing=True)
    ).one()
