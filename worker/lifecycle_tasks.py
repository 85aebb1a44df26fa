"""Lifecycle tasks: evaluation of events (stage mapping, trigger rules, win-back) and its sweeper.

Evaluation is idempotent: an event is claimed (evaluated_at set) in the transaction that applies
its effects, so a redelivered message or the sweeper's re-enqueue finds it done.
"""

import logging

from celery import shared_task
from flask import current_app

from app.extensions import db
from surveys.customers.events import EVALUATE_TASK
from surveys.kernel.aftercommit import run_after_commit
from surveys.lifecycle import evaluation
from worker.app import FlaskBatchTask
from worker.batching import run_batch

log = logging.getLogger(__name__)

EVALUATE_BATCH_TASK = "kaiku.evaluate_events"
# Events per evaluate_events message the sweeper sends.
SWEEP_BATCH = 500


def _settings():
    return current_app.extensions["kaiku_settings"]


@shared_task(name=EVALUATE_TASK, base=FlaskBatchTask, flush_every=500, flush_interval=0.1)
def evaluate_event(requests) -> int:
    """Evaluate stored events: move stages, schedule invitations, check win-backs.

    Storing an event registers one message per event (``surveys.customers.events``), sent
    after the commit that stored it; the worker buffers them (up to 500, or 100 ms) and
    evaluates the burst as one batch. Eager calls run a batch of one.
    """
    return _evaluate_batch([request.args[0] for request in requests])


@shared_task(name=EVALUATE_BATCH_TASK)
def evaluate_events(event_ids: list[int]) -> int:
    """Evaluate a batch of ids in one go (the sweeper's re-enqueue)."""
    return _evaluate_batch(event_ids)


def _evaluate_batch(event_ids: list[int]) -> int:
    return run_batch(event_ids, _evaluate, "event")


def _evaluate(event_ids: list[int]) -> int:
    done = evaluation.evaluate(db.session, event_ids, _settings())
    db.session.commit()
    return len(done)


@shared_task(name="kaiku.sweep_unevaluated_events")
def sweep_unevaluated_events() -> int:
    """Offer events left unevaluated (a lost message, a dead broker) again, in batches."""
    ids = evaluation.unevaluated_event_ids(db.session, _settings())
    run_after_commit(db.session, EVALUATE_BATCH_TASK, ids, batch_size=SWEEP_BATCH)
    db.session.commit()
    if ids:
        log.warning("sweeper re-enqueued %d unevaluated events", len(ids))
    return len(ids)
