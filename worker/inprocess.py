"""Celery beat's schedule run in a thread of the web process, for the demo without Redis.

With no broker the tasks run eagerly; this thread stands in for ``celery beat``, so the
sweepers still pick up unprocessed answers and stalled emails. Not for production: one process,
no locking, no persistence of the last run times.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from celery import Celery
from celery.schedules import BaseSchedule, maybe_schedule
from flask import Flask

from worker.aftercommit import task_named

log = logging.getLogger(__name__)

# The thread never sleeps longer than this, so stop() is prompt.
MAX_SLEEP = 1.0


@dataclass
class _Entry:
    name: str
    task: str
    schedule: BaseSchedule
    args: tuple
    kwargs: dict
    last_run_at: datetime


class InProcessBeat:
    """Runs every entry of ``celery_app.conf.beat_schedule`` at its interval, each call with
    ``task.apply()`` inside ``flask_app.app_context()`` (the task modules are imported on the
    first run, as a worker would)."""

    def __init__(self, flask_app: Flask, celery_app: Celery) -> None:
        self.flask_app = flask_app
        self.celery_app = celery_app
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        now = celery_app.now()
        self.entries = [
            _Entry(
                name,
                entry["task"],
                maybe_schedule(entry["schedule"], app=celery_app),
                tuple(entry.get("args", ())),
                dict(entry.get("kwargs", {})),
                now,  # like beat: the first run is one interval after start
            )
            for name, entry in celery_app.conf.beat_schedule.items()
        ]

    def run_pending(self) -> float:
        """Run the entries that are due; returns the seconds until the next one is."""
        next_in = MAX_SLEEP
        for entry in self.entries:
            due, wait = entry.schedule.is_due(entry.last_run_at)
            if due:
                entry.last_run_at = self.celery_app.now()
                self._run(entry)
            next_in = min(next_in, wait)
        return max(next_in, 0.05)

    def _run(self, entry: _Entry) -> None:
        task = task_named(self.celery_app, entry.task)
        with self.flask_app.app_context():
            result = task.apply(args=entry.args, kwargs=entry.kwargs)
        if result.failed():
            log.error("periodic task %s failed: %r", entry.name, result.result)

    def start(self) -> threading.Thread:
        """Start the daemon thread (it dies with the process; ``stop()`` ends it sooner)."""
        self._thread = threading.Thread(target=self._loop, name="kaiku-inprocess-beat", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                wait = self.run_pending()
            except Exception:  # one bad run must not end the schedule
                log.exception("in-process beat failed")
                wait = MAX_SLEEP
            self._stop.wait(wait)
