"""Enqueueing from a request: after the commit, and never failing the user's request."""

import logging

from celery import Task

log = logging.getLogger(__name__)


def enqueue(task: Task, *args) -> None:
    """``task.delay(*args)``; a broker that does not answer is logged, not raised.

    Call only after the commit that made the data: the row is the source of truth, and the
    sweepers pick up whatever a dead broker dropped.
    """
    try:
        task.delay(*args)
    except Exception:  # kombu raises several unrelated types for an unreachable broker
        log.exception("could not enqueue %s%r; the sweeper will retry", task.name, args)
