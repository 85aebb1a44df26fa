"""Rescue tasks: escalation of overdue tasks (beat, every ESCALATE_EVERY_SECONDS)."""

import logging

from celery import shared_task
from flask import current_app

from app.extensions import db
from surveys.rescue.escalation import escalate_overdue
from surveys.rescue.opening import queued_task_emails
from worker.enqueue import enqueue

log = logging.getLogger(__name__)


@shared_task(name="kaiku.escalate_overdue_rescue_tasks")
def escalate_overdue_rescue_tasks() -> int:
    """Flag overdue tasks once and email the admins; returns the number of emails queued.

    Commits, then enqueues delivery: a second run finds the tasks escalated and sends nothing.
    """
    from worker.tasks import deliver_email  # worker.tasks imports this module at its end

    outbox_ids = escalate_overdue(db.session, current_app.extensions["kaiku_settings"])
    db.session.commit()
    for outbox_id in outbox_ids:
        enqueue(deliver_email, outbox_id)
    if outbox_ids:
        log.info("escalated overdue rescue tasks; %d emails queued", len(outbox_ids))
    return len(outbox_ids)


def deliver_task_emails(task_ids: list[int | None]) -> None:
    """Enqueue delivery of the "task_assigned" emails processing queued for these tasks; call
    after the commit (``worker.tasks._process_batch`` does)."""
    from worker.tasks import deliver_email

    for outbox_id in queued_task_emails(db.session, task_ids):
        enqueue(deliver_email, outbox_id)
