"""Trigger rules and the events that fire them, for the lifecycle delivery tests."""

from datetime import datetime

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
