"""The one hook that sends what services registered after a commit (``surveys.kernel.aftercommit``).

Installed on the app's ``db.session`` by ``celery_init_app``, so web requests, CLI commands and
the tasks themselves all send this way. Tasks go by name (``send_task``): the sender needs no
task module. A broker that does not answer is logged, never raised: the data is committed and
the sweepers pick up whatever was not sent. With ``task_always_eager`` (the tests, the demo
without Redis) the task runs here instead, as ``send_task`` ignores that setting.
"""

import logging

from celery import Celery, Task
from flask import current_app

log = logging.getLogger(__name__)


def send_registered(name: str, args: tuple) -> None:
    """Send task ``name`` with ``args`` through the current app's Celery app, or run it here
    when tasks are eager. Never raises."""
    celery_app: Celery = current_app.extensions["celery"]
    if celery_app.conf.task_always_eager:
        _run_here(celery_app, name, args)
        return
    try:
        celery_app.send_task(name, args=args)
    except Exception:  # kombu raises several unrelated types for an unreachable broker
        log.exception("could not send %s%r; the sweeper will retry", name, args)


def task_named(celery_app: Celery, name: str) -> Task:
    """The registered task ``name``, importing the task modules (Celery's ``include``) first if
    this process has not yet: a web process or CLI command that runs a task in-process.

    :raises KeyError: no task module defines ``name``.
    """
    if name not in celery_app.tasks:
        celery_app.loader.import_default_modules()
    return celery_app.tasks[name]


def _run_here(celery_app: Celery, name: str, args: tuple) -> None:
    # Called from the committing session's after_commit event, where that session can emit no
    # SQL: a fresh app context gives the task a session of its own (Flask-SQLAlchemy scopes
    # sessions per app context), which sees what was just committed.
    with current_app.app_context():
        result = task_named(celery_app, name).apply(args=args)
    if result.failed():
        log.error("task %s%r failed: %r", name, args, result.result)
