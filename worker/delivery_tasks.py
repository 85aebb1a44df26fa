"""Delivery tasks: dispatch due invitations; reminders and expiry (run by beat).

Each batch is claimed, acted on and committed, and the commit sends its emails' delivery (the
services register it), so a claim is held only as long as one batch takes and a delivery task
always finds its outbox row. The emails go out in batches (``deliver_emails``: one SMTP
connection per batch of ``mail.DELIVERY_BATCH``). Both tasks
are safe to run in several workers at once (row locks on PostgreSQL) and again after a crash
(statuses move forward only; an outbox row left queued is re-offered by ``sweep_outbox``).
"""

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from app.extensions import db
from surveys.delivery import dispatch

log = logging.getLogger(__name__)

# One run drains at most this many batches; the next beat tick takes the rest.
MAX_BATCHES = 40


def _settings():
    return current_app.extensions["kaiku_settings"]


@shared_task(
    name="kaiku.dispatch_due_invitations",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=5,
)
def dispatch_due_invitations(max_batches: int = MAX_BATCHES) -> int:
    """Send the scheduled invitations that fell due, batch by batch; returns how many were
    claimed (sent, made pending, skipped or postponed)."""
    settings = _settings()
    total = 0
    for _ in range(max_batches):
        try:
            result = dispatch.dispatch_due(db.session, settings)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        total += result.claimed
        if result.claimed < settings.dispatch_batch_size:
            break
    if total:
        log.info("dispatched %d due invitations", total)
    return total


@shared_task(
    name="kaiku.remind_and_expire_invitations",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=5,
)
def remind_and_expire_invitations(max_batches: int = MAX_BATCHES) -> dict[str, int]:
    """Queue the one reminder of unanswered invitations that are due one, then close those past
    their expiry; returns the counts."""
    settings = _settings()
    reminded = 0
    after_id = 0
    for _ in range(max_batches):
        try:
            outbox_ids, last_id = dispatch.remind_due(db.session, settings, after_id=after_id)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        reminded += len(outbox_ids)
        if last_id is None:
            break
        after_id = last_id
    expired = dispatch.expire_overdue(db.session)
    db.session.commit()
    return {"reminded": reminded, "expired": expired}
