"""The demo from the command line: ``flask seed-demo`` and ``flask run-demo`` (the demo data,
a Celery worker with beat when Redis answers, else eager tasks and an in-process beat)."""

import signal
import sys
from collections.abc import Callable

import click
from flask import Flask, current_app
from kombu.utils.url import maybe_sanitize_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from app.extensions import db
from app.probes import redis_answers


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Add demo surveys, customers and answers (once), each answer processed as it came in."""
        _seed()

    @app.cli.command("run-demo")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    def run_demo(host: str, port: int) -> None:
        """Serve Kaiku with the demo data and background processing, in one command.

        With Redis at REDIS_URL: a real Celery worker with embedded beat runs as a subprocess.
        Without: tasks run eagerly in-process and the periodic jobs in a thread.
        """
        from werkzeug.serving import run_simple

        from app.demo.seed import NPS_KEY

        flask_app = current_app._get_current_object()
        flask_app.config["DEMO_SHOP_SURVEY"] = NPS_KEY  # the sample shop page (app/demo/shop.py)
        # SIGTERM (service managers, `timeout`) unwinds like Ctrl+C, so the worker is stopped too.
        previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        stop = None
        try:
            stop = _start_processing(flask_app)
            summary = _seed(show_admin=False)
            url = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
            click.echo(f"\nKaiku is at {url}/")
            click.echo(f"The survey widget on a sample company page: {url}/demo/shop")
            if summary.admin_password:
                click.echo(f"Sign in as {summary.admin_email} / {summary.admin_password}")
                _echo_staff(summary)
            else:
                click.echo(
                    f"Sign in as {summary.admin_email} with the password printed when the demo "
                    "was seeded (or add yourself: flask create-admin you@example.com)."
                )
            base_url = flask_app.extensions["kaiku_settings"].base_url
            if base_url != url:
                click.echo(f"Note: links in emails point to BASE_URL={base_url}.")
            click.echo("Press Ctrl+C to stop.\n")
            run_simple(host, port, flask_app, threaded=True, use_reloader=False)
        finally:
            if stop is not None:
                stop()
            signal.signal(signal.SIGTERM, previous_sigterm)


def _start_processing(flask_app: Flask) -> Callable[[], None]:
    """A Celery worker + beat when Redis answers, else eager tasks and an in-process beat;
    returns the function that stops it."""
    celery_app = flask_app.extensions["celery"]
    redis_url = flask_app.config["REDIS_URL"]
    if redis_answers(redis_url):
        celery_app.conf.task_always_eager = False
        stop = _start_worker(flask_app)
        click.echo(f"Processing: Celery worker + beat on {maybe_sanitize_url(redis_url)}")
        return stop
    from worker.inprocess import InProcessBeat

    celery_app.conf.task_always_eager = True
    beat = InProcessBeat(flask_app, celery_app)
    beat.start()
    click.echo(
        f"Processing: in-process (Redis not reachable at {maybe_sanitize_url(redis_url)}); "
        "periodic jobs run in a thread"
    )
    return beat.stop


def _seed(*, show_admin: bool = True):
    """Seed the demo on ``db.session`` and commit; prints one line that says which happened:
    seeded now (with what), or there already (nothing added)."""
    from app.demo.seed import seed_demo

    settings = current_app.extensions["kaiku_settings"]
    try:
        summary = seed_demo(db.session, settings)
        db.session.commit()
    except (OperationalError, ProgrammingError) as exc:  # no tables yet, or no database
        db.session.rollback()
        raise click.ClickException(
            f"The database is not ready ({exc.orig}). Run `flask db upgrade` first."
        ) from exc
    click.echo(summary.message)
    if summary.admin_password and show_admin:
        click.echo(f"Admin login: {summary.admin_email} / {summary.admin_password}")
        _echo_staff(summary)
        click.echo("(the passwords are shown only now)")
    return summary


def _echo_staff(summary) -> None:
    if summary.staff:
        logins = ", ".join(f"{email} ({role})" for email, role in summary.staff)
        click.echo(f"Support team: {logins}, password {summary.staff_password}")


def _start_worker(flask_app: Flask) -> Callable[[], None]:
    """Start ``celery -A worker worker -B`` with this environment; returns its stopper."""
    import subprocess
    from pathlib import Path

    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "worker", "worker", "-B",
         "--schedule", str(Path(flask_app.instance_path) / "celerybeat-schedule"),
         "--loglevel=INFO", "--concurrency=2"],
        cwd=Path(flask_app.root_path).parent,
    )  # fmt: skip

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    return stop
