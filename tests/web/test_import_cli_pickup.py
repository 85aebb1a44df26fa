"""``flask import-customers`` when a worker answers the ping but never starts the import (it
consumes other queues, or is stuck): after a while the command runs the import itself."""

import threading

import pytest
from sqlalchemy import select

from app.cli import imports as kaiku_cli
from surveys.models import Customer, CustomerImport
from worker.import_tasks import import_customers

CSV = "external_id,email\nc1,a@example.com\nc2,b@example.com\n"


@pytest.fixture
def worker_answers(app, engine, monkeypatch):
    """A broker and a worker that answer; ``send_task`` is replaced by each test."""
    monkeypatch.setitem(app.extensions["celery"].conf, "task_always_eager", False)
    monkeypatch.setattr(kaiku_cli, "redis_answers", lambda url: True)
    monkeypatch.setattr(kaiku_cli, "_worker_answers", lambda celery_app: True)
    return app.test_cli_runner()


def test_an_import_no_worker_starts_runs_in_this_process(
    app, worker_answers, session, tmp_path, monkeypatch
):
    lost: list[tuple] = []
    monkeypatch.setattr(
        app.extensions["celery"], "send_task", lambda name, args, **_: lost.append((name, args))
    )
    monkeypatch.setattr(kaiku_cli, "IMPORT_PICKUP_SECONDS", 0.5)
    path = tmp_path / "customers.csv"
    path.write_text(CSV, encoding="utf-8")

    result = worker_answers.invoke(args=["import-customers", str(path)])

    assert result.exit_code == 0, result.output
    assert "on the Celery worker at" in result.output
    imported = session.scalars(select(CustomerImport)).one()
    assert lost == [("kaiku.import_customers", (imported.id,))]  # queued, and nobody took it
    assert (
        f"No Celery worker started import {imported.id} within 0.5 s; "
        "running it in this process instead." in result.output
    )
    assert "Done: 2 created, 0 updated, 0 unchanged, 0 refused." in result.output
    assert imported.status == "done"
    assert sorted(session.scalars(select(Customer.external_id))) == ["c1", "c2"]


def test_a_worker_that_starts_the_import_in_time_keeps_it(
    app, worker_answers, session, tmp_path, monkeypatch
):
    started: list[threading.Timer] = []

    def slow_worker(name, args, **_):  # starts the task a moment later, as a worker would
        assert name == import_customers.name
        timer = threading.Timer(0.3, lambda: import_customers.apply(args=args))
        timer.start()
        started.append(timer)

    monkeypatch.setattr(app.extensions["celery"], "send_task", slow_worker)
    monkeypatch.setattr(kaiku_cli, "IMPORT_PICKUP_SECONDS", 10.0)
    path = tmp_path / "customers.csv"
    path.write_text(CSV, encoding="utf-8")

    result = worker_answers.invoke(args=["import-customers", str(path)])

    assert result.exit_code == 0, result.output
    assert len(started) == 1
    assert "in this process instead" not in result.output
    assert "Done: 2 created, 0 updated, 0 unchanged, 0 refused." in result.output
