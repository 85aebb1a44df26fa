"""Factories for lifecycle delivery tests: trigger rules, events, and a clock to move."""

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.models import Customer, Event, Survey, TriggerRule


def make_rule(
    session: Session,
    survey: Survey,
    event_name: str = "purchase_completed",
    *,
    delay_minutes: int = 0,
    filters: list | None = None,
    channel: str = "email",
    active: bool = True,
) -> TriggerRule:
    rule = TriggerRule(
        survey=survey,
        event_name=event_name,
        delay_minutes=delay_minutes,
        filters=filters or [],
        channel=channel,
        active=active,
    )
    session.add(rule)
    session.flush()
    return rule


def make_event(
    session: Session,
    customer: Customer,
    name: str = "purchase_completed",
    *,
    occurred_at: datetime | None = None,
    properties: dict | None = None,
) -> Event:
    event = Event(
        customer=customer,
        name=name,
        properties=properties or {},
        occurred_at=occurred_at or clock.now(),
    )
    session.add(event)
    session.flush()
    return event


class Clock:
    """A controllable clock: ``clock.set_source`` to a time the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        clock.set_source(lambda: self.now)

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return moment

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
