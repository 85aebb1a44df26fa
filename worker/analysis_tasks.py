"""Re-tagging tasks: one batch of a re-tagging run per message, each sending the next after its
commit (``surveys.answers.reanalysis``), and the beat's check for a run that lost its message."""

import logging

from celery import shared_task

from app.extensions import db
from surveys.answers import reanalysis
from surveys.answers.reanalysis import REANALYSE_TASK
from worker.batching import TRANSIENT_DB

log = logging.getLogger(__name__)


@shared_task(
    name=REANALYSE_TASK,
    bind=True,
    autoretry_for=TRANSIENT_DB,
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def reanalyse_batch(self, after_id: int) -> int:
    """Re-tag the running run's batch after response ``after_id``; returns how many it looked at.

    Idempotent: a message whose cursor the run has passed (a redelivery, a second resume) does
    nothing. The commit sends the next batch. Run eagerly (tests, the demo without Redis), it
    runs every batch here instead, committing each, rather than nesting one commit's eager run
    inside the last's.
    """
    looked_at = 0
    while True:
        try:
            batch = reanalysis.run_batch(
                db.session, after_id, enqueue_next=not self.request.is_eager
            )
        except Exception:
            db.session.rollback()
            raise
        if batch is None:
            db.session.rollback()
            if not looked_at:
                log.info("re-tagging batch after %s: claimed elsewhere or no run", after_id)
            return looked_at
        db.session.commit()
        looked_at += batch.looked_at
        if batch.finished:
            log.info("re-tagging run %s finished", batch.run_id)
            return looked_at
        if not self.request.is_eager:
            return looked_at
        after_id = batch.next_after


@shared_task(name="kaiku.resume_stalled_reanalysis")
def resume_stalled_reanalysis() -> int | None:
    """Send a running re-tagging run's batch again when it has not moved for a minute."""
    run = reanalysis.resume_stalled(db.session)
    stalled = (run.id, run.cursor) if run is not None else None
    if stalled:  # before the commit, which sends the batch (or, eager, runs it)
        log.warning("re-tagging run %s stalled at response %s; its batch is sent again", *stalled)
    db.session.commit()
    return stalled[0] if stalled else None
