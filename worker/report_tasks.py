"""Reports sent by email: the weekly digest (beat, Mondays at DIGEST_HOUR UTC)."""

import logging

from celery import shared_task
from flask import current_app

from app.extensions import db
from surveys.kernel import clock
from surveys.reports.digest_email import send_weekly_digests as queue_weekly_digests

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
