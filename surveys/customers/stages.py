"""Lifecycle stages: every move of a customer's stage, kept with its cause and time.

Stages move by events (the configurable ``stage_events`` mapping), by feedback (an unhappy answer
→ at_risk, an NPS promoter → loyal), by a converted referral (→ advocate), by rescue work, or
when an integrator, an import or an admin sets them. Every move goes through ``move_stage`` so the
history is complete.

Signals arrive out of order (a backfilled event, a late worker), so automatic moves are ordered
by when their cause happened: an event or an answer older than the customer's latest recorded
change does not overwrite it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.errors import ValidationError
from surveys.models import STAGES, Customer, Event, StageChange
from surveys.webhooks import emit

CAUSES = ("event", "feedback", "referral", "rescue", "api", "import", "admin")
MAX_DETAIL_LENGTH = 300
# Feedback never moves these: a churned customer comes back by an event (renewed, signed_up),
# not by answering a survey.
FEEDBACK_FROZEN = frozenset({"churned"})
# What an answer says about the relationship, by survey kind and category. Only NPS measures
# loyalty; a satisfied CSAT or an easy CES is about one interaction, so it moves nothing, while
# an unhappy one of any kind is a warning worth acting on.
FEEDBACK_STAGES = {
    ("nps", "detractor"): "at_risk",
    ("nps", "promoter"): "loyal",
    ("csat", "dissatisfied"): "at_risk",
    ("ces", "high_effort"): "at_risk",
}
# A move to the first stage is skipped for customers already in one of the second: a promoter
# answer does not demote an advocate to loyal.
NOT_BELOW = {"loyal": frozenset({"advocate"})}


@dataclass(frozen=True)
class Answer:
    """A processed answer, as the pipeline hands it to ``apply_feedback``."""

    response_id: int
    customer_id: int
    kind: str
    category: str
    score: int
    answered_at: datetime


def move_stage(
    session: Session,
    customer: Customer,
    to_stage: str,
    *,
    cause: str,
    detail: str | None = None,
    event_id: int | None = None,
    response_id: int | None = None,
    at: datetime | None = None,
    initial: bool = False,
) -> StageChange | None:
    """Move ``customer`` to ``to_stage`` and record why; None when they are already there.

    ``at`` is when the move happened (default now). ``initial`` records a new customer's first
    stage (from None). Adds the StageChange (flushed with the session); the caller commits.

    :raises ValidationError: an unknown stage or cause.
    """
    if to_stage not in STAGES:
        raise ValidationError(f"Unknown stage {to_stage!r}.", fields={"stage": "unknown"})
    if cause not in CAUSES:
        raise ValidationError(f"Unknown stage cause {cause!r}.", fields={"cause": "unknown"})
    from_stage = None if initial else customer.stage
    if from_stage == to_stage:
        return None
    change = StageChange(
        customer_id=customer.id,
        from_stage=from_stage,
        to_stage=to_stage,
        cause=cause,
        detail=detail[:MAX_DETAIL_LENGTH] if detail else None,
        event_id=event_id,
        response_id=response_id,
        changed_at=at or clock.now(),
    )
    customer.stage = to_stage
    session.add(change)
    emit(
        session,
        "customer.stage_changed",
        {"customer": customer.external_id, "from": from_stage, "to": to_stage, "cause": cause,
         "detail": change.detail, "changed_at": change.changed_at},
    )  # fmt: skip
    return change


def stage_history(session: Session, customer: Customer) -> list[StageChange]:
    """The customer's stage changes, oldest first."""
    return list(
        session.scalars(
            select(StageChange)
            .where(StageChange.customer_id == customer.id)
            .order_by(StageChange.changed_at, StageChange.id)
        )
    )


def apply_event_stages(
    session: Session, events: Sequence[Event], stage_events: dict[str, str]
) -> list[StageChange]:
    """Move each event's customer to the stage its name maps to, oldest event first.

    An event older than the customer's latest stage change moves nothing (it is history, not
    news). The change is dated at the event's occurred_at (never in the future). Flushes.
    """
    mapped = [event for event in events if event.name in stage_events]
    if not mapped:
        return []
    latest = latest_change_times(session, {event.customer_id for event in mapped})
    now = clock.now()
    changes = []
    for event in sorted(mapped, key=lambda e: (e.occurred_at, e.id)):
        at = min(event.occurred_at, now)
        if _is_stale(latest, event.customer_id, at):
            continue
        change = move_stage(
            session,
            event.customer,
            stage_events[event.name],
            cause="event",
            detail=event.name,
            event_id=event.id,
            at=at,
        )
        if change is not None:
            latest[event.customer_id] = at
            changes.append(change)
    session.flush()
    return changes


def feedback_stage(kind: str, category: str, current: str) -> str | None:
    """The stage an answer of ``kind`` in ``category`` moves a customer in ``current`` to."""
    to_stage = FEEDBACK_STAGES.get((kind, category))
    if to_stage is None or current in FEEDBACK_FROZEN or current in NOT_BELOW.get(to_stage, ()):
        return None
    return to_stage


def apply_feedback(session: Session, answers: Iterable[Answer]) -> list[StageChange]:
    """Move customers by what their processed answers say (see FEEDBACK_STAGES); flushes.

    Idempotent: processing an answer again finds the customer already moved. An answer older
    than the customer's latest stage change moves nothing.
    """
    answers = sorted(answers, key=lambda a: (a.answered_at, a.response_id))
    if not any((a.kind, a.category) in FEEDBACK_STAGES for a in answers):
        return []
    ids = {a.customer_id for a in answers}
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    latest = latest_change_times(session, ids)
    changes = []
    for answer in answers:
        customer = customers.get(answer.customer_id)
        if customer is None or _is_stale(latest, customer.id, answer.answered_at):
            continue
        to_stage = feedback_stage(answer.kind, answer.category, customer.stage)
        if to_stage is None:
            continue
        change = move_stage(
            session,
            customer,
            to_stage,
            cause="feedback",
            detail=f"{answer.kind.upper()} {answer.category.replace('_', ' ')} ({answer.score})",
            response_id=answer.response_id,
            at=answer.answered_at,
        )
        if change is not None:
            latest[customer.id] = answer.answered_at
            changes.append(change)
    session.flush()
    return changes


def latest_change_times(session: Session, customer_ids: Iterable[int]) -> dict[int, datetime]:
    """{customer_id: when their stage last changed}, for customers with any recorded change."""
    ids = list(customer_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(StageChange.customer_id, func.max(StageChange.changed_at))
        .where(StageChange.customer_id.in_(ids))
        .group_by(StageChange.customer_id)
    ).all()
    return {customer_id: _aware(at) for customer_id, at in rows}


def _is_stale(latest: dict[int, datetime], customer_id: int, at: datetime) -> bool:
    last = latest.get(customer_id)
    return last is not None and at < last


def _aware(moment: datetime) -> datetime:
    # Defensive: an aggregate's type should follow the column's, but a driver may hand back a
    # naive UTC datetime or text.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
