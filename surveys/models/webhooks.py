"""Webhooks: the endpoints integrators register, the events Kaiku emits (an outbox written in
the same transaction as the change), one delivery per endpoint and event, every attempt."""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow

# standard: every event it filters for, signed; slack, teams: a chat message for a detractor's
# answer or an overdue rescue task (surveys.webhooks.chat).
WEBHOOK_KINDS = ("standard", "slack", "teams")
# pending: due at next_attempt_at; sending: claimed by a worker (claimed_at); succeeded: a 2xx;
# failed: the schedule ran out, the endpoint answered 410, or it was disabled.
DELIVERY_STATUSES = ("pending", "sending", "succeeded", "failed")


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="standard")
    # "whsec_" + base64 of the key; the previous one is also signed with until it expires.
    secret: Mapped[str] = mapped_column(String(120))
    previous_secret: Mapped[str | None] = mapped_column(String(120))
    previous_secret_expires_at: Mapped[datetime | None]
    # The event types it wants; None: every type.
    event_types: Mapped[list[str] | None] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    # The first failure of the current run of failures; None after a success.
    failing_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url}>"


class WebhookEvent(Base):
    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The webhook-id header: the same for every attempt, replay and re-send of the event.
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    # The exact body every delivery sends ({"type", "timestamp", "data"} as JSON text).
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    @property
    def payload(self) -> dict[str, Any]:
        """The body as data."""
        return json.loads(self.body)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    event: Mapped[WebhookEvent] = relationship(lazy="joined")
    endpoint: Mapped[WebhookEndpoint] = relationship()


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    latency_ms: Mapped[int]
    response_excerpt: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
