"""Thin Celery tasks: take ids, reload rows, call a service, commit.

Every task has a stable ``name`` and is idempotent, so a redelivery (``acks_late``) or a second
enqueue by a sweeper changes nothing. Only transient errors (database or SMTP connection) retry,
with exponential backoff.
"""

import logging
import time

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from app.extensions import db
from surveys import mail, processing
from worker.app import FlaskBatchTask

log = logging.getLogger(__name__)

TRANSIENT_DB = (OperationalError,)
# smtplib.SMTPException, refused connections and timeouts are all OSErrors; mail.deliver gives
# up by itself on the permanent ones.
TRANSIENT_SMTP = (OSError,)
BATCH_SIZE = 100


def _settings():
    return current_app.extensions["kaiku_settings"]


@shared_task(
    name="kaiku.process_response", base=FlaskBatchTask, flush_every=100, flush_interval=0.05
)
def process_response(requests) -> int:
    """Analyse and route responses (sentiment, category, rescue task or referral).

    Callers enqueue one message per response, ``process_response.delay(response_id)``; the
    worker buffers them (up to 100, or 50 ms) and processes the burst as one batch, which is many
    times faster than a task per response. Eager calls run a batch of one.
    """
    return _process_batch([request.args[0] for request in requests])


@shared_task(name="kaiku.process_responses")
def process_responses(response_ids: list[int]) -> int:
    """Process a batch of ids in one go (the sweeper's re-enqueue)."""
    return _process_batch(response_ids)


def _process_batch(response_ids: list[int], attempts: int = 5) -> int:
    """Process a batch, retrying transient database errors with backoff. If the batch fails for
    another reason, each response is tried alone so one bad row does not hold back the rest;
    whatever still fails stays unprocessed for the sweeper."""
    for attempt in range(attempts):
        try:
            outcomes = processing.process_responses(db.session, response_ids, _settings())
            db.session.commit()
            rescue_tasks.deliver_task_emails([o.rescue_task_id for o in outcomes])
            return sum(o.status == "processed" for o in outcomes)
        except TRANSIENT_DB:
            db.session.rollback()
            if attempt == attempts - 1:
                raise
            time.sleep(min(2**attempt * 0.5, 10))
        except Exception:
            db.session.rollback()
            log.exception("batch of %d failed; processing one by one", len(response_ids))
            break
    done = 0
    for response_id in response_ids:
        try:
            outcome = processing.process_response(db.session, response_id, _settings())
            db.session.commit()
            rescue_tasks.deliver_task_emails([outcome.rescue_task_id])
            done += 1
        except Exception:
            db.session.rollback()
            log.exception("processing response %s failed; the sweeper will retry", response_id)
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
        mail.record_failure(
            db.session, outbox_id, exc, final=self.request.retries >= self.max_retries
        )
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


# The other task modules register with the same Celery app wherever worker.tasks is imported
# (the worker, the web process's eager calls, the in-process beat of the demo).
from worker import delivery_tasks, import_tasks, lifecycle_tasks, rescue_tasks  # noqa: E402,F401
