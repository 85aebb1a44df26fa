"""Re-tagging from the command line: ``flask reprocess`` brings every response's language,
sentiment and themes to the current analysis version, on the Celery worker (in this process when
no worker answers, or with ``--eager``), and prints its progress."""

import time

import click
from flask import Flask, current_app
from kombu.utils.url import maybe_sanitize_url

from app.extensions import db
from app.probes import redis_answers

# How often ``--wait`` reads the run's committed progress.
POLL_SECONDS = 1.0


def register(app: Flask) -> None:
    from surveys.answers.reanalysis import BATCH_SIZE

    @app.cli.command("reprocess")
    @click.option(
        "--all", "all_responses", is_flag=True,
        help="Re-tag every processed response, not only those of another analysis version.",
    )  # fmt: skip
    @click.option("--wait", is_flag=True, help="Follow the worker's progress until it is done.")
    @click.option(
        "--eager", is_flag=True, help="Run in this process, without a worker (e.g. SQLite)."
    )
    @click.option(
        "--batch-size", type=click.IntRange(1, 10_000), default=BATCH_SIZE, show_default=True,
        help="Responses per batch (one task each).",
    )  # fmt: skip
    def reprocess_command(all_responses: bool, wait: bool, eager: bool, batch_size: int) -> None:
        """Re-tag history after a theme taxonomy or analysis method change.

        Updates language, sentiment, themes and the analysis version only: never rescue tasks,
        referrals, categories or stages. Only responses whose analysis version is not the
        current one are re-tagged (all with --all), so running it again right after finds
        nothing. Starting while a run is running follows that run instead of starting another.
        """
        from surveys.answers import reanalysis

        in_process = eager or not _worker_answers()
        started = reanalysis.start_run(
            db.session, all_responses=all_responses, batch_size=batch_size, enqueue=not in_process
        )
        db.session.commit()
        run = started.run
        if started.new and run.status == "done":
            click.echo(f"Nothing to re-tag: every response has version {run.target_version}.")
            return
        where = (
            "in this process"
            if in_process
            else f"on the Celery worker at {maybe_sanitize_url(current_app.config['REDIS_URL'])}"
        )
        if started.new:
            click.echo(
                f"Run {run.id}: re-tagging {run.total} responses to analysis version "
                f"{run.target_version}, {where}."
            )
        else:
            click.echo(f"Run {run.id} is already running ({run.done} of {run.total}); {where}.")
        if in_process:
            _run_here(run.id)
        elif wait:
            _follow(run.id)
        else:
            click.echo("Its progress: /admin/reanalysis, or flask reprocess --wait.")
            return
        _echo_summary(run.id)


def _worker_answers() -> bool:
    """Whether a Celery worker answers a ping (tasks are not eager and Redis answers)."""
    celery_app = current_app.extensions["celery"]
    if celery_app.conf.task_always_eager or not redis_answers(current_app.config["REDIS_URL"]):
        return False
    try:
        return bool(celery_app.control.ping(timeout=1.0))
    except Exception:  # an unreachable broker raises several unrelated types
        return False


def _current(run_id: int):
    from surveys.answers.reanalysis import get_run

    db.session.rollback()  # a new transaction sees the latest commit
    return get_run(db.session, run_id)


def _echo_progress(run) -> None:
    from surveys.answers.reanalysis import progress

    p = progress(run)
    click.echo(
        f"  {p.done} of {p.total} responses ({p.percent} %), {p.retagged} re-tagged, "
        f"{p.rate:,.0f} responses/s"
    )


def _run_here(run_id: int) -> None:
    """Run the batches in this process, one commit each, printing a line per batch."""
    from surveys.answers import reanalysis

    run = _current(run_id)
    while run.status == "running":
        batch = reanalysis.run_batch(db.session, run.cursor, enqueue_next=False)
        if batch is None:  # a worker took it over after all: follow it
            db.session.rollback()
            _follow(run_id)
            return
        db.session.commit()
        run = _current(run_id)
        _echo_progress(run)


def _follow(run_id: int) -> None:
    """Print the run's progress each time it moves, until it is done."""
    shown = -1
    while True:
        run = _current(run_id)
        if run.done != shown:
            _echo_progress(run)
            shown = run.done
        if run.status == "done":
            return
        time.sleep(POLL_SECONDS)


def _echo_summary(run_id: int) -> None:
    from surveys.answers.reanalysis import progress

    p = progress(_current(run_id))
    seconds = ((p.finished_at or p.started_at) - p.started_at).total_seconds()
    click.echo(
        f"Done: {p.done} responses looked at, {p.retagged} re-tagged to {p.target_version} "
        f"in {seconds:.1f} s ({p.rate:,.0f} responses/s)."
    )
