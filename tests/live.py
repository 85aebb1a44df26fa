"""Fixtures for real services, shared by tests/integration and tests/browser (a plugin of
tests/conftest.py): PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL), a Celery worker
process, an HTTP server, SMTP servers. Missing services skip these tests on a developer's machine
and fail them in CI.
"""

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import redis
import sqlalchemy as sa
from werkzeug.serving import make_server

from app import create_app
from app.extensions import limiter
from config import TestConfig
from tests.conftest import unavailable, use_celery_of
from tests.servers import celery_worker, free_port, smtp_servers


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        unavailable("TEST_DATABASE_URL does not name a PostgreSQL database")
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except sa.exc.OperationalError as exc:
        unavailable(f"PostgreSQL at TEST_DATABASE_URL does not answer: {exc}")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "")
    if not url:
        unavailable("TEST_REDIS_URL is not set")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError as exc:
        unavailable(f"Redis at TEST_REDIS_URL does not answer: {exc}")
    return url


@pytest.fixture(scope="session")
def live_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def live_config(pg_url, redis_url, live_port):
    class LiveConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = pg_url
        REDIS_URL = redis_url
        BASE_URL = f"http://127.0.0.1:{live_port}"
        CELERY_EAGER = "0"
        CELERY = {**TestConfig.CELERY, "broker_url": redis_url}
        # These tests run on the real clock: no quiet hours, so a send does not depend on the
        # hour they run at (quiet hours are tested on a controllable clock in tests/web).
        QUIET_HOURS = "off"

    return LiveConfig


@pytest.fixture(scope="session")
def live_app(app, live_config):
    """An app on PostgreSQL whose tasks go to Redis (not eager); the schema comes from ``app``."""
    return create_app(live_config)


@pytest.fixture
def live(live_app, engine):
    """Use the live app for this test: its Celery app is the default, rows are wiped after."""
    use_celery_of(live_app)
    yield live_app


@pytest.fixture(scope="session")
def live_server(live_app, live_port):
    """The live app served over HTTP by a threaded server; yields its base URL."""
    server = make_server("127.0.0.1", live_port, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live_port}"
    server.shutdown()


def worker_env(live_config) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": live_config.SQLALCHEMY_DATABASE_URI,
        "REDIS_URL": live_config.REDIS_URL,
        "BASE_URL": live_config.BASE_URL,
        "CELERY_EAGER": "0",
        "SECRET_KEY": live_config.SECRET_KEY,
        "QUIET_HOURS": live_config.QUIET_HOURS,
    }


@pytest.fixture(scope="session")
def live_worker(live_config, redis_url):
    """A real ``celery -A worker worker`` process (prefork, 2 children) on the test services."""
    with celery_worker("celery-worker", worker_env(live_config)) as log_path:
        yield log_path


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.05):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


def daytime_zone() -> str:
    """A fixed-offset zone where it is around noon now, so quiet hours hold nothing back."""
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12  # UTC-12 … UTC+11
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


@pytest.fixture(scope="module")
def smtp_port() -> int:
    """The port of a module's SMTP server (its worker is told before the server starts)."""
    return free_port()


@pytest.fixture(scope="module")
def inbox(smtp_port):
    """A real SMTP server (aiosmtpd) on ``smtp_port`` for the whole module."""
    with smtp_servers(smtp_port) as start:
        yield start()


@pytest.fixture
def start_smtp(smtp_port):
    """Start the SMTP server on ``smtp_port`` when the test says so; stopped after the test."""
    with smtp_servers(smtp_port) as start:
        yield start


@contextmanager
def limited_on_redis(app, redis_url: str, **limits) -> Iterator:
    """An app whose rate limits count in Redis at ``redis_url`` (the storage chosen at start when
    Redis answers), with ``limits`` as its settings; later tests get the memory storage back."""
    config = type(
        "RedisLimited",
        (TestConfig,),
        {"REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": None, **limits},
    )
    limited = create_app(config)
    use_celery_of(app)
    limiter.reset()
    try:
        yield limited
    finally:
        limiter.reset()
        create_app(TestConfig)  # the one Limiter goes back to memory, whichever app is built
        use_celery_of(app)
