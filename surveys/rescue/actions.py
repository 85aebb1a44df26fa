"""What staff (or the API) do with a rescue task: assign it, move its status, add notes, write
to the customer. Every change is one history row (RescueTaskEvent) with its actor.

Statuses move along ``TRANSITIONS``:

- open → in_progress (taken), contacted (reached by phone, or a follow-up email), resolved
  (e.g. not actionable);
- in_progress → open (released), contacted, resolved;
- contacted → in_progress (the customer answered and there is more work), resolved;
- resolved is final; only an admin (a person or an API key) reopens it, to in_progress, which
  clears the outcome, the resolution and the win-back tracking.

Every action takes the ``Actor`` who acts (surveys.kernel.actor): an analyst, person or key,
changes nothing (ForbiddenError, 403); history rows and notes name the actor.

Resolving needs an ``outcome`` in OUTCOMES and a non-empty note. The first contact (a follow-up
sent, or the status set to contacted) records ``first_contact_at`` and ``sla_met`` =
first contact ≤ ``due_at``; later contacts change neither. Resolution starts win-back tracking
(``winback`` "pending", see ``surveys.rescue.winback``) unless the outcome is not_actionable,
and with ``resurvey_after_days`` schedules the same survey again for the customer.

A follow-up is a personal service email answering the customer's own feedback, not a survey:
it goes to customers who unsubscribed from surveys too (their unsubscribe link says "surveys"),
carries no List-Unsubscribe, and is refused for an address that bounced.

Services flush; the caller commits, which sends an email queued here (its delivery is
registered with it).
"""

from typing import Any

from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import ConflictError, ValidationError
from surveys.kernel.settings import Settings
from surveys.models import (
    OUTCOME_ALIASES,
    RESCUE_STATUSES,
    OutboxEmail,
    RescueNote,
    RescueTask,
    StaffUser,
)
from surveys.rescue.emails import queue_follow_up_email
from surveys.rescue.history import record
from surveys.rescue.opening import ASSIGNABLE_ROLES
from surveys.rescue.resolution import MAX_NOTE_LENGTH, check_resolution, schedule_resurvey

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "contacted", "resolved"),
    "in_progress": ("open", "contacted", "resolved"),
    "contacted": ("in_progress", "resolved"),
    "resolved": ("in_progress",),  # reopen: admins only
}
MAX_SUBJECT_LENGTH = 200
MAX_BODY_LENGTH = 10000
# Outcomes after which Kaiku watches for the customer's next answer (or renewal).
TRACKED_OUTCOMES = ("satisfied", "lost", "no_reply")
_CHANGE = "change rescue tasks"


def assign(session: Session, task: RescueTask, assignee: StaffUser | None, *, actor: Actor) -> None:
    """Give the task to ``assignee`` (an active agent or admin), or unassign it with None.

    Assigning the current assignee again changes nothing and writes no history.

    :raises ForbiddenError: ``actor`` may only read.
    :raises ValidationError: the assignee is inactive or not an agent or admin ("assignee").
    :raises ConflictError: the task is resolved ("assignee").
    """
    actor.require_changes(_CHANGE)
    if task.status == "resolved":
        raise ConflictError(
            "This task is resolved; reopen it before reassigning.",
            fields={"assignee": "task is resolved"},
        )
    if assignee is not None and (not assignee.active or assignee.role not in ASSIGNABLE_ROLES):
        raise ValidationError(
            f"{assignee.email} cannot take rescue tasks: only active agents and admins can.",
            fields={"assignee": "not an active agent or admin"},
        )
    before = task.assignee
    if (before.id if before else None) == (assignee.id if assignee else None):
        return
    task.assignee = assignee
    record(
        session,
        task,
        "assigned" if assignee else "unassigned",
        actor,
        **{"from": before.email if before else None, "to": assignee.email if assignee else None},
    )


def change_status(
    session: Session,
    task: RescueTask,
    status: str,
    *,
    actor: Actor,
    outcome: str | None = None,
    note: str | None = None,
    resurvey_after_days: int | None = None,
    settings: Settings,
) -> None:
    """Move the task to ``status`` along TRANSITIONS; the same status again is a no-op.

    ``outcome``, ``note`` (the resolution note) and ``resurvey_after_days`` belong to a
    resolution only. Everything is checked before anything changes.

    :raises ForbiddenError: ``actor`` may only read.
    :raises ValidationError: an unknown status, a missing or unknown outcome, an empty note, a
        bad number of days, or resolution fields without resolving (each field named).
    :raises ConflictError: a transition TRANSITIONS does not allow, or a reopen by a non-admin
        ("status").
    """
    actor.require_changes(_CHANGE)
    outcome = OUTCOME_ALIASES.get(outcome, outcome) if isinstance(outcome, str) else outcome
    if status not in RESCUE_STATUSES:
        raise ValidationError(
            f"Unknown status {status!r}.",
            fields={"status": f"one of {', '.join(RESCUE_STATUSES)}"},
        )
    resolving = status == "resolved" and task.status != "resolved"
    resolution_note = check_resolution(status, resolving, outcome, note, resurvey_after_days)
    if status == task.status:
        if status == "resolved" and (outcome, note, resurvey_after_days) != (None, None, None):
            raise ConflictError(
                "This task is already resolved; reopen it to resolve it again.",
                fields={"status": "already resolved"},
            )
        return
    if status not in TRANSITIONS[task.status]:
        raise ConflictError(
            f"A task cannot go from {task.status} to {status}.",
            fields={"status": f"{task.status} → {status} is not allowed"},
        )
    if task.status == "resolved" and not actor.is_admin:
        raise ConflictError(
            "Only an admin can reopen a resolved task.", fields={"status": "reopen needs admin"}
        )
    now = clock.now()
    before = task.status
    detail: dict[str, Any] = {"from": before, "to": status}
    task.status = status
    if status == "contacted" and _first_contact(task, now):
        detail["sla_met"] = task.sla_met
    if before == "resolved":
        _reopen(task)
    if resolving:
        task.outcome, task.resolution_note, task.resolved_at = outcome, resolution_note, now
        detail["outcome"] = outcome
        if outcome in TRACKED_OUTCOMES:
            task.winback = "pending"
    record(session, task, "reopened" if before == "resolved" else "status", actor, **detail)
    if resolving and resurvey_after_days is not None:
        schedule_resurvey(session, task, resurvey_after_days, actor, settings, now)


def add_note(session: Session, task: RescueTask, body: str, *, actor: Actor) -> RescueNote:
    """An internal note (never shown to the customer) by ``actor``; allowed on any task.

    :raises ForbiddenError: ``actor`` may only read.
    :raises ValidationError: an empty note or one over MAX_NOTE_LENGTH ("note").
    """
    actor.require_changes(_CHANGE)
    body = _text(body, "note", MAX_NOTE_LENGTH)
    note = RescueNote(
        task_id=task.id,
        author_id=actor.staff_id,
        author_kind=actor.kind,
        author_key_id=actor.key_id,
        author_label=actor.label,
        body=body,
    )
    task.notes.append(note)
    session.flush()
    record(session, task, "note", actor, note_id=note.id)
    return note


def send_follow_up(
    session: Session,
    task: RescueTask,
    *,
    actor: Actor,
    subject: str,
    body: str,
    settings: Settings,
) -> OutboxEmail:
    """Email the customer from the task, Reply-To the agent (a person ``actor``), through the
    outbox.

    The task moves to contacted (first contact and SLA recorded the first time) and, if no one
    had it, is assigned to the person acting. An API key's email goes out on behalf of the
    task's assignee: replies reach a person. The caller's commit sends it.

    :raises ForbiddenError: ``actor`` may only read.
    :raises ValidationError: an empty or multi-line subject, an empty or too long body, or a
        customer without a usable address ("subject", "body", "email").
    :raises ConflictError: the task is resolved, the customer's address bounced, or (an API
        key) the task has no active assignee to reply to ("assignee").
    """
    actor.require_changes(_CHANGE)
    if task.status == "resolved":
        raise ConflictError(
            "This task is resolved; reopen it to write to the customer.",
            fields={"status": "resolved"},
        )
    person = session.get(StaffUser, actor.staff_id) if actor.staff_id is not None else None
    sender = person if person is not None else task.assignee
    if sender is None or not sender.active:
        raise ConflictError(
            "Assign the task to an active agent first: the customer's reply goes to them.",
            fields={"assignee": "no active assignee to reply to"},
        )
    subject = _text(subject, "subject", MAX_SUBJECT_LENGTH)
    if "\n" in subject or "\r" in subject:
        raise ValidationError("The subject must be one line.", fields={"subject": "one line"})
    body = _text(body, "body", MAX_BODY_LENGTH)
    customer = task.customer
    if customer.bounced_at is not None:
        reason = f" ({customer.bounce_reason})" if customer.bounce_reason else ""
        raise ConflictError(
            f"Email to {customer.email} bounced{reason}; fix the customer's address first.",
            fields={"email": "bounced"},
        )
    outbox = queue_follow_up_email(
        session, task, sender=sender, subject=subject, body=body, settings=settings
    )
    if task.assignee is None:
        assign(session, task, sender, actor=actor)
    record(
        session,
        task,
        "follow_up",
        actor,
        outbox_id=outbox.id,
        subject=subject,
        to=outbox.to_address,
        reply_to=sender.email,
    )
    detail: dict[str, Any] = {"from": task.status, "to": "contacted"}
    if _first_contact(task, clock.now()):
        detail["sla_met"] = task.sla_met
    if task.status != "contacted":
        task.status = "contacted"
        record(session, task, "status", actor, **detail)
    return outbox


def _first_contact(task: RescueTask, now) -> bool:
    """Record the first contact and whether it met the SLA; True if this was the first."""
    if task.first_contact_at is not None:
        return False
    task.first_contact_at = now
    task.sla_met = now <= task.due_at
    return True


def _reopen(task: RescueTask) -> None:
    task.outcome = task.resolution_note = task.resolved_at = None
    task.winback = task.winback_at = None


def _text(value: Any, field: str, limit: int) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError(f"The {field} is empty.", fields={field: "required"})
    if len(text) > limit:
        raise ValidationError(
            f"The {field} is longer than {limit} characters.",
            fields={field: f"at most {limit} characters"},
        )
    return text
