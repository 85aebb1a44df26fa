"""Rescue tasks: escalation of overdue tasks (beat, every ESCALATE_EVERY_SECONDS)."""

import logging

from celery import shared_task
from flask import current_app

from app.extensions import db
from surveys.rescue.escalation import escalate_overdue

log = logging.getLogger(__name__)


@shared_task(name="kaiku.escalate_overdue_rescue_tasks")
def escalate_overdue_rescue_tasks() -> int:
    """Flag overdue tasks once and email the admins; returns the number of emails queued.

    The commit sends the emails: a second run finds the tasks escalated and sends nothing.
    """
    outbox_ids = escalate_overdue(db.session, current_app.extensions["kaiku_settings"])
    db.session.commit()
    if outbox_ids:
        log.info("escalated overdue rescue tasks; %d emails queued", len(outbox_ids))
    return len(outbox_ids)
