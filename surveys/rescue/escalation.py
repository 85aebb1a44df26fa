"""Escalating overdue rescue tasks: flag them once and tell every active admin.

A task is overdue by ``RescueTask.is_overdue``: not resolved, no first contact yet, past its
due time. Each overdue task is escalated once (``escalated_at``, a "escalated" history row by
Kaiku); a run that finds new ones sends one email per active admin listing all of them
(outbox kind "escalation"). Tasks escalated earlier are not listed again, so admins are not
spammed every few minutes; the queue keeps showing them as overdue and escalated.
"""

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.actor import SYSTEM
from surveys.kernel.settings import Settings
from surveys.models import RescueTask, StaffUser
from surveys.rescue.emails import queue_escalation_emails
from surveys.rescue.history import emit_updated, history_event

log = logging.getLogger(__name__)

# One run escalates at most this many tasks; the next run takes the rest.
MAX_PER_RUN = 1000


def overdue_unescalated(session: Session, now=None, *, lock: bool = False) -> list[RescueTask]:
    """Overdue tasks not escalated yet, most overdue first. With ``lock`` (PostgreSQL) the rows
    are claimed ``FOR UPDATE SKIP LOCKED``, so two runs at once never escalate one task twice."""
    now = now or clock.now()
    stmt = (
        select(RescueTask)
        .where(
            RescueTask.status != "resolved",
            RescueTask.first_contact_at.is_(None),
            RescueTask.due_at < now,
            RescueTask.escalated_at.is_(None),
        )
        .order_by(RescueTask.due_at, RescueTask.id)
        .limit(MAX_PER_RUN)
    )
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=RescueTask)
    return list(session.scalars(stmt))


def escalate_overdue(session: Session, settings: Settings) -> list[int]:
    """Escalate every overdue task not escalated yet; returns the ids of the emails queued.

    Flushes; the caller's commit sends the emails (their delivery is registered).
    """
    now = clock.now()
    tasks = overdue_unescalated(session, now, lock=True)
    if not tasks:
        return []
    for task in tasks:
        task.escalated_at = now
        detail = {"due_at": task.due_at.isoformat(), "overdue_hours": _hours(now, task)}
        task.history.append(history_event(SYSTEM, "escalated", **detail))
        emit_updated(session, task, "escalated", detail)
    admins = list(
        session.scalars(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.role == "admin")
            .order_by(StaffUser.id)
        )
    )
    if not admins:
        log.warning("%d rescue tasks are overdue and there is no active admin to tell", len(tasks))
    emails = queue_escalation_emails(session, tasks, admins, settings) if admins else []
    session.flush()
    return [email.id for email in emails]


def _hours(now, task: RescueTask) -> float:
    return round((now - task.due_at).total_seconds() / 3600, 1)
