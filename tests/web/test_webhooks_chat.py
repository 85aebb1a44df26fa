"""Slack and Teams endpoints: a chat message for a detractor's answer and for an overdue rescue
task, nothing for the rest; the log shows the message sent."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from surveys.models import WebhookDelivery
from surveys.rescue.escalation import escalate_overdue
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint
from tests.factories.clock import T0, Clock
from tests.factories.staff import make_staff
from tests.factories.surveys import make_invitation
from tests.webhook_receiver import Receiver
from worker.webhook_tasks import send_deliveries

ANGRY = "Terrible, awful service. Nobody answered for two weeks and I am furious."


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    running = Receiver().start()
    yield running
    running.stop()


def chat(session, app, receiver, kind):
    made = create_endpoint(
        session, WebhookSettings.from_mapping(app.config), url=receiver.url, kind=kind
    )
    session.commit()
    return made


def answered(session, settings, score, comment=None, **customer):
    new = make_invitation(session, settings, **customer)
    response_id = record_answer(session, new.invitation, score, channel="email")
    if comment:
        add_comment(session, new.invitation, comment)
    process_response(session, response_id, settings)
    session.commit()
    return response_id


def deliver_all(app, session):
    with app.app_context():
        send_deliveries(list(session.scalars(select(WebhookDelivery.id))))


def test_slack_gets_a_message_for_a_detractor_and_nothing_for_a_promoter(
    app, session, settings, receiver, api_client
):
    hook = chat(session, app, receiver, "slack")
    answered(session, settings, 9, external_id="fan-1")
    answered(session, settings, 2, ANGRY, external_id="grumpy-1")
    deliver_all(app, session)
    (got,) = receiver.received
    message = json.loads(got.body)
    assert set(message) == {"text"}
    assert "Unhappy answer: 2 from grumpy-1" in message["text"] and ANGRY in message["text"]
    assert "/rescue/" in message["text"]  # the rescue task it opened
    log = api_client.get(f"/webhooks/{hook.id}/deliveries").get_json()["items"]
    assert [item["body"] for item in log] == [got.body]  # the log shows what was sent


def test_teams_gets_a_card_for_an_overdue_rescue_task(app, session, settings, receiver):
    clock = Clock(T0)
    make_staff(session, "admin", email="boss@example.com")
    hook = chat(session, app, receiver, "teams")
    answered(session, settings, 1, external_id="grumpy-2")
    deliver_all(app, session)  # the detractor's message
    clock.advance(hours=30)  # past the task's due time
    escalate_overdue(session, settings)
    session.commit()
    deliver_all(app, session)
    cards = [json.loads(r.body) for r in receiver.received]
    assert [c["@type"] for c in cards] == ["MessageCard", "MessageCard"]
    assert "is overdue" in cards[1]["title"] and "grumpy-2" in cards[1]["text"]
    assert hook.kind == "teams"
    assert clock.now - T0 == timedelta(hours=30)
