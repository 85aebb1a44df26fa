"""Win-back: a rescued customer's next answer (or a renewal) decides whether they came back."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.answers.processing import process_responses
from surveys.answers.recording import record_answer
from surveys.delivery.invitations import create_invitation
from surveys.kernel.actor import Actor
from surveys.models import Customer, Event, StageChange
from surveys.rescue.actions import change_status
from surveys.rescue.winback import on_events
from tests.factories.clock import T0, at
from tests.factories.rescue import answer, task_of
from tests.factories.staff import make_staff
from tests.factories.surveys import make_survey


@pytest.fixture
def rescued(session, settings):
    """A detractor's task, resolved at T0 + 1 h; the customer is at_risk."""
    agent = make_staff(session, "agent")
    at(T0)
    task = task_of(session, answer(session, settings, score=1, external_id="c-1"))
    at(T0 + timedelta(hours=1))
    change_status(
        session,
        task,
        "resolved",
        actor=Actor.of_staff(agent),
        settings=settings,
        outcome="won_back",
        note="Refunded.",
    )
    session.commit()
    return task


def again(session, settings, task, kind, score, hours=24):
    """The same customer answers ``kind`` at T0 + ``hours``; returns the task reloaded."""
    at(T0 + timedelta(hours=hours))
    customer = session.get(Customer, task.customer_id)
    answer_for(session, settings, make_survey(session, kind), customer, score)
    return task_of(session, task.response_id)


def answer_for(session, settings, survey, customer, score):
    new = create_invitation(session, survey, customer, settings)
    response_id = record_answer(session, new.invitation, score, channel="email")
    session.commit()
    process_responses(session, [response_id], settings)
    session.commit()
    return response_id


@pytest.mark.parametrize(
    ("kind", "score", "state"),
    [
        ("nps", 7, "won_back"),
        ("nps", 10, "won_back"),
        ("nps", 6, "not_won_back"),
        ("csat", 4, "won_back"),
        ("csat", 3, "not_won_back"),
        ("ces", 5, "won_back"),
        ("ces", 4, "not_won_back"),
    ],
)
def test_the_next_answer_decides(session, settings, rescued, kind, score, state):
    task = again(session, settings, rescued, kind, score)
    assert task.winback == state
    assert task.winback_at == T0 + timedelta(hours=24)
    event = task.history[-1]
    assert (event.action, event.actor_id, event.detail["to"]) == ("winback", None, state)
    assert event.detail["score"] == score


def test_a_won_back_customer_goes_back_to_active(session, settings, rescued):
    customer = session.get(Customer, rescued.customer_id)
    assert customer.stage == "at_risk"
    again(session, settings, rescued, "csat", 5)
    session.expire_all()
    assert session.get(Customer, rescued.customer_id).stage == "active"
    change = session.scalars(select(StageChange).order_by(StageChange.id.desc())).first()
    assert (change.from_stage, change.to_stage, change.cause) == ("at_risk", "active", "rescue")


def test_the_first_answer_decides_for_good(session, settings, rescued):
    again(session, settings, rescued, "nps", 3)
    task = again(session, settings, rescued, "nps", 10, hours=48)
    assert task.winback == "not_won_back"


def test_an_unresolved_task_is_not_tracked(session, settings):
    at(T0)
    task = task_of(session, answer(session, settings, score=1))
    task = again(session, settings, task, "nps", 10)
    assert task.winback is None


def test_a_renewal_after_resolution_counts_as_won_back(session, settings, rescued):
    at(T0 + timedelta(days=3))
    early = Event(
        customer_id=rescued.customer_id,
        name="renewed",
        properties={},
        occurred_at=T0 + timedelta(minutes=30),
    )  # before the resolution
    other = Event(
        customer_id=rescued.customer_id,
        name="purchase_completed",
        properties={},
        occurred_at=T0 + timedelta(days=2),
    )
    session.add_all([early, other])
    session.flush()
    assert on_events(session, [early, other]) == []
    renewal = Event(
        customer_id=rescued.customer_id,
        name="renewed",
        properties={},
        occurred_at=T0 + timedelta(days=2),
    )
    session.add(renewal)
    session.flush()
    [task] = on_events(session, [renewal])
    session.commit()
    assert task.winback == "won_back" and task.winback_at == T0 + timedelta(days=2)
    assert task.history[-1].detail == {"to": "won_back", "event_id": renewal.id, "event": "renewed"}


def test_a_cancellation_counts_as_not_won_back(session, settings, rescued):
    event = Event(
        customer_id=rescued.customer_id,
        name="cancelled",
        properties={},
        occurred_at=T0 + timedelta(days=1),
    )
    session.add(event)
    session.flush()
    [task] = on_events(session, [event])
    assert task.winback == "not_won_back"
    assert session.get(Customer, rescued.customer_id).stage == "at_risk"
