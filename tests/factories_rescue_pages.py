"""Factories for the rescue pages' tests: staff who sign in, and tasks made the real way (an
answer recorded and processed), so the pages show what production shows."""

from datetime import datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from surveys.answers import processing
from surveys.answers.recording import add_comment, record_answer
from surveys.delivery.invitations import create_invitation
from surveys.kernel.settings import Settings
from surveys.models import Customer, RescueTask, StaffUser, Survey
from surveys.staff.accounts import create_staff
from tests.factories import make_invitation

PASSWORD = "correct horse battery"


def make_staff(session: Session, email: str, role: str = "agent", **fields) -> StaffUser:
    """An active staff user who can sign in with PASSWORD."""
    return create_staff(session, email, PASSWORD, role=role, **fields)


def sign_in(client: FlaskClient, user: StaffUser) -> FlaskClient:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


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
