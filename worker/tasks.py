"""Thin Celery tasks: take ids, reload rows, call a service, commit.

Every task has a stable ``name`` and is idempotent, so a redelivery (``acks_late``) or a second
offer by a sweeper changes nothing. Only transient errors (database or SMTP connection) retry,
with exponential backoff. What a task's services register (the emails processing queued, the
sweepers' re-offers) is sent by the commit (``worker.aftercommit``); no task enqueues by hand.
"""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from flask import current_app

from app.extensions import db
from surveys import mail
from surveys.answers import processing
from surveys.answers.recording import PROCESS_TASK
from surveys.kernel.aftercommit import run_after_commit
from surveys.mail.outbox import DELIVER_BATCH_TASK, DELIVER_TASK
from worker.app import FlaskBatchTask
from worker.batching import TRANSIENT_DB, run_batch

log = logging.getLogger(__name__)

# smtplib.SMTPException, refused connections and timeouts are all OSErrors; mail.deliver gives
# up by itself on the permanent ones.
TRANSIENT_SMTP = (OSError,)
PROCESS_BATCH_TASK = "kaiku.process_responses"
# Responses per process_responses message the sweeper sends.
SWEEP_BATCH = 100


def _settings():
    return current_app.extensions["kaiku_settings"]


@shared_task(name=PROCESS_TASK, base=FlaskBatchTask, flush_every=100, flush_interval=0.05)
def process_response(requests) -> int:
    """Analyse and route responses (sentiment, category, rescue task or referral).

    Recording an answer registers one message per response (``surveys.answers.recording``); the
    worker buffers them (up to 100, or 50 ms) and processes the burst as one batch, which is many
    times faster than a task per response. Eager calls run a batch of one.
    """
    return _process_batch([request.args[0] for request in requests])


@shared_task(name=PROCESS_BATCH_TASK)
def process_responses(response_ids: list[int]) -> int:
    """Process a batch of ids in one go (the sweeper's re-enqueue)."""
    return _process_batch(response_ids)


def _process_batch(response_ids: list[int]) -> int:
    return run_batch(response_ids, _process, "response")


def _process(response_ids: list[int]) -> int:
    """Process and commit, which sends the emails the new rescue tasks queued."""
    outcomes = processing.process_responses(db.session, response_ids, _settings())
    db.session.commit()
    return sum(o.status == "processed" for o in outcomes)


@shared_task(name="kaiku.sweep_unprocessed_responses")
def sweep_unprocessed_responses() -> int:
    """Offer responses left unprocessed (a lost message, a dead broker) again, in batches."""
    ids = processing.unprocessed_response_ids(db.session, _settings())
    run_after_commit(db.session, PROCESS_BATCH_TASK, ids, batch_size=SWEEP_BATCH)
    db.session.commit()
    if ids:
        log.warning("sweeper re-enqueued %d unprocessed responses", len(ids))
    return len(ids)


@shared_task(
    name=DELIVER_TASK,
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
        status = mail.deliver(db.session, outbox_id, smtp, takeover=_redelivered(self))
    except TRANSIENT_SMTP as exc:
        mail.record_failure(
            db.session, outbox_id, exc, final=self.request.retries >= self.max_retries
        )
        db.session.commit()
        raise
    db.session.commit()
    return status


@shared_task(name=DELIVER_BATCH_TASK, bind=True, max_retries=8)
def deliver_emails(self, outbox_ids: list[int]) -> dict[str, int]:
    """Hand a batch of outbox emails to SMTP over one connection; returns counts by status.

    The bulk path (dispatch, reminders, the sweeper): ``mail.deliver_after_commit(bulk=True)``.
    Rows released after a transient failure are retried, alone, with the same backoff as
    ``deliver_email``; on the last retry they are marked failed.
    """
    smtp = mail.SmtpSettings.from_mapping(current_app.config)
    final = self.request.retries >= self.max_retries
    try:
        outcome = mail.deliver_batch(
            db.session, outbox_ids, smtp, final=final, takeover=_redelivered(self)
        )
    except TRANSIENT_DB as exc:
        db.session.rollback()
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc
    if outcome.retry_ids and not final:
        log.warning(
            "%d of %d emails will be retried: %r",
            len(outcome.retry_ids), len(outbox_ids), outcome.error,
        )  # fmt: skip
        raise self.retry(
            args=(outcome.retry_ids,), exc=outcome.error, countdown=_backoff(self.request.retries)
        )
    return {status: outcome.count(status) for status in set(outcome.statuses.values())}


def _redelivered(task) -> bool:
    """Whether this message was redelivered: its last holder died (``worker.redelivery``), so
    the rows it claimed are free to take over."""
    return bool((task.request.delivery_info or {}).get("redelivered"))


def _backoff(retries: int) -> int:
    """Seconds before retry ``retries + 1``: as ``deliver_email``'s retry_backoff=10, max 30 min."""
    return get_exponential_backoff_interval(10, retries, 1800, full_jitter=True)


@shared_task(name="kaiku.sweep_outbox")
def sweep_outbox() -> int:
    """Offer emails still queued ``SWEEP_AFTER_SECONDS`` after their last claim, or claimed by
    a worker whose message was lost too (``mail.STALE_CLAIM``), again."""
    ids = mail.stalled_outbox_ids(db.session, older_than=_settings().sweep_after)
    mail.deliver_after_commit(db.session, ids, bulk=True)
    db.session.commit()
    return len(ids)
