"""The webhook log is kept WEBHOOK_LOG_DAYS: older events go with their deliveries and attempts,
unless a delivery of theirs is still pending."""

from datetime import timedelta

from sqlalchemy import func, select, update

from surveys.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from surveys.webhooks import emit
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint
from tests.factories.clock import T0, Clock


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_old_finished_events_go_and_pending_or_recent_ones_stay(app, session):
    clock = Clock(T0)
    allowed = WebhookSettings(allowed_hosts=frozenset({"127.0.0.1:9"}))
    create_endpoint(session, allowed, url="http://127.0.0.1:9/hook")
    done = emit(session, "referral.created", {"id": 1})
    waiting = emit(session, "referral.created", {"id": 2})
    session.flush()
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.event_id.in_(
                select(WebhookEvent.id).where(WebhookEvent.message_id == done)
            )
        )
        .values(status="succeeded")
    )
    session.add(WebhookAttempt(delivery_id=session.scalar(select(func.min(WebhookDelivery.id))),
                               attempted_at=T0, status_code=200, latency_ms=3))  # fmt: skip
    session.commit()
    clock.advance(days=31)
    recent = emit(session, "referral.created", {"id": 3})
    session.commit()

    from worker.webhook_tasks import prune_webhook_log

    with app.app_context():
        assert prune_webhook_log() == 1
    kept = set(session.scalars(select(WebhookEvent.message_id)))
    assert kept == {waiting, recent}
    assert count(session, WebhookAttempt) == 0 and count(session, WebhookDelivery) == 2
    assert clock.now - T0 > timedelta(days=30)


def test_the_prune_runs_on_the_beat(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["prune-webhook-log"]["task"] == "kaiku.prune_webhook_log"
