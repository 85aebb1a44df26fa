"""Customer imports from the command line: ``flask import-customers FILE.csv`` runs the import
on a Celery worker (in this process when none answers or picks it up) and shows its progress."""

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from kombu.utils.url import maybe_sanitize_url

from app.cli import or_fail
from app.extensions import db
from app.probes import redis_answers

# A worker that answers the ping but leaves the import "queued" this long (it consumes other
# queues, or is stuck) is not coming: the command runs the import itself (it is idempotent).
IMPORT_PICKUP_SECONDS = 30.0


def register(app: Flask) -> None:
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
        started = or_fail(lambda: imports.create_import(db.session, file.name, file.read_bytes()))
        db.session.commit()
        import_id, total = started.id, started.total_rows
        ended_in_error, how = _run_import(import_id)
        click.echo(f"Import {import_id}: {total} rows from {started.filename}, {how}.")
        done = _watch_import(import_id, total, ended_in_error)
        _echo_import_summary(done)
        if done.status == "failed" or imports.failed_rows(done):
            sys.exit(1)


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
