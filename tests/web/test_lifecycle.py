"""Lifecycle stages: moved by events, feedback and referrals, every move kept with its cause."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from surveys.answers.processing import process_response
from surveys.answers.recording import record_answer
from surveys.customers import events
from surveys.customers import stages as lifecycle
from surveys.delivery.invitations import create_invitation
from surveys.kernel import clock
from surveys.kernel.errors import ValidationError
from surveys.lifecycle import evaluation
from surveys.models import Event, Invitation, Response, StageChange
from tests.factories.surveys import make_customer, make_invitation, make_programme, make_survey
from worker import lifecycle_tasks

T0 = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    now = [T0]
    clock.set_source(lambda: now[0])
    return now


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def history(session, customer):
    session.expire_all()
    return [(c.from_stage, c.to_stage, c.cause) for c in lifecycle.stage_history(session, customer)]


def store(session, customer, name, occurred_at=T0, key=None):
    event, _ = events.record_event(
        session,
        customer={"external_id": customer.external_id},
        name=name,
        occurred_at=occurred_at,
        idempotency_key=key,
    )
    session.commit()
    return event


# Moves and their history -----------------------------------------------------------------------


def test_move_stage_records_from_to_cause_and_time(session):
    customer = make_customer(session, stage="active")
    change = lifecycle.move_stage(
        session, customer, "at_risk", cause="admin", detail="called us angry"
    )
    session.commit()

    assert customer.stage == "at_risk"
    assert (change.from_stage, change.to_stage, change.cause) == ("active", "at_risk", "admin")
    assert change.detail == "called us angry" and change.changed_at == T0
    assert lifecycle.move_stage(session, customer, "at_risk", cause="admin") is None
    assert count(session, StageChange) == 1


def test_move_stage_refuses_unknown_stage_or_cause(session):
    customer = make_customer(session, stage="active")
    with pytest.raises(ValidationError):
        lifecycle.move_stage(session, customer, "happy", cause="admin")
    with pytest.raises(ValidationError):
        lifecycle.move_stage(session, customer, "loyal", cause="magic")
    assert customer.stage == "active"


# Events ---------------------------------------------------------------------------------------


def test_default_mapping_moves_through_the_lifecycle(session, settings):
    customer = make_customer(session, stage="active")
    session.commit()
    names = ["cancelled", "signed_up", "onboarding_completed", "renewed", "purchase_completed"]
    ids = [
        store(session, customer, name, T0 - timedelta(minutes=10 - i)).id
        for i, name in enumerate(names)
    ]

    evaluated = evaluation.evaluate(session, ids, settings)
    session.commit()

    assert len(evaluated) == 5
    assert history(session, customer) == [
        ("active", "churned", "event"),
        ("churned", "onboarding", "event"),
        ("onboarding", "active", "event"),
        ("active", "loyal", "event"),
    ]
    change = lifecycle.stage_history(session, customer)[-1]
    assert change.detail == "renewed" and change.event_id == ids[3]
    assert change.changed_at == T0 - timedelta(minutes=7)  # when it happened


def test_mapping_is_configurable(session, settings):
    customer = make_customer(session, stage="active")
    session.commit()
    custom = replace(settings, stage_events={"upgraded": "loyal", "renewed": "active"})

    evaluation.evaluate(session, [store(session, customer, "upgraded").id], custom)
    session.commit()
    assert customer.stage == "loyal"
    evaluation.evaluate(
        session, [store(session, customer, "cancelled", T0 + timedelta(hours=1)).id], custom
    )
    session.commit()
    session.refresh(customer)
    assert customer.stage == "loyal"  # "cancelled" is not in this mapping


def test_the_mapping_is_read_from_stage_events_in_the_configuration(app, session):
    from app import create_app
    from config import TestConfig
    from tests.conftest import use_celery_of

    class Custom(TestConfig):
        STAGE_EVENTS = "trial_started=onboarding, plan_upgraded = loyal"

    class Broken(TestConfig):
        STAGE_EVENTS = "renewed=gold"

    try:
        settings = create_app(Custom).extensions["kaiku_settings"]
        with pytest.raises(ValueError, match="STAGE_EVENTS: 'renewed=gold'"):
            create_app(Broken)
    finally:
        use_celery_of(app)
    assert settings.stage_events == {"trial_started": "onboarding", "plan_upgraded": "loyal"}
    customer = make_customer(session, stage="active")
    session.commit()

    evaluation.evaluate(session, [store(session, customer, "plan_upgraded").id], settings)
    evaluation.evaluate(
        session, [store(session, customer, "renewed", T0 + timedelta(hours=1)).id], settings
    )
    session.commit()

    assert history(session, customer) == [("active", "loyal", "event")]  # "renewed" is unmapped


def test_events_in_one_batch_apply_in_the_order_they_happened(session, settings):
    customer = make_customer(session, stage="active")
    session.commit()
    late = store(session, customer, "renewed", T0)
    early = store(session, customer, "cancelled", T0 - timedelta(days=2))

    evaluation.evaluate(session, [late.id, early.id], settings)
    session.commit()

    session.refresh(customer)
    assert customer.stage == "loyal"
    assert [to for _, to, _ in history(session, customer)] == ["churned", "loyal"]


def test_an_event_older_than_the_latest_change_does_not_overwrite_it(session, settings):
    customer = make_customer(session, stage="active")
    session.commit()
    evaluation.evaluate(session, [store(session, customer, "renewed", T0).id], settings)
    session.commit()

    backfilled = store(session, customer, "signed_up", T0 - timedelta(days=300))
    evaluation.evaluate(session, [backfilled.id], settings)
    session.commit()

    session.refresh(customer)
    assert customer.stage == "loyal" and len(history(session, customer)) == 1
    assert session.get(Event, backfilled.id).evaluated_at == T0  # evaluated, just not news


def test_evaluating_twice_changes_nothing(session, settings):
    customer = make_customer(session, stage="active")
    session.commit()
    event = store(session, customer, "cancelled")

    assert len(evaluation.evaluate(session, [event.id], settings)) == 1
    session.commit()
    assert evaluation.evaluate(session, [event.id], settings) == []
    session.commit()

    assert count(session, StageChange) == 1
    assert session.get(Event, event.id).evaluated_at == T0


def test_sweeper_evaluates_events_whose_message_was_lost(session, settings, fixed_clock):
    customer = make_customer(session, stage="active")
    session.commit()
    lost = store(session, customer, "cancelled")  # stored, never enqueued
    fixed_clock[0] = T0 + timedelta(seconds=30)
    fresh = store(session, customer, "renewed", T0 + timedelta(seconds=30))
    fixed_clock[0] = T0 + settings.sweep_after + timedelta(seconds=1)

    assert evaluation.unevaluated_event_ids(session, settings) == [lost.id]  # fresh is too new
    assert lifecycle_tasks.sweep_unevaluated_events.delay().get() == 1  # eager in tests

    session.expire_all()
    assert session.get(Event, lost.id).evaluated_at is not None
    assert session.get(Event, fresh.id).evaluated_at is None
    assert [to for _, to, _ in history(session, customer)] == ["churned"]


def test_batched_task_evaluates_and_reports_done(app, session):
    customer = make_customer(session, stage="onboarding")
    session.commit()
    event = store(session, customer, "onboarding_completed")

    assert lifecycle_tasks.evaluate_event.delay(event.id).get() == 1
    assert lifecycle_tasks.evaluate_event.delay(event.id).get() == 0  # already evaluated

    session.refresh(customer)
    assert customer.stage == "active"


# Feedback --------------------------------------------------------------------------------------


def answer(session, settings, score, kind="nps", stage="active", customer=None):
    survey = make_survey(session, kind)
    if customer is None:
        new = make_invitation(session, settings, survey=survey, stage=stage)
    else:
        new = create_invitation(session, survey, customer, settings)
    response_id = record_answer(session, new.invitation, score, channel="email")
    session.commit()
    process_response(session, response_id, settings)
    session.commit()
    response = session.get(Response, response_id)
    return response, response.customer


@pytest.mark.parametrize(
    ("kind", "score", "before", "after"),
    [
        ("nps", 3, "active", "at_risk"),
        ("nps", 10, "active", "loyal"),
        ("nps", 9, "at_risk", "loyal"),
        ("nps", 8, "active", "active"),  # passive: no move
        ("nps", 10, "advocate", "advocate"),  # not demoted to loyal
        ("nps", 0, "advocate", "at_risk"),
        ("nps", 2, "churned", "churned"),  # gone: only an event brings them back
        ("nps", 10, "churned", "churned"),
        ("csat", 1, "loyal", "at_risk"),
        ("csat", 5, "active", "active"),  # one good interaction is not loyalty
        ("ces", 2, "active", "at_risk"),
        ("ces", 7, "onboarding", "onboarding"),
    ],
)
def test_feedback_moves_the_stage(session, settings, kind, score, before, after):
    response, customer = answer(session, settings, score, kind=kind, stage=before)

    session.refresh(customer)
    assert customer.stage == after
    changes = lifecycle.stage_history(session, customer)
    if before == after:
        assert changes == []
    else:
        (change,) = changes
        assert (change.from_stage, change.to_stage, change.cause) == (before, after, "feedback")
        assert change.response_id == response.id and change.changed_at == response.answered_at
        assert str(score) in change.detail


def test_processing_an_answer_twice_moves_once(session, settings):
    response, customer = answer(session, settings, 2)
    session.execute(update(Response).values(processed_at=None))
    session.commit()
    process_response(session, response.id, settings)
    session.commit()
    assert count(session, StageChange) == 1


def test_changed_answer_moves_the_stage_again(session, settings):
    response, customer = answer(session, settings, 2)
    record_answer(session, session.get(Invitation, response.invitation_id), 10, channel="email")
    session.commit()
    process_response(session, response.id, settings)
    session.commit()

    assert [to for _, to, _ in history(session, customer)] == ["at_risk", "loyal"]


def test_response_keeps_the_stage_the_customer_answered_in(session, settings):
    first, customer = answer(session, settings, 1, stage="loyal")
    session.refresh(customer)
    assert customer.stage == "at_risk"
    second, _ = answer(session, settings, 10, customer=customer)

    session.expire_all()
    assert session.get(Response, first.id).stage == "loyal"  # not the at_risk it caused
    assert session.get(Response, second.id).stage == "at_risk"


# Referrals -------------------------------------------------------------------------------------


def test_converted_referral_makes_the_referrer_an_advocate(api_client, session, settings):
    make_programme(session)
    session.commit()
    promoter, referrer = answer(session, settings, 10)
    referral = api_client.get("/referrals").get_json()["items"][0]

    body = {"customer": {"external_id": "friend-1", "email": "friend@example.com"}}
    converted = api_client.post(f"/referrals/{referral['code']}/conversions", body)
    again = api_client.post(f"/referrals/{referral['code']}/conversions", body)

    assert converted.status_code == 201 and converted.get_json()["counted"] is True
    assert converted.get_json()["conversions"] == 1
    assert again.status_code == 200 and again.get_json()["counted"] is False
    assert again.get_json()["conversions"] == 1  # a retry counts nothing twice
    assert history(session, referrer) == [
        ("active", "loyal", "feedback"),
        ("loyal", "advocate", "referral"),
    ]
    friend = api_client.get("/customers/friend-1").get_json()
    assert friend["attributes"] == {"referred_by": referral["code"]}


def test_referral_conversion_refuses_bad_input(api_client, session, settings):
    make_programme(session)
    session.commit()
    _, referrer = answer(session, settings, 10)
    code = api_client.get("/referrals").get_json()["items"][0]["code"]

    unknown = api_client.post("/referrals/nope/conversions", {"customer": {"external_id": "f"}})
    own = api_client.post(
        f"/referrals/{code}/conversions", {"customer": {"external_id": referrer.external_id}}
    )
    bad_email = api_client.post(
        f"/referrals/{code}/conversions", {"customer": {"external_id": "f", "email": "x"}}
    )

    assert unknown.status_code == 404
    assert own.status_code == 422 and "customer.external_id" in own.get_json()["error"]["fields"]
    assert bad_email.status_code == 422
    assert "customer.email" in bad_email.get_json()["error"]["fields"]
    session.refresh(referrer)
    assert referrer.stage == "loyal"
