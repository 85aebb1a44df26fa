"""Lifecycle events pushed by integrators, and the trigger rules that turn them into invitations."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow
from surveys.models.catalog import Survey
from surveys.models.customers import Customer

CHANNELS = ("email", "link")
# Filter operators of a trigger rule: {"field": "stage" | "attributes.<name>", "op": ..., "value"}
FILTER_OPS = ("equals", "one_of", "exists", "gt", "gte", "lt", "lte")


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_customer_occurred", "customer_id", "occurred_at"),
        # The sweeper's scan: events whose trigger evaluation has not run.
        Index("ix_events_unevaluated", "evaluated_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100), index=True)
    properties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The integrator's key: the same key twice stores one event.
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    # Set when trigger evaluation (and the stage mapping) has run for this event.
    evaluated_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.name}>"


class TriggerRule(Base):
    """When ``event_name`` happens, invite the customer to the survey after ``delay_minutes``,
    if every filter matches."""

    __tablename__ = "trigger_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    event_name: Mapped[str] = mapped_column(String(100), index=True)
    delay_minutes: Mapped[int] = mapped_column(default=0)
    filters: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(16), default="email")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="trigger_rules")

    def __repr__(self) -> str:
        return f"<TriggerRule {self.id} {self.event_name} +{self.delay_minutes}m>"
