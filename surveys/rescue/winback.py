"""Win-back: did a rescued customer come back? Decided by their next move after resolution.

A resolved task tracked for win-back (``winback`` "pending", see ``rescue_actions``) is decided
by the first of:

- the customer's next answer to any survey, answered after the task was resolved (not the
  answer that opened the task): "won_back" when it is 7 or more on NPS (4+ on CSAT, 5+ on CES:
  out of the negative category and the middle one's lower part, i.e. passive-or-better on NPS,
  satisfied on CSAT, low effort on CES), "not_won_back" when lower;
- an event after resolution: ``renewed`` → "won_back", ``cancelled`` → "not_won_back".

A decision is final (a later answer does not change it; a reopened task starts over). A win back
moves the customer from ``at_risk`` to ``active`` (cause "rescue"); a customer whose stage moved
on meanwhile (loyal after renewing, churned after cancelling) keeps it. Each decision is a
"winback" history row (by Kaiku, the system actor). Both functions flush; the caller commits.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.customers.stages import move_stage
from surveys.kernel.actor import SYSTEM
from surveys.models import Customer, Event, RescueTask
from surveys.rescue.history import history_event

# The lowest score that counts as won back, per survey kind.
WON_BACK_FROM = {"nps": 7, "csat": 4, "ces": 5}
WON_BACK_EVENTS = ("renewed",)
LOST_EVENTS = ("cancelled",)


class AnswerLike(Protocol):
    """A processed answer (``surveys.customers.stages.Answer`` fits)."""

    response_id: int
    customer_id: int
    kind: str
    score: int
    answered_at: datetime


def on_responses(session: Session, responses: Iterable[AnswerLike]) -> list[RescueTask]:
    """Decide pending win-backs by these answers; returns the tasks decided."""
    by_customer: dict[int, list[AnswerLike]] = defaultdict(list)
    for answer in responses:
        by_customer[answer.customer_id].append(answer)
    decided = []
    for task in _pending(session, by_customer):
        later = sorted(
            (
                a
                for a in by_customer[task.customer_id]
                if a.response_id != task.response_id and a.answered_at > task.resolved_at
            ),
            key=lambda a: (a.answered_at, a.response_id),
        )
        if not later:
            continue
        answer = later[0]
        won = answer.score >= WON_BACK_FROM[answer.kind]
        _decide(
            session,
            task,
            "won_back" if won else "not_won_back",
            answer.answered_at,
            {"response_id": answer.response_id, "score": answer.score, "kind": answer.kind},
            response_id=answer.response_id,
        )
        decided.append(task)
    session.flush()
    return decided


def on_events(session: Session, events: Sequence[Event]) -> list[RescueTask]:
    """Decide pending win-backs by ``renewed`` / ``cancelled`` events; returns the tasks decided."""
    by_customer: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        if event.name in WON_BACK_EVENTS + LOST_EVENTS:
            by_customer[event.customer_id].append(event)
    decided = []
    for task in _pending(session, by_customer):
        later = sorted(
            (e for e in by_customer[task.customer_id] if e.occurred_at > task.resolved_at),
            key=lambda e: (e.occurred_at, e.id),
        )
        if not later:
            continue
        event = later[0]
        _decide(
            session,
            task,
            "won_back" if event.name in WON_BACK_EVENTS else "not_won_back",
            event.occurred_at,
            {"event_id": event.id, "event": event.name},
            event_id=event.id,
        )
        decided.append(task)
    session.flush()
    return decided


def _pending(session: Session, customer_ids: Iterable[int]) -> list[RescueTask]:
    ids = list(customer_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(RescueTask)
            .where(
                RescueTask.customer_id.in_(ids),
                RescueTask.winback == "pending",
                RescueTask.resolved_at.is_not(None),
            )
            .order_by(RescueTask.id)
        )
    )


def _decide(
    session: Session,
    task: RescueTask,
    state: str,
    at: datetime,
    detail: dict[str, Any],
    *,
    response_id: int | None = None,
    event_id: int | None = None,
) -> None:
    task.winback, task.winback_at = state, at
    task.history.append(history_event(SYSTEM, "winback", to=state, **detail))
    customer: Customer = task.customer
    if state == "won_back" and customer.stage == "at_risk":
        move_stage(
            session,
            customer,
            "active",
            cause="rescue",
            detail=f"won back after rescue task #{task.id}",
            response_id=response_id,
            event_id=event_id,
            at=at,
        )
