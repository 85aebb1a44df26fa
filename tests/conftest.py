"""Shared fixtures: the app on the test database, a plain session, a client, factories.

The database is TEST_DATABASE_URL (PostgreSQL in CI) or a SQLite file. Tests clean up by deleting
rows, not by rolling back a wrapping transaction, so a live worker sees what a test committed.
Tests hold no app context while they use the client: each request gets its own, as in production.
"""

import os

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app import create_app
from app.extensions import db
from config import TestConfig
from surveys.kernel import clock
from surveys.models import Base

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip a real-service test on a developer's machine; fail it in CI, where it must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must run the real-service tests)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/tests/integration/" in str(item.path):
            item.add_marker(pytest.mark.integration)


def wipe(engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))


def use_celery_of(app) -> None:
    """Make ``app``'s Celery app the one ``shared_task`` proxies resolve to (each create_app()
    makes its own the current one)."""
    app.extensions["celery"].set_default()
    app.extensions["celery"].set_current()


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def engine(app):
    use_celery_of(app)
    with app.app_context():
        engine = db.engine
    yield engine
    wipe(engine)
    clock.set_source(None)


@pytest.fixture
def session(engine):
    """A session of the test's own, like any other client of the database."""
    with Session(bind=engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app, engine):
    return app.test_client()


@pytest.fixture
def settings(app):
    return app.extensions["kaiku_settings"]


def record_sent_tasks(app, monkeypatch) -> list[tuple[str, tuple]]:
    """Make the after-commit hook hand its messages, ``(task name, args)``, to the returned list
    as if to a broker: tasks are no longer eager, and ``send_task`` only records."""
    celery_app = app.extensions["celery"]
    sent: list[tuple[str, tuple]] = []
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(
        celery_app, "send_task", lambda name, args=(), **_: sent.append((name, tuple(args)))
    )
    return sent


@pytest.fixture
def sent_tasks(app, engine, monkeypatch) -> list[tuple[str, tuple]]:
    """What commits on ``db.session`` send, recorded instead of run (``record_sent_tasks``)."""
    return record_sent_tasks(app, monkeypatch)
