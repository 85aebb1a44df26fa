"""Lifecycle events end to end on real services: an event posted over HTTP is evaluated by a real
Celery worker process on PostgreSQL and Redis, and moves the customer's stage."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import func, select, update

from surveys.customers.events import record_event
from surveys.kernel import clock
from surveys.models import Customer, Event, StageChange
from surveys.staff.apikeys import create_api_key
from tests.factories.surveys import make_customer, make_invitation
from tests.live import wait_for
from worker import lifecycle_tasks


def _evaluated(session, event_id):
    session.expire_all()
    event = session.get(Event, event_id)
    return event if event is not None and event.evaluated_at is not None else None


def test_event_posted_over_http_is_evaluated_by_the_worker(live, live_server, live_worker, session):
    make_customer(session, external_id="crm-1", stage="active")
    _, key = create_api_key(session, "integration")
    session.commit()
    body = {
        "customer": {"external_id": "crm-1", "email": "aino@example.com"},
        "name": "cancelled",
        "properties": {"reason": "price"},
        "idempotency_key": "cancel-crm-1",
    }
    headers = {"Authorization": f"Bearer {key}"}

    first = requests.post(f"{live_server}/api/v1/events", json=body, headers=headers, timeout=10)
    again = requests.post(f"{live_server}/api/v1/events", json=body, headers=headers, timeout=10)

    assert first.status_code == 202, first.text
    assert again.json() == {"id": first.json()["id"], "status": "accepted", "duplicate": True}
    event = wait_for(lambda: _evaluated(session, first.json()["id"]))
    customer = session.scalars(select(Customer)).one()
    assert customer.stage == "churned" and customer.email == "aino@example.com"
    change = session.scalars(select(StageChange)).one()
    assert (change.from_stage, change.to_stage, change.cause) == ("active", "churned", "event")
    assert change.event_id == event.id
    read = requests.get(f"{live_server}/api/v1/customers/crm-1", headers=headers, timeout=10)
    assert [entry["to"] for entry in read.json()["stage_history"]] == ["churned"]


def test_sweeper_evaluates_an_event_whose_message_was_lost(live, live_worker, session):
    make_customer(session, external_id="crm-2", stage="onboarding")
    event, _ = record_event(session, customer={"external_id": "crm-2"}, name="onboarding_completed")
    session.commit()  # committed, never enqueued: as if the broker had dropped it
    session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values(received_at=clock.now() - timedelta(minutes=5))
    )
    session.commit()

    lifecycle_tasks.sweep_unevaluated_events.delay()

    wait_for(lambda: _evaluated(session, event.id))
    assert session.scalars(select(Customer)).one().stage == "active"


def test_detractor_answer_puts_the_customer_at_risk_via_the_worker(
    live, live_server, live_worker, session, settings
):
    new = make_invitation(session, settings, stage="loyal")
    session.commit()

    page = requests.post(
        f"{live_server}/s/{new.token}", data={"score": 1}, allow_redirects=False, timeout=10
    )
    assert page.status_code == 303, page.text[:500]

    change = wait_for(lambda: session.scalars(select(StageChange)).first())
    assert (change.from_stage, change.to_stage, change.cause) == ("loyal", "at_risk", "feedback")
    session.expire_all()
    assert session.scalars(select(Customer)).one().stage == "at_risk"


def test_concurrent_posts_with_one_key_store_one_event(live, live_server, live_worker, session):
    _, key = create_api_key(session, "integration")
    session.commit()
    body = {"customer": {"external_id": "crm-3"}, "name": "renewed", "idempotency_key": "r-3"}

    def post(_):
        return requests.post(
            f"{live_server}/api/v1/events",
            json=body,
            headers={"Authorization": f"Bearer {key}"},
            timeout=20,
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(post, range(8)))

    assert [answer.status_code for answer in answers] == [202] * 8
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert sum(not answer.json()["duplicate"] for answer in answers) == 1
    assert session.scalar(select(func.count()).select_from(Event)) == 1
    assert session.scalar(select(func.count()).select_from(Customer)) == 1
    wait_for(lambda: _evaluated(session, answers[0].json()["id"]))
    assert session.scalars(select(Customer)).one().stage == "loyal"
