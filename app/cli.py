"""Flask CLI commands: staff and API keys, the demo data, and the one-command demo server."""

import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from kombu.utils.url import maybe_sanitize_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from app.extensions import db
from app.probes import redis_answers
from surveys.kernel.errors import KaikuError
from surveys.models import ROLES

# A worker that answers the ping but leaves the import "queued" this long (it consumes other
# queues, or is stuck) is not coming: the command runs the import itself (it is idempotent).
IMPORT_PICKUP_SECONDS = 30.0


def register(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.argument("email")
    @click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="The password (at least 10 characters); asked for twice, hidden, when left out.",
    )
    @click.option("--name", default=None, help="The person's name, shown to colleagues.")
    def create_admin(email: str, password: str, name: str | None) -> None:
        """Create an admin staff user who can sign in at /login."""
        from surveys.staff.accounts import create_staff

        user = _or_fail(lambda: create_staff(db.session, email, password, role="admin", name=name))
        db.session.commit()
        click.echo(f"Created admin {user.email} (id {user.id}); sign in at /login.")

    @app.cli.command("create-api-key")
    @click.argument("name")
    @click.option(
        "--role",
        type=click.Choice(ROLES),
        default="admin",
        show_default=True,
        help="admin: everything; agent: reads and rescue-task changes; analyst: reads only.",
    )
    def create_api_key_command(name: str, role: str) -> None:
        """Create an API key for an integration; the key is printed once and never again."""
        from surveys.staff.apikeys import create_api_key

        key, raw = _or_fail(lambda: create_api_key(db.session, name, role=role))
        db.session.commit()
        click.echo(f"Created {key.role} API key {key.name!r} ({key.prefix}):")
        click.echo(f"\n    {raw}\n")
        click.echo(
            "Copy it now: it is not shown again (only its hash is stored). "
            "Send it as 'Authorization: Bearer <key>'."
        )

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Add demo surveys, customers and answers (once), and process the answers."""
        summary = _seed()
        if summary.created and summary.response_ids:
            click.echo(f"{len(summary.response_ids)} responses {_processing_place()}.")

    @app.cli.command("import-customers")
    @click.argument(
        "file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
    )
    def import_customers_command(file: Path) -> None:
        """Import customers from a CSV file with a header row (external_id required).

        Columns: external_id, email, name, locale, timezone, stage, unsubscribed; any other
        column is an attribute. Runs as the Celery task kaiku.import_customers (in this process
        when no worker answers, or none has started it within 30 s) and shows its progress.
        Exits with status 1 when rows were
        refused (they are listed with their line numbers) or the file could not be read.
        """
        from surveys.customers import imports

        limit = current_app.config["IMPORT_MAX_BYTES"]
        if file.stat().st_size > limit:
            raise click.ClickException(f"{file.name} is larger than {limit // 1024} KiB.")
        started = _or_fail(lambda: imports.create_import(db.session, file.name, file.read_bytes()))
        db.session.commit()
        import_id, total = started.id, started.total_rows
        ended_in_error, how = _run_import(import_id)
        click.echo(f"Import {import_id}: {total} rows from {started.filename}, {how}.")
        done = _watch_import(import_id, total, ended_in_error)
        _echo_import_summary(done)
        if done.status == "failed" or imports.failed_rows(done):
            sys.exit(1)

    @app.cli.command("run-demo")
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=5000, show_default=True, type=int)
    def run_demo(host: str, port: int) -> None:
        """Serve Kaiku with the demo data and background processing, in one command.

        With Redis at REDIS_URL: a real Celery worker with embedded beat runs as a subprocess.
        Without: tasks run eagerly in-process and the periodic jobs in a thread.
        """
        from werkzeug.serving import run_simple

        flask_app = current_app._get_current_object()
        # SIGTERM (service managers, `timeout`) unwinds like Ctrl+C, so the worker is stopped too.
        previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        stop = None
        try:
            stop = _start_processing(flask_app)
            summary = _seed(show_admin=False)
            url = f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"
            click.echo(f"\nKaiku is at {url}/")
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


def _or_fail(call: Callable):
    """Run a service call; a KaikuError becomes a clean CLI error (exit status 1)."""
    try:
        return call()
    except KaikuError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc


def _seed(*, show_admin: bool = True):
    """Seed the demo on ``db.session`` and commit, which sends the answers' processing."""
    from app.demo.seed import seed_demo

    settings = current_app.extensions["kaiku_settings"]
    try:
        summary = seed_demo(db.session, settings)
        db.session.commit()  # sends the answers' processing
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


def _processing_place() -> str:
    """Where the answers' processing went when the seed committed, in words: run in this
    process when tasks are eager, else queued for the worker (which must run)."""
    if current_app.extensions["celery"].conf.task_always_eager:
        return "processed"
    return f"queued for the Celery worker on {maybe_sanitize_url(current_app.config['REDIS_URL'])}"


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


def _run_import(import_id: int) -> tuple[Callable[[], str | None] | None, str]:
    """Start the import task: on a Celery worker when one answers, else in this process.

    Returns how it runs, in words, and for the in-process run a function telling whether it
    ended in error (``_run_in_process``); None for the worker run, which ``_watch_import``
    takes over itself if no worker starts it in time. The task itself was sent by the commit
    that created the import (or, eager, has run already)."""
    celery_app = current_app.extensions["celery"]
    redis_url = current_app.config["REDIS_URL"]
    if (
        not celery_app.conf.task_always_eager
        and redis_answers(redis_url)
        and _worker_answers(celery_app)
    ):
        return None, f"on the Celery worker at {maybe_sanitize_url(redis_url)}"
    return _run_in_process(import_id), "in this process (no Celery worker answers)"


def _run_in_process(import_id: int) -> Callable[[], str | None]:
    """Run the import task here, in a thread (so the console can show progress). Returns a
    function: None while it runs, then the error it ended in ("" for none)."""
    from surveys.customers.imports import IMPORT_TASK
    from worker.aftercommit import task_named

    import_customers = task_named(current_app.extensions["celery"], IMPORT_TASK)
    failure: list[str] = []

    def run() -> None:
        try:
            import_customers.apply(args=[import_id], throw=True)
        except Exception as exc:  # reported on the console; the import row says where it stopped
            failure.append(f"{type(exc).__name__}: {exc}")

    thread = threading.Thread(target=run, name=f"import-{import_id}", daemon=True)
    thread.start()

    def ended_in_error() -> str | None:
        if thread.is_alive():
            return None
        return failure[0] if failure else ""

    return ended_in_error


def _worker_answers(celery_app) -> bool:
    try:
        return bool(celery_app.control.ping(timeout=1.0))
    except Exception:  # an unreachable broker raises several unrelated types
        return False


def _watch_import(import_id: int, total: int, ended_in_error: Callable[[], str | None] | None):
    """Follow the import's committed progress with a progress bar until it is done or failed.

    ``ended_in_error`` is the in-process run's (``_run_in_process``), None for a worker run:
    if no worker has started it after ``IMPORT_PICKUP_SECONDS``, it runs here instead (a
    worker that starts it late only races for batches, which one side wins: idempotent).
    """
    from surveys.models import CustomerImport

    def current() -> CustomerImport:
        db.session.rollback()  # a new transaction sees the worker's latest commit
        return db.session.get(CustomerImport, import_id, populate_existing=True)

    shown = 0
    waiting_since = time.monotonic() if ended_in_error is None else None
    with click.progressbar(length=total, label="Importing", show_pos=True) as bar:
        while True:
            now = current()
            bar.update(now.processed_rows - shown)
            shown = now.processed_rows
            if now.status in ("done", "failed"):
                return now
            if waiting_since is not None and now.status != "queued":
                waiting_since = None  # a worker has it
            elif waiting_since is not None:
                if time.monotonic() - waiting_since > IMPORT_PICKUP_SECONDS:
                    click.echo(
                        f"\nNo Celery worker started import {import_id} within "
                        f"{IMPORT_PICKUP_SECONDS:g} s; running it in this process instead."
                    )
                    waiting_since = None
                    ended_in_error = _run_in_process(import_id)
            elif ended_in_error is not None:
                error = ended_in_error()
                if error is not None:
                    now = current()  # it may have finished since the read above
                    if now.status in ("done", "failed"):
                        return now
                    if error:
                        db.session.rollback()
                        raise click.ClickException(
                            f"Import {import_id} stopped after {shown} rows: {error}"
                        )
                    ended_in_error = None  # a worker is ahead of this run: follow it
            time.sleep(0.2)


def _echo_import_summary(done) -> None:
    from surveys.customers.imports import failed_rows

    if done.status == "failed":
        reason = (done.errors or [{}])[-1].get("reason", "unknown reason")
        click.echo(f"Import {done.id} failed: {reason}")
        return
    refused = failed_rows(done)
    click.echo(
        f"Done: {done.created_count} created, {done.updated_count} updated, "
        f"{done.unchanged_count} unchanged, {refused} refused."
    )
    if refused:
        click.echo("Rows not imported:")
        for error in done.errors:
            click.echo(f"  line {error['line']}: {error['reason']}")
        if refused > len(done.errors):
            click.echo(f"  ... and {refused - len(done.errors)} more")
