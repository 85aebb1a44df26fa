"""Retention (beat, daily): comments older than their survey's retention are deleted."""

import logging

from celery import shared_task
from flask import current_app

from app.extensions import db
from surveys.kernel import clock
from surveys.privacy.retention import apply_retention

log = logging.getLogger(__name__)


@shared_task(name="kaiku.apply_retention")
def apply_retention_task() -> int:
    """Delete what retention names now (``surveys.privacy.retention``); returns the rows gone.

    Idempotent: a second run finds nothing older than the cut-off left to delete."""
    settings = current_app.extensions["kaiku_settings"]
    done = apply_retention(db.session, clock.now(), settings.retention_months)
    db.session.commit()
    total = sum(item.total for item in done)
    if total:
        log.info("retention deleted %d rows from %d surveys", total, len(done))
    return total
