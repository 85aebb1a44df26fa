"""The rescue tasks run by Celery (eagerly, in the app): processing an answer delivers the
assignee's email; the periodic escalation commits and delivers (the services are tested in
tests/domain)."""

from datetime import timedelta

from sqlalchemy import select

from surveys.models import OutboxEmail, RescueTask
from tests.domain.test_rescue_assignment import NEGATIVE
from tests.domain.test_rescue_escalation import emails
from tests.factories.clock import T0, at
from tests.factories.rescue import answer
from tests.factories.staff import make_staff
from worker.rescue_tasks import escalate_overdue_rescue_tasks
from worker.tasks import process_response


def test_the_worker_delivers_the_assignment_email(session, settings):
    make_staff(session, "agent")
    session.commit()
    response_id = answer(session, settings, comment=NEGATIVE, process=False)
    process_response.delay(response_id)
    [email] = session.scalars(select(OutboxEmail).execution_options(populate_existing=True)).all()
    assert email.status == "logged"


def test_the_periodic_task_commits_and_delivers(session, settings):
    make_staff(session, "admin")
    session.commit()
    at(T0)
    answer(session, settings, score=1)
    answer(session, settings, score=2)
    at(T0 + timedelta(days=2))

    assert escalate_overdue_rescue_tasks.delay().get() == 1

    [email] = emails(session)
    session.refresh(email)
    assert email.status == "logged"  # eager delivery without SMTP
    assert email.subject == "2 rescue tasks are overdue"
    assert all(t.escalated_at for t in session.scalars(select(RescueTask)))
    assert escalate_overdue_rescue_tasks.delay().get() == 0
