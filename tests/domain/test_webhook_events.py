"""Every change that should tell integrators emits its event, in its own transaction."""

import json

from sqlalchemy import select

from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel.actor import Actor
from surveys.models import RescueTask, WebhookDelivery, WebhookEvent
from surveys.referrals.codes import record_conversion
from surveys.rescue.actions import change_status
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint
from tests.factories.staff import make_staff
from tests.factories.surveys import make_invitation, make_programme

ANGRY = "Terrible, awful service. Nobody answered for two weeks and I am furious."


def events(session, event_type=None):
    stmt = select(WebhookEvent).order_by(WebhookEvent.id)
    if event_type:
        stmt = stmt.where(WebhookEvent.type == event_type)
    return [json.loads(e.body) for e in session.scalars(stmt)]


def hook(session):
    endpoint = create_endpoint(session, WebhookSettings(), url="https://hooks.example.com/k")
    session.commit()
    return endpoint


def test_a_detractors_answer_emits_created_processed_and_a_rescue_task(session, settings):
    hook(session)
    make_staff(session, "agent")
    new = make_invitation(session, settings, external_id="c-42")
    response_id = record_answer(session, new.invitation, 1, channel="email")
    add_comment(session, new.invitation, ANGRY)
    session.commit()
    (created,) = events(session, "response.created")
    assert created["data"]["response_id"] == response_id and created["data"]["customer"] == "c-42"
    assert created["timestamp"].endswith("Z")
    process_response(session, response_id, settings)
    session.commit()
    (processed,) = events(session, "response.processed")
    task = session.scalars(select(RescueTask)).one()
    assert processed["data"]["category"] == "detractor"
    assert processed["data"]["rescue_task_id"] == task.id
    assert processed["data"]["comment"] == ANGRY
    (opened,) = events(session, "rescue_task.created")
    assert opened["data"]["id"] == task.id and opened["data"]["customer"] == "c-42"
    # One delivery per event to the one endpoint.
    assert len(session.scalars(select(WebhookDelivery)).all()) == len(events(session))


def test_a_task_changing_status_emits_updated(session, settings):
    hook(session)
    agent = make_staff(session, "agent")
    new = make_invitation(session, settings)
    response_id = record_answer(session, new.invitation, 1, channel="email")
    add_comment(session, new.invitation, ANGRY)
    process_response(session, response_id, settings)
    session.commit()
    task = session.scalars(select(RescueTask)).one()
    change_status(session, task, "contacted", actor=Actor.of_staff(agent), settings=settings)
    session.commit()
    updated = events(session, "rescue_task.updated")[-1]["data"]
    assert updated["action"] == "status" and updated["status"] == "contacted"
    assert updated["detail"]["to"] == "contacted"


def test_a_promoter_gets_a_referral_once_and_its_conversion_moves_the_stage(session, settings):
    hook(session)
    make_programme(session)
    new = make_invitation(session, settings, external_id="fan-1")
    response_id = record_answer(session, new.invitation, 10, channel="email")
    process_response(session, response_id, settings)
    session.commit()
    (referral,) = events(session, "referral.created")
    process_response(session, response_id, settings)  # again: nothing new
    session.commit()
    assert len(events(session, "referral.created")) == 1
    record_conversion(session, referral["data"]["code"], {"external_id": "friend-1"})
    session.commit()
    (converted,) = events(session, "referral.converted")
    assert converted["data"]["referred"] == "friend-1" and converted["data"]["conversions"] == 1
    stage = events(session, "customer.stage_changed")[-1]["data"]
    assert stage["customer"] == "fan-1" and stage["to"] == "advocate"
    assert stage["cause"] == "referral"


def test_a_change_rolled_back_emits_nothing(session, settings):
    hook(session)
    new = make_invitation(session, settings)
    record_answer(session, new.invitation, 5, channel="email")
    session.rollback()
    assert events(session) == []
