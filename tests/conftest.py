"""Shared fixtures: the app on the test database, a plain session, a client (factories live in
tests/factories, real services in tests/live.py).

The database is TEST_DATABASE_URL (PostgreSQL in CI) or a SQLite file in a temporary directory of
this run's own. Tests clean up by deleting rows, not by rolling back a wrapping transaction, so a
live worker sees what a test committed. Tests hold no app context while they use the client: each
request gets its own, as in production. tests/domain overrides ``engine`` and ``settings`` so its
tests run with no app at all.
"""

import os
import shutil
import tempfile

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app import create_app
from app.extensions import db
from config import TestConfig
from surveys.answers.taxonomy import seed_default_themes
from surveys.kernel import clock
from surveys.models import Base

pytest_plugins = ["tests.live"]

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# The tests that need real services: marked so that ``pytest -m integration`` selects them.
REAL_SERVICE_DIRS = ("/tests/integration/", "/tests/browser/")
RUN_DIR = pytest.StashKey[str]()


def pytest_configure(config):
    """Without TEST_DATABASE_URL, give this run a SQLite file in a temporary directory of its own,
    so two runs (two checkouts, or two in one) never share a database; removed at the end."""
    if TestConfig.SQLALCHEMY_DATABASE_URI is None:
        run_dir = tempfile.mkdtemp(prefix="kaiku-test-")
        config.stash[RUN_DIR] = run_dir
        TestConfig.SQLALCHEMY_DATABASE_URI = f"sqlite:///{run_dir}/kaiku.db"


def pytest_unconfigure(config):
    if RUN_DIR in config.stash:
        shutil.rmtree(config.stash[RUN_DIR], ignore_errors=True)


def unavailable(reason: str) -> None:
    """Skip a real-service test on a developer's machine; fail it in CI, where it must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI must run the real-service tests)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if any(part in str(item.path) for part in REAL_SERVICE_DIRS):
            item.add_marker(pytest.mark.integration)


def wipe(engine) -> None:
    """Delete every row, then put back what a fresh database holds (the default themes)."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))
    seed(engine)


def seed(engine) -> None:
    """What the migrations seed, for a schema made by ``create_all``: the default themes."""
    with Session(bind=engine) as session:
        seed_default_themes(session)
        session.commit()


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
        seed(db.engine)
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
