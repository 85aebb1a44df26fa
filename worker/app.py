"""Binding Celery to the Flask app: tasks run inside an app context, eager when asked to."""

import logging
from datetime import timedelta

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_init, worker_process_init
from celery_batches import Batches
from flask import Flask, has_app_context

from app.probes import redis_answers
from surveys.kernel.aftercommit import install_sender
from worker.aftercommit import send_registered
from worker.redelivery import UnackedHeartbeat

log = logging.getLogger(__name__)

# Every module that defines tasks: Celery's ``include``, imported by the worker at start and by
# ``worker.aftercommit.task_named`` in a process that runs a task in-process (eager, demo beat).
TASK_MODULES = (
    "worker.tasks",
    "worker.analysis_tasks",
    "worker.delivery_tasks",
    "worker.import_tasks",
    "worker.lifecycle_tasks",
    "worker.privacy_tasks",
    "worker.rescue_tasks",
    "worker.report_tasks",
    "worker.webhook_tasks",
)


class FlaskTask(Task):
    """A task that runs inside the Flask app's context, unless one is already pushed: an eager
    call then shares the caller's context (and its database session); the after-commit hook
    pushes a fresh one for its eager runs (``worker.aftercommit``)."""

    def __call__(self, *args, **kwargs):
        if has_app_context():
            return super().__call__(*args, **kwargs)
        with self.app.flask_app.app_context():
            return super().__call__(*args, **kwargs)


class FlaskBatchTask(FlaskTask, Batches):
    """A FlaskTask whose worker buffers its messages and runs them as one list (celery-batches):
    one message per call for the caller, one run per burst for the worker."""


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app``; store it as ``app.extensions["celery"]``; make the
    app's ``db.session`` send the tasks services register after each commit."""
    from app.extensions import db

    celery_app = Celery(app.name, task_cls=FlaskTask, include=TASK_MODULES)
    celery_app.flask_app = app
    celery_app.config_from_object(app.config["CELERY"])
    # What a worker holds stays its own while it lives; a dead worker's comes back in seconds.
    celery_app.steps["consumer"].add(UnackedHeartbeat)
    celery_app.conf.beat_schedule = {
        "sweep-unprocessed-responses": {
            "task": "kaiku.sweep_unprocessed_responses",
            "schedule": timedelta(seconds=app.config["SWEEP_EVERY_SECONDS"]),
        },
        "sweep-outbox": {
            "task": "kaiku.sweep_outbox",
            "schedule": timedelta(seconds=app.config["SWEEP_EVERY_SECONDS"]),
        },
        "sweep-unevaluated-events": {
            "task": "kaiku.sweep_unevaluated_events",
            "schedule": timedelta(seconds=app.config["SWEEP_EVERY_SECONDS"]),
        },
        # Cells whose recount message was lost (the recount after each commit does the rest).
        "refresh-stale-rollups": {
            "task": "kaiku.refresh_rollups",
            "schedule": timedelta(seconds=app.config["SWEEP_EVERY_SECONDS"]),
        },
        # Webhook retries that fell due, first attempts whose message was lost, dead claims.
        "sweep-webhook-deliveries": {
            "task": "kaiku.sweep_webhook_deliveries",
            "schedule": timedelta(seconds=app.config["WEBHOOK_SWEEP_EVERY_SECONDS"]),
        },
        "dispatch-due-invitations": {
            "task": "kaiku.dispatch_due_invitations",
            "schedule": timedelta(seconds=app.config["DISPATCH_EVERY_SECONDS"]),
        },
        "remind-and-expire-invitations": {
            "task": "kaiku.remind_and_expire_invitations",
            "schedule": timedelta(minutes=5),
        },
        "resume-stalled-reanalysis": {
            "task": "kaiku.resume_stalled_reanalysis",
            "schedule": timedelta(minutes=1),
        },
        "escalate-overdue-rescue-tasks": {
            "task": "kaiku.escalate_overdue_rescue_tasks",
            "schedule": timedelta(seconds=app.config["ESCALATE_EVERY_SECONDS"]),
        },
        # The webhook delivery log past WEBHOOK_LOG_DAYS (surveys.webhooks.pruning).
        "prune-webhook-log": {
            "task": "kaiku.prune_webhook_log",
            "schedule": crontab(minute=45, hour=3),
        },
        # Comments past their retention (surveys.privacy.retention); a no-op when none is set.
        "apply-retention": {
            "task": "kaiku.apply_retention",
            "schedule": crontab(minute=30, hour=3),
        },
        # Celery's clock is UTC (its default ``timezone``); Kaiku has no house time zone.
        "send-weekly-digests": {
            "task": "kaiku.send_weekly_digests",
            "schedule": crontab(minute=0, hour=app.config["DIGEST_HOUR"], day_of_week="mon"),
        },
    }
    eager = app.config["CELERY_EAGER"]
    if eager == "1" or (eager == "auto" and not redis_answers(app.config["REDIS_URL"])):
        celery_app.conf.task_always_eager = True
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    install_sender(db.session, send_registered)
    return celery_app


@worker_init.connect
def _preload_dictionaries(**_kwargs) -> None:
    """Load the lemma dictionaries in the worker's main process, before the pool forks: the
    processes then share one copy (hundreds of MB) and none pays seconds on its first comment."""
    import gc

    from surveys.answers.analysis.lemmas import preload

    preload()
    # Keep the collector off these objects in the forked processes, so their pages stay shared.
    gc.freeze()


@worker_process_init.connect
def _prepare_worker_process(**_kwargs) -> None:
    """A forked worker must not share the parent's database connections; and it loads the
    language model and lexicons now rather than on the first answer it processes."""
    from app.extensions import db
    from surveys.answers.analysis import analyze, detect_language
    from worker.celery import flask_app

    with flask_app.app_context():
        db.engine.dispose(close=False)
    analyze("Warming up the sentiment lexicon", detect_language("Kiitos, hyvin toimii"))
