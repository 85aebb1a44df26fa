"""Keeping the webhook log short: events older than ``WEBHOOK_LOG_DAYS`` go, with their
deliveries and attempts, once none of their deliveries is still pending.

Their bodies carry what the event was about (an external id, a comment), so the log is
personal data too: a bounded log is what keeps it from outliving the comments' retention and
an erasure's reach (the erasure removes the bodies naming the person at once).
"""

from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from surveys.models import WebhookAttempt, WebhookDelivery, WebhookEvent


def prune_log(session: Session, before: datetime) -> int:
    """Delete the events created before ``before`` that have no pending delivery; returns how
    many. Does not commit."""
    pending = exists().where(
        WebhookDelivery.event_id == WebhookEvent.id, WebhookDelivery.status == "pending"
    )
    old = select(WebhookEvent.id).where(WebhookEvent.created_at < before, ~pending)
    ids = list(session.scalars(old))
    if not ids:
        return 0
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.event_id.in_(ids))
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(ids)))
    session.execute(delete(WebhookEvent).where(WebhookEvent.id.in_(ids)))
    return len(ids)
