"""Thin Celery tasks: take ids, reload rows, call a service, commit.

Every task has a stable ``name`` and is idempotent, so a redelivery (``acks_late``) or a second
enqueue by a sweeper changes nothing. Only transient errors (database or SMTP connection) retry,
with exponential backoff.
"""

import logging
import smtplib

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from app.extensions import db
from surveys import mail, processing

log = logging.getLogger(__name__)

TRANSIENT_DB = (OperationalError,)
TRANSIENT_SMTP = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
BATCH_SIZE = 100


def _settings():
    return current_app.extensions["kaiku_settings"]


@shared_task(
    name="kaiku.process_response",
    autoretry_for=TRANSIENT_DB,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
)
def process_response(response_id: int) -> str:
    """Analyse and route one response (sentiment, category, rescue task or referral)."""
    outcome = processing.process_response(db.session, response_id, _settings())
    db.session.commit()
    return outcome.status


@shared_task(
    name="kaiku.process_responses",
    autoretry_for=TRANSIENT_DB,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
)
def process_responses(response_ids: list[int]) -> int:
    """Process a batch in one transaction, each response in a savepoint of its own so that one
    bad row does not hold back the others (the sweeper offers it again later)."""
    done = 0
    for response_id in response_ids:
        try:
            with db.session.begin_nested():
                processing.process_response(db.session, response_id, _settings())
            done += 1
        except TRANSIENT_DB:
            raise
        except Exception:
            log.exception("processing response %s failed", response_id)
    db.session.commit()
    return done


@shared_task(name="kaiku.sweep_unprocessed_responses")
def sweep_unprocessed_responses() -> int:
    """Re-enqueue responses left unprocessed (a lost message, a dead broker) in batches."""
    ids = processing.unprocessed_response_ids(db.session, _settings())
    for start in range(0, len(ids), BATCH_SIZE):
        process_responses.delay(ids[start : start + BATCH_SIZE])
    if ids:
        log.warning("sweeper re-enqueued %d unprocessed responses", len(ids))
    return len(ids)


@shared_task(
    name="kaiku.deliver_email",
    bind=True,
    autoretry_for=TRANSIENT_SMTP + TRANSIENT_DB,
    retry_backoff=10,
    retry_backoff_max=1800,
    max_retries=8,
)
def deliver_email(self, outbox_id: int) -> str:
    """Hand one outbox email to SMTP (or only log it when no SMTP server is configured)."""
    smtp = mail.SmtpSettings.from_mapping(current_app.config)
    try:
        status = mail.deliver(db.session, outbox_id, smtp)
    except TRANSIENT_SMTP as exc:
        mail.record_failure(db.session, outbox_id, exc, final=self.request.retries >= 8)
        db.session.commit()
        raise
    db.session.commit()
    return status


@shared_task(name="kaiku.sweep_outbox")
def sweep_outbox() -> int:
    """Re-enqueue emails still queued, or claimed by a worker that died, after a while."""
    ids = mail.stalled_outbox_ids(db.session)
    db.session.commit()
    for outbox_id in ids:
        deliver_email.delay(outbox_id)
    return len(ids)
