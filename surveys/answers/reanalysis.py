"""Re-tagging history: after a taxonomy or method change, bring every response's language,
sentiment and themes to the current analysis version, in batches, with progress.

A run (``ReanalysisRun``) covers the processed responses that were stale when it started (their
``analysis_version`` is not the current one; ``all_responses`` takes every one). It walks them by
id: each batch starts after the run's cursor, and one message per batch carries that cursor
(``REANALYSE_TASK``), registered after the commit of the batch before it, so

- a batch redelivered after a crash, or sent again for a run that stalled, does its work once:
  it claims the batch by moving the cursor on only if the cursor is still the one it carries; a
  message whose cursor has passed does nothing, so a duplicate never starts a second chain;
- at most one run is running (a partial unique index), and starting while one runs returns it;
- a second run right after the first finds nothing: every response then has the current version.

Re-tagging writes language, the sentiment columns, themes and ``analysis_version`` only. It
never opens, reopens or closes rescue tasks or referrals, and leaves category, stage, revision
and processed_at alone; a response the customer changed since the batch read it (its revision
moved, or it waits for the pipeline again) is left to the pipeline, which tags it anyway.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exc, func, or_, select, update
from sqlalchemy.orm import Session

from surveys.answers.analysis.version import analysis_version
from surveys.answers.retagging import retag
from surveys.answers.taxonomy import load_taxonomy
from surveys.kernel import clock
from surveys.kernel.actor import SYSTEM, Actor
from surveys.kernel.aftercommit import run_after_commit
from surveys.kernel.errors import ForbiddenError, NotFoundError
from surveys.models import Customer, ReanalysisRun, Response

REANALYSE_TASK = "kaiku.reanalyse_batch"
# Responses per batch: large enough that a batch's fixed statements cost little per response,
# small enough that one commits in well under a second.
BATCH_SIZE = 1000
# A running run whose last batch committed longer ago than this has lost its message (a broker
# restarted without it): starting again, or the beat's check, sends its batch again.
STALLED_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class Started:
    run: ReanalysisRun
    new: bool  # False: a run was running already, and this is it


@dataclass(frozen=True)
class Batch:
    run_id: int
    looked_at: int
    retagged: int
    finished: bool
    next_after: int | None  # the cursor the next batch starts after; None when finished


def current_version(session: Session) -> str:
    """The analysis version a response tagged now records (method + taxonomy fingerprint)."""
    return analysis_version(load_taxonomy(session).fingerprint)


def _candidates(version: str, all_responses: bool):
    """Responses a run re-tags: processed ones, stale unless ``all_responses``."""
    condition = Response.processed_at.is_not(None)
    if not all_responses:
        stale = or_(Response.analysis_version.is_(None), Response.analysis_version != version)
        condition = condition & stale
    return condition


def count_stale(session: Session, version: str | None = None) -> int:
    """Processed responses whose analysis version is not ``version`` (the current one)."""
    version = version or current_version(session)
    return session.scalar(
        select(func.count()).select_from(Response).where(_candidates(version, False))
    )


def running_run(session: Session) -> ReanalysisRun | None:
    return session.scalars(select(ReanalysisRun).where(ReanalysisRun.status == "running")).first()


def latest_runs(session: Session, limit: int = 10) -> list[ReanalysisRun]:
    return list(
        session.scalars(select(ReanalysisRun).order_by(ReanalysisRun.id.desc()).limit(limit))
    )


def get_run(session: Session, run_id: int) -> ReanalysisRun:
    """:raises NotFoundError: no run with this id."""
    found = session.get(ReanalysisRun, run_id) if 0 < run_id < 2**31 else None
    if found is None:
        raise NotFoundError(f"No re-tagging run {run_id}.")
    return found


def start_run(
    session: Session,
    *,
    all_responses: bool = False,
    actor: Actor = SYSTEM,
    batch_size: int = BATCH_SIZE,
    enqueue: bool = True,
) -> Started:
    """Start re-tagging the stale responses (every processed one with ``all_responses``), or
    return the run already running (and send its batch again if it stalled).

    Flushes; with ``enqueue`` registers the first batch to run after the caller's commit (the
    command line's in-process run passes False and calls ``run_batch`` itself). A run with
    nothing to do is done at once.

    :raises ForbiddenError: ``actor`` is not an admin.
    """
    if not actor.is_admin:
        raise ForbiddenError(f"{actor.label} has the {actor.role} role and may not re-tag.")
    existing = running_run(session)
    if existing is not None:
        if enqueue and is_stalled(existing):
            resume(session, existing)
        return Started(existing, False)
    version = current_version(session)
    last_id = session.scalar(select(func.max(Response.id))) or 0
    total = session.scalar(
        select(func.count())
        .select_from(Response)
        .where(_candidates(version, all_responses), Response.id <= last_id)
    )
    now = clock.now()
    run = ReanalysisRun(
        status="running" if total else "done",
        target_version=version,
        all_responses=all_responses,
        batch_size=max(1, batch_size),
        last_id=last_id,
        total=total,
        created_by_id=actor.staff_id,
        started_at=now,
        updated_at=now,
        finished_at=None if total else now,
    )
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except exc.IntegrityError:  # another start won the race: theirs is the run
        return Started(running_run(session), False)
    if total and enqueue:
        run_after_commit(session, REANALYSE_TASK, [run.cursor])
    return Started(run, True)


def is_stalled(run: ReanalysisRun, now: datetime | None = None) -> bool:
    """Whether a running run has committed no batch for ``STALLED_AFTER``."""
    now = now or clock.now()
    return run.status == "running" and now - run.updated_at > STALLED_AFTER


def resume(session: Session, run: ReanalysisRun) -> bool:
    """Send a running run's next batch again (after its commit), from the cursor. Harmless when
    its message is only late: whichever arrives second finds the cursor moved and does nothing."""
    if run.status != "running":
        return False
    run_after_commit(session, REANALYSE_TASK, [run.cursor])
    return True


def resume_stalled(session: Session) -> ReanalysisRun | None:
    """The beat's check: resume the running run if it stalled; returns it then."""
    run = running_run(session)
    if run is not None and is_stalled(run):
        resume(session, run)
        return run
    return None


def run_batch(session: Session, after_id: int, *, enqueue_next: bool = True) -> Batch | None:
    """Re-tag the running run's next batch, the one after response ``after_id``; flushes.

    None when there is nothing to do: no run is running, or its cursor is not ``after_id`` (a
    duplicate or late message; another delivery did this batch). Otherwise the batch is claimed
    (the cursor moved on, the run's progress counted) before any response is written, so two
    deliveries of one message serialise on the run's row and the second finds it claimed. With
    ``enqueue_next`` the next batch is registered to run after the caller's commit.
    """
    run = running_run(session)
    if run is None or run.cursor != after_id:
        return None
    taxonomy = load_taxonomy(session)
    version = analysis_version(taxonomy.fingerprint)
    rows = session.execute(
        select(Response.id, Response.revision, Response.comment, Customer.locale)
        .join(Customer, Customer.id == Response.customer_id)
        .where(
            Response.id > after_id,
            Response.id <= run.last_id,
            _candidates(version, run.all_responses),
        )
        .order_by(Response.id)
        .limit(run.batch_size)
    ).all()
    finished = len(rows) < run.batch_size or rows[-1].id >= run.last_id
    cursor = run.last_id if finished else rows[-1].id
    run_id = run.id
    if not _claim(session, run_id, after_id, cursor, len(rows), finished):
        return None
    retagged = retag(session, rows, taxonomy, version)
    if retagged:
        runs = ReanalysisRun.__table__
        session.execute(
            update(runs).where(runs.c.id == run_id).values(retagged=runs.c.retagged + retagged)
        )
    session.expire(run)  # the updates above wrote it; read back when next asked
    if not finished and enqueue_next:
        run_after_commit(session, REANALYSE_TASK, [cursor])
    return Batch(run_id, len(rows), retagged, finished, None if finished else cursor)


def _claim(
    session: Session, run_id: int, after_id: int, cursor: int, count: int, finished: bool
) -> bool:
    """Move the run's cursor from ``after_id`` to ``cursor``, if no one else has: the row lock
    this takes (the database's on SQLite) holds a second delivery until this batch commits,
    and PostgreSQL then re-checks the condition on the committed row."""
    runs = ReanalysisRun.__table__
    now = clock.now()
    values: dict = {"cursor": cursor, "done": runs.c.done + count, "updated_at": now}
    if finished:
        # What was stale at the start may have been re-tagged by the pipeline since: the
        # total becomes what the run looked at, so a finished run reads 100 %.
        values |= {"status": "done", "finished_at": now, "total": runs.c.done + count}
    claimed = session.execute(
        update(runs)
        .where(runs.c.id == run_id, runs.c.cursor == after_id, runs.c.status == "running")
        .values(**values)
    ).rowcount
    return claimed == 1


@dataclass(frozen=True)
class Progress:
    """A run as the admin page and the console show it."""

    id: int
    status: str
    all_responses: bool
    target_version: str
    total: int
    done: int
    retagged: int
    percent: int
    rate: float  # responses looked at per second, so far
    started_at: datetime
    finished_at: datetime | None
    stalled: bool

    def as_json(self) -> dict:
        return {
            "id": self.id, "status": self.status, "all": self.all_responses,
            "version": self.target_version, "total": self.total, "done": self.done,
            "retagged": self.retagged, "percent": self.percent, "rate": round(self.rate, 1),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "finished": self.status == "done", "stalled": self.stalled,
        }  # fmt: skip


def progress(run: ReanalysisRun, now: datetime | None = None) -> Progress:
    now = now or clock.now()
    until = run.finished_at or (run.updated_at if run.done else now)
    seconds = max((until - run.started_at).total_seconds(), 1e-3)
    if run.status == "done":
        percent = 100
    else:
        percent = min(99, 100 * run.done // run.total) if run.total else 0
    return Progress(
        id=run.id, status=run.status, all_responses=run.all_responses,
        target_version=run.target_version, total=run.total, done=run.done,
        retagged=run.retagged, percent=percent, rate=run.done / seconds if run.done else 0.0,
        started_at=run.started_at, finished_at=run.finished_at, stalled=is_stalled(run, now),
    )  # fmt: skip
