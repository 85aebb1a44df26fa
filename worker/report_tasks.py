"""Reports: the rollups' recount of stale cells, and the weekly digest (beat, Mondays at
DIGEST_HOUR UTC)."""

import logging

from celery import shared_task
from flask import current_app

from app.extensions import db
from surveys.kernel import clock
from surveys.models.rollups import REFRESH_TASK
from surveys.reports.digest_email import send_weekly_digests as queue_weekly_digests
from surveys.reports.rollups import refresh_all
from worker.app import FlaskBatchTask

log = logging.getLogger(__name__)


@shared_task(name="kaiku.send_weekly_digests")
def send_weekly_digests() -> int:
    """Queue last week's digest for each opted-in staff member; returns the emails queued.

    Idempotent: each member's digest of a week is claimed by a unique row in the same commit
    that queues it, so a second run in the same week (a retry, beat started twice) sends none.
    """
    outbox_ids = queue_weekly_digests(
        db.session, current_app.extensions["kaiku_settings"], clock.now()
    )
    db.session.commit()
    if outbox_ids:
        log.info("weekly digest: %d emails queued", len(outbox_ids))
    return len(outbox_ids)


@shared_task(name=REFRESH_TASK, base=FlaskBatchTask, flush_every=1000, flush_interval=1.0)
def refresh_rollups(requests) -> int:
    """Recount the stale rollup cells of the surveys the messages name (a message without
    ids, beat's sweep: of every survey), a batch of cells per commit; returns the cells
    recounted.

    Every commit that marks cells stale sends one message; the worker buffers them (up to a
    second) and recounts once per burst, so a burst of answers or sends costs one recount of
    its cells, not one per answer. Safe to run twice or at once: each batch claims its cells
    (``FOR UPDATE SKIP LOCKED``), and a recount is exact whatever the cell held before.
    """
    survey_ids: set[int] | None = set()
    for request in requests:
        ids = request.args[0] if request.args else None
        if ids is None:
            survey_ids = None
            break
        survey_ids.update(ids)
    return refresh_all(db.session, survey_ids)
