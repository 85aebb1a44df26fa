"""Redelivery of a dead worker's messages within seconds, never of a living worker's.

Redis has no acknowledgements: kombu keeps every message a worker holds (running, prefetched,
buffered by celery-batches, waiting for its ETA) in an ``unacked_index`` sorted set scored by
the time it was delivered, and puts back in its queue whatever is older than the transport's
``visibility_timeout`` (``QoS.restore_visible``, every ``unacked_restore_interval`` seconds).
A short timeout alone would also put back what a living worker still holds: a long task, a
retry's countdown, a full prefetch. So each worker refreshes the score of the messages it
holds every ``interval`` seconds (``XX``: a message acknowledged meanwhile is not added back);
only a worker that stopped (kill -9, lost machine) lets its messages age past the timeout, and
kombu then redelivers them, flagged ``redelivered``, to the workers still running.
"""

import logging
from time import time

from celery import bootsteps

log = logging.getLogger(__name__)


def refresh_unacked(channel) -> int:
    """Mark every message ``channel`` holds unacknowledged as seen now; returns how many.

    A channel of another transport (no ``unacked_index_key``) is left alone.
    """
    qos = channel.qos
    key = getattr(qos, "unacked_index_key", None)
    tags = list(qos._delivered)  # kombu's own record of what this channel has not acked
    if key is None or not tags:
        return 0
    with channel.conn_or_acquire() as client:
        client.zadd(key, dict.fromkeys(tags, time()), xx=True)
    return len(tags)


class UnackedHeartbeat(bootsteps.StartStopStep):
    """Consumer step: ``refresh_unacked`` on the task channel six times per visibility
    timeout, on the consumer's own timer (the event loop that receives and acknowledges the
    messages, so it keeps beating while the pool's processes run long tasks)."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self._tref = None

    def start(self, c):
        options = c.app.conf.broker_transport_options or {}
        interval = beat_interval(options.get("visibility_timeout", 3600))
        channel = c.task_consumer.channel
        self._tref = c.timer.call_repeatedly(interval, self._beat, (channel,))

    def stop(self, c):
        if self._tref is not None:
            self._tref.cancel()
            self._tref = None

    shutdown = stop

    @staticmethod
    def _beat(channel) -> None:
        try:
            refresh_unacked(channel)
        except Exception:  # a broker blip: the next beat tries again, well inside the timeout
            log.warning("could not refresh the unacknowledged messages", exc_info=True)


def beat_interval(visibility_timeout: float) -> float:
    """Seconds between refreshes: six per timeout, so a few missed beats (a slow broker) do
    not let a living worker's messages age past it."""
    return max(visibility_timeout / 6, 1.0)
