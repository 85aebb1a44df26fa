"""Webhook events from the outbox to a receiver on loopback, signed and verified with the
specification's own package (``standardwebhooks``): the outbox in the change's transaction,
the schedule's retries, 410, 429 with retry-after, 3xx, rotation, the SSRF guard on every
attempt, disabling a receiver that fails for days (admins emailed)."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from surveys.answers.recording import record_answer
from surveys.models import OutboxEmail, WebhookAttempt, WebhookDelivery, WebhookEvent
from surveys.webhooks import emit
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint, replay, resend, rotate_secret
from tests.factories.clock import T0, Clock
from tests.factories.staff import make_staff
from tests.factories.surveys import make_invitation
from tests.webhook_receiver import Receiver
from worker.webhook_tasks import send_deliveries, sweep_webhook_deliveries


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def allow_loopback(app, monkeypatch):
    """The tests' receiver is on loopback: let the guard through to it (and only it)."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    return WebhookSettings.from_mapping(app.config)


@pytest.fixture
def clock():
    return Clock(T0)


def endpoint(session, url, settings, **fields):
    made = create_endpoint(session, settings, url=url, **fields)
    session.commit()
    return made


def deliver(app, ids=None):
    """Send the given (or every pending) delivery as the worker would."""
    with app.app_context():
        from app.extensions import db

        if ids is None:
            ids = list(db.session.scalars(select(WebhookDelivery.id)))
        return send_deliveries(ids)


def sweep(app):
    with app.app_context():
        return sweep_webhook_deliveries()


def pending(session):
    session.expire_all()
    return session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def answer(session, settings, score=3):
    new = make_invitation(session, settings)
    return record_answer(session, new.invitation, score, channel="email")


def test_an_answer_reaches_the_receiver_signed_so_the_published_verifier_accepts_it(
    app, session, settings, receiver, allow_loopback
):
    hook = endpoint(session, receiver.url, allow_loopback)
    response_id = answer(session, settings, score=3)
    session.commit()
    deliver(app)

    assert len(receiver.received) == 1
    got = receiver.received[0]
    payload = Webhook(hook.secret).verify(got.body, got.headers)
    assert payload["type"] == "response.created"
    assert payload["data"]["response_id"] == response_id and payload["data"]["score"] == 3
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["webhook-signature"].startswith("v1,")
    event = session.scalars(select(WebhookEvent)).one()
    assert got.body == event.body  # the body sent is the event's
    (row,) = pending(session)
    assert row.status == "succeeded" and row.attempts == 1
    attempt = session.scalars(select(WebhookAttempt)).one()
    assert attempt.status_code == 200 and attempt.latency_ms >= 0 and attempt.response_excerpt


def test_an_event_is_written_in_the_changes_transaction_and_a_rollback_emits_nothing(
    session, settings, receiver, allow_loopback
):
    endpoint(session, receiver.url, allow_loopback)
    answer(session, settings)
    assert session.scalar(select(func.count(WebhookEvent.id))) == 1  # in the same transaction
    session.rollback()
    assert session.scalar(select(func.count(WebhookEvent.id))) == 0
    assert session.scalar(select(func.count(WebhookDelivery.id))) == 0


def test_no_endpoint_means_nothing_written(session, settings):
    answer(session, settings)
    session.commit()
    assert session.scalar(select(func.count(WebhookEvent.id))) == 0


def test_the_filter_picks_the_endpoints_and_each_gets_its_own_delivery(
    session, receiver, allow_loopback
):
    every = endpoint(session, receiver.url, allow_loopback)
    stages = endpoint(session, receiver.url, allow_loopback, event_types=["customer.stage_changed"])
    endpoint(session, receiver.url, allow_loopback, enabled=False)
    emit(session, "referral.created", {"id": 1})
    emit(session, "customer.stage_changed", {"customer": "c-1"})
    session.commit()
    pairs = session.execute(
        select(WebhookEvent.type, WebhookDelivery.endpoint_id).join(WebhookEvent)
    ).all()
    assert sorted(pairs) == sorted([
        ("referral.created", every.id),
        ("customer.stage_changed", every.id),
        ("customer.stage_changed", stages.id),
    ])  # fmt: skip


def test_a_receiver_down_then_up_gets_every_event_exactly_once(
    app, session, receiver, allow_loopback, clock
):
    endpoint(session, receiver.url, allow_loopback)
    receiver.stop()  # down: connections refused
    for n in range(5):
        emit(session, "referral.created", {"id": n})
    session.commit()
    deliver(app)
    assert {d.status for d in pending(session)} == {"pending"}
    assert all(d.attempts == 1 and d.last_error for d in pending(session))
    clock.advance(seconds=6)  # the 5 s retry falls due
    assert sweep(app) == 5
    assert all(d.attempts == 2 for d in pending(session))

    receiver.start()  # up again
    clock.advance(minutes=6)
    assert sweep(app) == 5
    assert sweep(app) == 0  # nothing left to do, nothing sent twice
    ids = receiver.ids()
    assert len(ids) == 5 and len(set(ids)) == 5
    assert {d.status for d in pending(session)} == {"succeeded"}
    assert session.scalar(select(func.count(WebhookAttempt.id))) == 15


def test_a_retry_re_sends_only_to_the_endpoint_that_failed(
    app, session, receiver, allow_loopback, clock
):
    failing = Receiver().start()
    failing.answer = lambda _: (500, {})
    try:
        endpoint(session, receiver.url, allow_loopback)
        endpoint(session, failing.url, allow_loopback)
        emit(session, "referral.converted", {"id": 7})
        session.commit()
        deliver(app)
        clock.advance(seconds=6)
        sweep(app)
        assert len(receiver.received) == 1  # never again
        assert len(failing.received) == 2
    finally:
        failing.stop()


def test_410_disables_the_endpoint_and_tells_the_admins(
    app, session, receiver, allow_loopback, clock
):
    make_staff(session, "admin", email="boss@example.com")
    hook = endpoint(session, receiver.url, allow_loopback)
    receiver.answer = lambda _: (410, {})
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    session.refresh(hook)
    assert not hook.enabled and "410" in hook.disabled_reason
    (row,) = pending(session)
    assert row.status == "failed"
    email = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "webhook_disabled")).one()
    assert email.to_address == "boss@example.com" and receiver.url in email.text_body
    emit(session, "referral.created", {"id": 2})
    session.commit()
    assert len(pending(session)) == 1  # a disabled endpoint gets nothing new


def test_429_with_retry_after_is_honoured(app, session, receiver, allow_loopback, clock):
    endpoint(session, receiver.url, allow_loopback)
    receiver.answer = lambda _: (429, {"Retry-After": "120"})
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    (row,) = pending(session)
    assert row.status == "pending"
    assert row.next_attempt_at >= T0 + timedelta(seconds=120)  # not the schedule's 5 s
    clock.advance(seconds=10)
    assert sweep(app) == 0
    clock.advance(seconds=115)
    receiver.answer = lambda _: (200, {})
    assert sweep(app) == 1
    assert pending(session)[0].status == "succeeded"


def test_a_redirect_is_a_failure_and_is_not_followed_into_a_private_address(
    app, session, receiver, allow_loopback
):
    endpoint(session, receiver.url, allow_loopback)
    receiver.answer = lambda _: (302, {"Location": "http://169.254.169.254/latest/meta-data"})
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    (row,) = pending(session)
    assert row.status == "pending" and row.last_status_code == 302
    assert "not followed" in row.last_error
    assert len(receiver.received) == 1


def test_the_guard_refuses_loopback_on_each_attempt_unless_allowed(app, session, receiver):
    settings = WebhookSettings.from_mapping(app.config)  # nothing allowed
    # A name, not a literal: only resolving it shows that it is loopback.
    endpoint(session, f"http://localhost:{receiver.port}/hook", settings)
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    (row,) = pending(session)
    assert row.status == "pending" and "refused" in row.last_error
    assert receiver.received == []


def test_the_guard_checks_the_connected_address_too(app, session, receiver, monkeypatch):
    """DNS rebinding: the name resolved to a public address when checked, then connected to
    loopback; the peer check refuses before a byte is sent."""
    from surveys.webhooks import sending

    monkeypatch.setattr(sending, "check_resolved", lambda *a: None)  # the first check fooled
    endpoint(session, f"http://localhost:{receiver.port}/hook", WebhookSettings())
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    (row,) = pending(session)
    assert "refused" in row.last_error and "connected to 127.0.0.1" in row.last_error
    assert receiver.received == []


def test_after_a_rotation_both_secrets_verify_until_the_grace_ends(
    app, session, receiver, allow_loopback, clock
):
    hook = endpoint(session, receiver.url, allow_loopback)
    old = hook.secret
    new = rotate_secret(session, hook, allow_loopback, grace_hours=1)
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    got = receiver.received[-1]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(got.body, got.headers)
    Webhook(old).verify(got.body, got.headers)

    clock.advance(hours=2)
    emit(session, "referral.created", {"id": 2})
    session.commit()
    deliver(app, [pending(session)[-1].id])
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 1


def test_an_endpoint_failing_for_days_is_disabled_with_an_email(
    app, session, receiver, allow_loopback, clock, monkeypatch
):
    make_staff(session, "admin", email="boss@example.com")
    monkeypatch.setitem(app.config, "WEBHOOK_DISABLE_AFTER_DAYS", 1)
    hook = endpoint(session, receiver.url, allow_loopback)
    receiver.answer = lambda _: (500, {})
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    for _ in range(6):  # 5 s, 5 min, 30 min, 2 h, 5 h, 10 h: past one day after the first
        clock.advance(hours=10, seconds=30)
        sweep(app)
    session.refresh(hook)
    assert not hook.enabled and "1 days" in hook.disabled_reason
    assert session.scalar(select(func.count(OutboxEmail.id))) == 1


def test_after_the_last_attempt_the_delivery_has_failed(
    app, session, receiver, allow_loopback, clock, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOK_DISABLE_AFTER_DAYS", 365)
    endpoint(session, receiver.url, allow_loopback)
    receiver.answer = lambda _: (503, {})
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    for _ in range(12):
        clock.advance(hours=27)
        sweep(app)
    (row,) = pending(session)
    assert row.status == "failed" and row.attempts == 10
    assert len(receiver.received) == 10


def test_replay_sends_again_with_the_same_id_and_resend_covers_a_range(
    app, session, receiver, allow_loopback, clock
):
    hook = endpoint(session, receiver.url, allow_loopback)
    emit(session, "referral.created", {"id": 1})
    session.commit()
    deliver(app)
    first = pending(session)[0]
    replay(session, first.id)
    session.commit()
    deliver(app, [first.id])
    assert receiver.ids()[0] == receiver.ids()[1]
    assert json.loads(receiver.received[1].body)["data"] == {"id": 1}

    clock.advance(hours=1)
    emit(session, "referral.created", {"id": 2})
    session.commit()
    deliver(app, [pending(session)[-1].id])
    ids = resend(session, hook, T0 - timedelta(minutes=1), T0 + timedelta(minutes=30))
    session.commit()
    assert len(ids) == 1  # only the first event is in the range
    deliver(app, ids)
    assert receiver.ids()[-1] == receiver.ids()[0]
    assert session.scalar(select(func.count(WebhookAttempt.id))) == 4
