"""Escalating overdue rescue tasks: flagged once, one email per active admin listing them."""

from datetime import timedelta

from sqlalchemy import select

from surveys.kernel.actor import Actor
from surveys.models import OutboxEmail
from surveys.rescue.actions import change_status
from surveys.rescue.escalation import escalate_overdue
from tests.factories.clock import T0, at
from tests.factories.rescue import answer, task_of
from tests.factories.staff import make_staff


def emails(session):
    return session.scalars(
        select(OutboxEmail).where(OutboxEmail.kind == "escalation").order_by(OutboxEmail.id)
    ).all()


def test_overdue_tasks_are_escalated_once_and_admins_are_emailed(session, settings):
    admins = [make_staff(session, "admin"), make_staff(session, "admin")]
    make_staff(session, "admin", active=False)
    agent = make_staff(session, "agent")
    session.commit()
    at(T0)
    late = task_of(session, answer(session, settings, score=1, name="Late <Larry>"))
    contacted = task_of(session, answer(session, settings, score=1))
    resolved = task_of(session, answer(session, settings, score=1))
    at(T0 + timedelta(hours=1))
    change_status(session, contacted, "contacted", actor=Actor.of_staff(agent), settings=settings)
    change_status(
        session,
        resolved,
        "resolved",
        actor=Actor.of_staff(agent),
        settings=settings,
        outcome="not_actionable",
        note="Spam.",
    )
    session.commit()
    at(T0 + timedelta(hours=20))
    fresh = task_of(session, answer(session, settings, score=1))  # not due yet

    at(T0 + settings.rescue_due + timedelta(minutes=1))
    outbox_ids = escalate_overdue(session, settings)
    session.commit()

    late = task_of(session, late.response_id)
    assert late.escalated_at == T0 + settings.rescue_due + timedelta(minutes=1)
    assert late.history[-1].action == "escalated" and late.history[-1].actor_id is None
    for other in (contacted, resolved, fresh):
        assert task_of(session, other.response_id).escalated_at is None
    sent = emails(session)
    assert [e.id for e in sent] == outbox_ids
    assert sorted(e.to_address for e in sent) == sorted(a.email for a in admins)
    assert sent[0].subject == "1 rescue task is overdue"
    assert f"/rescue/{late.id}" in sent[0].text_body
    assert "Late &lt;Larry&gt;" in sent[0].html_body

    at(T0 + timedelta(hours=30))  # still overdue, and fresh is not due yet
    assert escalate_overdue(session, settings) == []  # already escalated: no second email
    session.commit()
    assert len(emails(session)) == 2


def test_escalation_without_admins_still_flags(session, settings):
    at(T0)
    task = task_of(session, answer(session, settings, score=1))
    at(T0 + timedelta(days=2))
    assert escalate_overdue(session, settings) == []
    session.commit()
    assert task_of(session, task.response_id).escalated_at is not None
