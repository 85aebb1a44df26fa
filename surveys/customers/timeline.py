"""A customer's timeline: everything Kaiku knows happened to them, newest first.

Events, invitations (with status and suppression reason), answers, rescue tasks, lifecycle
stage changes and staff replies (who wrote, the subject), merged into one list for the agent
working a rescue task. One query per kind
(plus one for the answers' themes), whatever the customer's history holds.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from surveys.kernel.formatting import format_moment
from surveys.models import (
    Customer,
    CustomerReply,
    Event,
    Invitation,
    RescueTask,
    Response,
    StageChange,
)

# Entries of one kind kept at most, newest first: a timeline is read, not exported.
DEFAULT_LIMIT = 100
# Event properties shown inline, and how long one value may be before it is cut.
MAX_PROPERTIES = 6
MAX_VALUE_LENGTH = 60
KINDS = ("event", "invitation", "response", "rescue_task", "stage_change", "reply")
# On the same instant, what happened later in the flow comes first (newest first).
_ORDER = {kind: n for n, kind in enumerate(reversed(KINDS))}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline.

    ``link`` names what the entry is about as ``(kind, id)`` (e.g. ``("rescue_task", 7)``), for
    the page to turn into a URL; ``facts`` carries what a page may show beyond the text (a
    response's score, comment and sentiment; an invitation's status; a task's status).
    """

    kind: str
    at: datetime
    title: str
    detail: str | None = None
    link: tuple[str, int] | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def customer_timeline(
    session: Session, customer: Customer, *, limit: int = DEFAULT_LIMIT, locale: str = "en"
) -> list[TimelineEntry]:
    """Every event, invitation, answer, rescue task and stage change of ``customer``, newest
    first; read-only. At most ``limit`` entries of each kind (the newest); the times in the
    details are written in the reader's format ``locale`` (``surveys.kernel.formatting``)."""
    entries = [
        *_events(session, customer.id, limit),
        *_invitations(session, customer.id, limit, locale),
        *_responses(session, customer.id, limit),
        *_tasks(session, customer.id, limit),
        *_stage_changes(session, customer.id, limit),
        *_replies(session, customer.id, limit),
    ]
    entries.sort(key=lambda e: (e.at, _ORDER[e.kind], e.link[1] if e.link else 0), reverse=True)
    return entries


def _events(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    rows = session.execute(
        select(Event.id, Event.name, Event.properties, Event.occurred_at)
        .where(Event.customer_id == customer_id)
        .order_by(Event.occurred_at.desc(), Event.id.desc())
        .limit(limit)
    ).all()
    return [
        TimelineEntry(
            kind="event",
            at=row.occurred_at,
            title=row.name,
            detail=describe_properties(row.properties),
            link=("event", row.id),
            facts={"name": row.name},
        )
        for row in rows
    ]


def describe_properties(properties: dict[str, Any] | None) -> str | None:
    """``{"plan": "pro", "seats": 5}`` → ``"plan: pro · seats: 5"``, cut to a readable length."""
    if not properties:
        return None
    parts = []
    for key, value in list(properties.items())[:MAX_PROPERTIES]:
        text = str(value)
        if len(text) > MAX_VALUE_LENGTH:
            text = text[: MAX_VALUE_LENGTH - 1] + "…"
        parts.append(f"{key}: {text}")
    more = len(properties) - MAX_PROPERTIES
    if more > 0:
        parts.append(f"+{more} more")
    return " · ".join(parts)


def _invitations(
    session: Session, customer_id: int, limit: int, locale: str
) -> list[TimelineEntry]:
    invitations = session.scalars(
        select(Invitation)
        .where(Invitation.customer_id == customer_id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(limit)
    ).all()
    entries = []
    for inv in invitations:
        detail = [f"by {inv.channel}"]
        if inv.sent_at is not None:
            detail.append(f"sent {format_moment(inv.sent_at, locale)} UTC")
        elif inv.scheduled_for is not None and inv.status == "scheduled":
            detail.append(f"scheduled for {format_moment(inv.scheduled_for, locale)} UTC")
        if inv.reminded_at is not None:
            detail.append("reminded")
        if inv.reason:
            detail.append(inv.reason)
        entries.append(
            TimelineEntry(
                kind="invitation",
                at=inv.created_at,
                title=f"Invited to {inv.survey.name}",
                detail=" · ".join(detail),
                link=("invitation", inv.id),
                facts={"status": inv.status, "reason": inv.reason, "survey": inv.survey.name},
            )
        )
    return entries


def _responses(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    responses = session.scalars(
        select(Response)
        .options(selectinload(Response.themes))
        .where(Response.customer_id == customer_id)
        .order_by(Response.answered_at.desc(), Response.id.desc())
        .limit(limit)
    ).unique()
    return [
        TimelineEntry(
            kind="response",
            at=r.answered_at,
            title=f"Answered {r.score} to {r.survey.name}",
            detail=", ".join(filter(None, [_label(r.category), r.channel])) or None,
            link=("response", r.id),
            facts={
                "score": r.score,
                "survey_kind": r.survey.kind,
                "comment": r.comment,
                "language": r.language,
                "sentiment": r.sentiment_label,
                "polarity": r.sentiment_polarity,
                "themes": r.theme_names,
            },
        )
        for r in responses
    ]


def _tasks(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    tasks = session.scalars(
        select(RescueTask)
        .options(selectinload(RescueTask.assignee))
        .where(RescueTask.customer_id == customer_id)
        .order_by(RescueTask.created_at.desc(), RescueTask.id.desc())
        .limit(limit)
    ).unique()
    entries = []
    for task in tasks:
        detail = [f"{task.priority} priority"]
        if task.assignee is not None:
            detail.append(f"assigned to {task.assignee.name or task.assignee.email}")
        if task.outcome:
            detail.append(f"outcome {_label(task.outcome)}")
        if task.winback:
            detail.append(f"win-back {_label(task.winback)}")
        entries.append(
            TimelineEntry(
                kind="rescue_task",
                at=task.created_at,
                title=f"Rescue task #{task.id}: {_label(task.status)}",
                detail=" · ".join(detail),
                link=("rescue_task", task.id),
                facts={"status": task.status, "outcome": task.outcome},
            )
        )
    return entries


def _stage_changes(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    changes = session.scalars(
        select(StageChange)
        .where(StageChange.customer_id == customer_id)
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc())
        .limit(limit)
    ).all()
    return [
        TimelineEntry(
            kind="stage_change",
            at=change.changed_at,
            title=(
                f"Stage {_label(change.from_stage)} → {_label(change.to_stage)}"
                if change.from_stage
                else f"Stage set to {_label(change.to_stage)}"
            ),
            detail=" · ".join(filter(None, [f"by {change.cause}", change.detail])),
            link=("stage_change", change.id),
            facts={"from": change.from_stage, "to": change.to_stage, "cause": change.cause},
        )
        for change in changes
    ]


def _replies(session: Session, customer_id: int, limit: int) -> list[TimelineEntry]:
    replies = session.scalars(
        select(CustomerReply)
        .where(CustomerReply.customer_id == customer_id)
        .order_by(CustomerReply.created_at.desc(), CustomerReply.id.desc())
        .limit(limit)
    ).all()
    return [
        TimelineEntry(
            kind="reply",
            at=reply.created_at,
            title=f"Reply from {reply.sender_label}: {reply.subject}",
            detail=f"to {reply.to_address}",
            link=("reply", reply.id),
            facts={
                "sender": reply.sender_label,
                "subject": reply.subject,
                "response_id": reply.response_id,
            },
        )
        for reply in replies
    ]


def _label(value: str | None) -> str:
    return (value or "").replace("_", " ")
