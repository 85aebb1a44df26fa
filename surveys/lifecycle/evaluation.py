"""Evaluating stored lifecycle events: the stage mapping, the trigger rules, win-back checks.

This sits above delivery (trigger rules invite) and rescue (win-back), which it calls; storing an
event is ``surveys.customers.events``.
"""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from surveys.customers import stages
from surveys.delivery import triggers
from surveys.kernel import clock
from surveys.kernel.settings import Settings
from surveys.models import Event
from surveys.rescue import winback


def evaluate(session: Session, event_ids: list[int], settings: Settings) -> list[Event]:
    """Evaluate events not evaluated yet: the stage mapping, the trigger rules, win-back checks.

    Each event is claimed (evaluated_at set) in the same transaction as its effects, so an event
    is evaluated once however often it is enqueued; concurrent runs on PostgreSQL wait for each
    other's claim. Returns the events evaluated now. Flushes; the caller commits.
    """
    events = _claim(session, event_ids)
    if not events:
        return []
    # The stage first: trigger filters see the stage the event put the customer in.
    stages.apply_event_stages(session, events, dict(settings.stage_events))
    triggers.evaluate_events(session, events, settings)
    winback.on_events(session, events)
    session.flush()
    return events


def unevaluated_event_ids(session: Session, settings: Settings, limit: int = 1000) -> list[int]:
    """Events still unevaluated ``sweep_after`` past their arrival: lost messages."""
    cutoff = clock.now() - settings.sweep_after
    return list(
        session.scalars(
            select(Event.id)
            .where(Event.evaluated_at.is_(None), Event.received_at < cutoff)
            .order_by(Event.id)
            .limit(limit)
        )
    )


def _claim(session: Session, event_ids: list[int]) -> list[Event]:
    table = Event.__table__
    claimed = list(
        session.execute(
            update(table)
            .where(table.c.id.in_(event_ids), table.c.evaluated_at.is_(None))
            .values(evaluated_at=clock.now())
            .returning(table.c.id)
        ).scalars()
    )
    if not claimed:
        return []
    return list(
        session.scalars(
            select(Event)
            .where(Event.id.in_(claimed))
            .order_by(Event.id)
            .execution_options(populate_existing=True)
        ).unique()
    )
