"""Binding Celery to the Flask app: tasks run inside an app context, eager when asked to."""

import logging
from datetime import timedelta

import redis
from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask, has_app_context

log = logging.getLogger(__name__)


def redis_answers(url: str, timeout: float = 0.5) -> bool:
    """Whether a Redis server answers PING at ``url`` within ``timeout`` seconds."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app``; store it as ``app.extensions["celery"]``."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            # An eager call from a view shares the caller's context (and its session).
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.conf.beat_schedule = {
        "sweep-unprocessed-responses": {
            "task": "kaiku.sweep_unprocessed_responses",
            "schedule": timedelta(seconds=app.config["SWEEP_EVERY_SECONDS"]),
        },
        "sweep-outbox": {
            "task": "kaiku.sweep_outbox",
            "schedule": timedelta(seconds=app.config["SWEEP_EVERY_SECONDS"]),
        },
    }
    eager = app.config["CELERY_EAGER"]
    if eager == "1" or (eager == "auto" and not redis_answers(app.config["REDIS_URL"])):
        celery_app.conf.task_always_eager = True
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


@worker_process_init.connect
def _dispose_engine_after_fork(**_kwargs) -> None:
    """A forked worker must not share the parent's database connections."""
    from app.extensions import db
    from worker.celery import flask_app

    with flask_app.app_context():
        db.engine.dispose(close=False)
