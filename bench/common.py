"""Shared set-up for the benchmarks: a fresh PostgreSQL database, the app on it, a worker."""

import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get(
    "BENCH_ADMIN_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")


def fresh_database(name: str) -> str:
    """Drop and create database ``name``; return its URL."""
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return database_url(name)


def database_url(name: str) -> str:
    """The URL of database ``name`` on the bench's server."""
    return sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-secret",
        "BASE_URL": "http://127.0.0.1:8000",
        "CELERY_EAGER": "0",
        **extra,
    }


def make_app(database_url: str):
    """The Kaiku app on ``database_url`` with its schema migrated, tasks going to Redis."""
    os.environ.update(bench_env(database_url))
    from app import create_app
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        REDIS_URL = globals()["REDIS_URL"]
        CELERY_EAGER = "0"
        CELERY = {**Config.CELERY, "broker_url": globals()["REDIS_URL"]}

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def start_worker(
    database_url: str, celery_app, concurrency: int = 2, log: str = "/tmp/kaiku-bench-worker.log"
):
    """A real ``celery -A worker worker`` process; returns once it answers a ping."""
    out = open(log, "w")  # noqa: SIM115 - lives as long as the worker
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=bench_env(database_url),
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(Path(log).read_text()[-2000:])
        if celery_app.control.ping(timeout=0.5):
            return proc
    proc.kill()
    raise RuntimeError("worker did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]
