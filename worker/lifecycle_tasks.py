"""Lifecycle tasks: evaluation of events (stage mapping, trigger rules, win-back) and its sweeper.

Evaluation is idempotent: an event is claimed (evaluated_at set) in the transaction that applies
its effects, so a redelivered message or the sweeper's re-enqueue finds it done.
"""

import logging
import time

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from app.extensions import db
from surveys import events
from worker.app import FlaskBatchTask

log = logging.getLogger(__name__)

BATCH_SIZE = 500
TRANSIENT_DB = (OperationalError,)


def _settings():
    return current_app.extensions["kaiku_settings"]


@shared_task(name="kaiku.evaluate_event", base=FlaskBatchTask, flush_every=500, flush_interval=0.1)
def evaluate_event(requests) -> int:
    """Evaluate stored events: move stages, schedule invitations, check win-backs.

    Callers enqueue one message per event, ``evaluate_event.delay(event_id)``, after the commit
    that stored it; the worker buffers them (up to 500, or 100 ms) and evaluates the burst as one
    batch. Eager calls run a batch of one.
    """
    return _evaluate_batch([request.args[0] for request in requests])


@shared_task(name="kaiku.evaluate_events")
def evaluate_events(event_ids: list[int]) -> int:
    """Evaluate a batch of ids in one go (the sweeper's re-enqueue)."""
    return _evaluate_batch(event_ids)


def _evaluate_batch(event_ids: list[int], attempts: int = 5) -> int:
    """Evaluate a batch, retrying transient database errors with backoff. If the batch fails for
    another reason, each event is tried alone so one bad event does not hold back the rest;
    whatever still fails stays unevaluated for the sweeper."""
    for attempt in range(attempts):
        try:
            done = events.evaluate(db.session, event_ids, _settings())
            db.session.commit()
            return len(done)
        except TRANSIENT_DB:
            db.session.rollback()
            if attempt == attempts - 1:
                raise
            time.sleep(min(2**attempt * 0.5, 10))
        except Exception:
            db.session.rollback()
            if len(event_ids) == 1:
                log.exception("evaluating event %s failed; the sweeper will retry", event_ids[0])
                return 0
            log.exception("batch of %d events failed; evaluating one by one", len(event_ids))
            break
    done = 0
    for event_id in event_ids:
        try:
            done += len(events.evaluate(db.session, [event_id], _settings()))
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("evaluating event %s failed; the sweeper will retry", event_id)
    return done


@shared_task(name="kaiku.sweep_unevaluated_events")
def sweep_unevaluated_events() -> int:
    """Re-enqueue events left unevaluated (a lost message, a dead broker) in batches."""
    ids = events.unevaluated_event_ids(db.session, _settings())
    db.session.commit()
    for start in range(0, len(ids), BATCH_SIZE):
        evaluate_events.delay(ids[start : start + BATCH_SIZE])
    if ids:
        log.warning("sweeper re-enqueued %d unevaluated events", len(ids))
    return len(ids)
