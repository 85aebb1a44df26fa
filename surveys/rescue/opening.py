"""Rescue tasks: opening one for each unhappy answer, exactly once, with a priority, a due time,
the agent who handled the customer, and an assignee.

Rules for a new task:

- **priority** is high for a very negative comment (routing says so) or a high-value customer:
  ``customer.attributes[settings.rescue_value_attribute]`` is a number (or numeric text) of at
  least ``settings.rescue_high_value``; otherwise normal.
- **due_at** = the answer's time + ``settings.rescue_high_due`` (high) or ``settings.rescue_due``.
- **handled_by** is who handled the customer when the survey was sent, as recorded on the
  invitation then (surveys/handlers.py: the triggering event's ``agent``, ``agent_email`` or
  ``handled_by`` property, else the customer's ``support_agent`` attribute); for an invitation
  sent before that was recorded, the same rule now. None when neither is known.
- **assignee**: the account owner when ``customer.attributes[settings.rescue_owner_attribute]``
  names the email of an active staff user with role agent or admin; otherwise the active agent
  (role agent) with the fewest unresolved tasks, ties to the lowest id. The counts include the
  tasks assigned earlier in the same batch, so a burst is spread over the team. No active agent:
  the task stays unassigned (the queue's "unassigned" filter shows it).
- its history starts with "created" and, when assigned, "assigned" (by Kaiku: the system actor).
- a new high-priority task with an assignee queues a "task_assigned" email to them, and so does
  an unresolved task raised to high by a negative comment that came after the score; the
  caller's commit sends it (its delivery is registered with it).
"""

import heapq
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.delivery.handlers import handled_by
from surveys.kernel.actor import SYSTEM
from surveys.kernel.db import insert_for
from surveys.kernel.settings import Settings
from surveys.models import (
    Customer,
    Event,
    Invitation,
    RescueTask,
    RescueTaskEvent,
    Response,
    StaffUser,
)
from surveys.rescue.emails import queue_assigned_email
from surveys.rescue.history import actor_columns, emit_updated, history_event, task_data
from surveys.webhooks import emit_many

ASSIGNABLE_ROLES = ("agent", "admin")


@dataclass(frozen=True)
class RescueCase:
    """What opening a task needs to know about the answer behind it."""

    response_id: int
    customer_id: int
    survey_id: int
    answered_at: datetime
    priority: str  # routing's view: "high" for a very negative comment


def open_rescue_tasks(
    session: Session, cases: list[RescueCase], settings: Settings
) -> dict[int, int]:
    """Open a task for each case unless its response has one; returns {response_id: task_id}.

    A fixed number of statements per batch, idempotent behind the unique response id: a second
    call (or a racing worker) opens, assigns and emails nothing more. A task that exists and is
    not resolved is raised to high priority (and its due time brought forward) when its case is
    high: a negative comment that came after the score. Flushes, never commits.
    """
    if not cases:
        return {}
    facts = _case_facts(session, cases)
    rows = [_new_task_row(case, facts, settings) for case in cases]
    created = session.execute(
        insert_for(session, RescueTask)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["response_id"])
        .returning(RescueTask.id, RescueTask.response_id)
    ).all()
    new_ids = sorted(task_id for task_id, _ in created)
    if new_ids:
        _start_new_tasks(session, new_ids, facts, settings)
    _raise_priority(session, [case for case in cases if case.priority == "high"], settings)
    ids = [case.response_id for case in cases]
    return dict(
        session.execute(
            select(RescueTask.response_id, RescueTask.id).where(RescueTask.response_id.in_(ids))
        ).all()
    )


def is_high_value(attributes: dict[str, Any] | None, settings: Settings) -> bool:
    """Whether the customer's value attribute is a number at or above the high-value line."""
    value = (attributes or {}).get(settings.rescue_value_attribute)
    if isinstance(value, bool) or value is None:
        return False
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number >= settings.rescue_high_value


@dataclass
class _Facts:
    attributes: dict[int, dict[str, Any]]  # customer id → attributes
    properties: dict[int, dict[str, Any]]  # response id → triggering event's properties
    handlers: dict[int, str]  # response id → who handled the customer when it was sent
    answered_at: dict[int, datetime]  # response id → answered_at


def _case_facts(session: Session, cases: list[RescueCase]) -> _Facts:
    customer_ids = {case.customer_id for case in cases}
    attributes = dict(
        session.execute(
            select(Customer.id, Customer.attributes).where(Customer.id.in_(customer_ids))
        ).all()
    )
    properties: dict[int, dict[str, Any]] = {}
    handlers: dict[int, str] = {}
    for response_id, handler, props in session.execute(
        select(Response.id, Invitation.handled_by, Event.properties)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .outerjoin(Event, Event.id == Invitation.event_id)
        .where(Response.id.in_([case.response_id for case in cases]))
    ):
        if handler:
            handlers[response_id] = handler
        if props is not None:
            properties[response_id] = props
    answered = {case.response_id: case.answered_at for case in cases}
    return _Facts(attributes, properties, handlers, answered)


def _new_task_row(case: RescueCase, facts: _Facts, settings: Settings) -> dict[str, Any]:
    attributes = facts.attributes.get(case.customer_id) or {}
    high = case.priority == "high" or is_high_value(attributes, settings)
    return {
        "response_id": case.response_id,
        "customer_id": case.customer_id,
        "survey_id": case.survey_id,
        "status": "open",
        "priority": "high" if high else "normal",
        "due_at": case.answered_at + (settings.rescue_high_due if high else settings.rescue_due),
        # Recorded when the invitation went out; else worked out now (older invitations).
        "handled_by": facts.handlers.get(case.response_id)
        or handled_by(facts.properties.get(case.response_id), attributes),
    }


def _start_new_tasks(
    session: Session, task_ids: list[int], facts: _Facts, settings: Settings
) -> None:
    """Assign the just-created tasks, write their first history rows, email urgent assignees."""
    tasks = list(
        session.scalars(
            select(RescueTask).where(RescueTask.id.in_(task_ids)).order_by(RescueTask.id)
        )
    )
    staff = _assignable_staff(session)
    load = _AgentLoad(session, staff)
    history: list[dict[str, Any]] = []
    for task in tasks:
        history.append(_event(task.id, "created", priority=task.priority, due_at=task.due_at))
        owner_email = facts.attributes.get(task.customer_id, {}).get(
            settings.rescue_owner_attribute
        )
        owner = staff.get(owner_email.strip().lower()) if isinstance(owner_email, str) else None
        assignee, rule = (owner, "account_owner") if owner else (load.least_busy(), "fewest_open")
        if assignee is None:
            continue
        load.add(assignee)
        task.assignee = assignee
        history.append(_event(task.id, "assigned", to=assignee.email, rule=rule))
    if history:
        session.execute(RescueTaskEvent.__table__.insert(), history)
    session.flush()
    emit_many(session, "rescue_task.created", [task_data(task) for task in tasks])
    for task in tasks:
        if task.priority == "high" and task.assignee is not None:
            queue_assigned_email(session, task, settings)


def _assignable_staff(session: Session) -> dict[str, StaffUser]:
    """Active agents and admins by lower-case email."""
    users = session.scalars(
        select(StaffUser).where(StaffUser.active.is_(True), StaffUser.role.in_(ASSIGNABLE_ROLES))
    )
    return {user.email.lower(): user for user in users}


class _AgentLoad:
    """Active agents by their count of unresolved tasks, counting assignments as they happen."""

    def __init__(self, session: Session, staff: dict[str, StaffUser]) -> None:
        agents = {user.id: user for user in staff.values() if user.role == "agent"}
        counts = dict(
            session.execute(
                select(RescueTask.assignee_id, func.count())
                .where(RescueTask.assignee_id.in_(list(agents)), RescueTask.status != "resolved")
                .group_by(RescueTask.assignee_id)
            ).all()
        )
        self._agents = agents
        self._counts = {agent_id: counts.get(agent_id, 0) for agent_id in agents}
        self._heap = [(count, agent_id) for agent_id, count in self._counts.items()]
        heapq.heapify(self._heap)

    def least_busy(self) -> StaffUser | None:
        while self._heap:
            count, agent_id = self._heap[0]
            if count == self._counts[agent_id]:
                return self._agents[agent_id]
            heapq.heappop(self._heap)  # a stale entry: the agent got a task since
        return None

    def add(self, user: StaffUser) -> None:
        if user.id in self._counts:
            self._counts[user.id] += 1
            heapq.heappush(self._heap, (self._counts[user.id], user.id))


def _raise_priority(session: Session, urgent: list[RescueCase], settings: Settings) -> None:
    """Existing, unresolved normal tasks whose case became high: high, due sooner."""
    if not urgent:
        return
    answered = {case.response_id: case.answered_at for case in urgent}
    tasks = session.scalars(
        select(RescueTask).where(
            RescueTask.response_id.in_(answered),
            RescueTask.priority != "high",
            RescueTask.status != "resolved",
        )
    ).all()
    for task in tasks:
        task.priority = "high"
        task.due_at = min(task.due_at, answered[task.response_id] + settings.rescue_high_due)
        task.history.append(
            history_event(
                SYSTEM, "priority", **{"from": "normal", "to": "high"}, reason="negative comment"
            )
        )
    session.flush()
    for task in tasks:
        emit_updated(session, task, "priority", {"from": "normal", "to": "high"})
    for task in tasks:
        # Urgent now: its assignee hears of it as if it had been opened high (the usual path,
        # since the answer page saves the score before the comment).
        if task.assignee is not None and task.assignee.active:
            queue_assigned_email(session, task, settings)


def _event(task_id: int, action: str, **detail: Any) -> dict[str, Any]:
    detail = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in detail.items()}
    return {"task_id": task_id, "action": action, "detail": detail, **actor_columns(SYSTEM)}
