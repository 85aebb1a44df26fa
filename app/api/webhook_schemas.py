"""Request schemas of the webhooks API (endpoints, rotation, re-send, the delivery log)."""

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints

from app.api.schemas import Body, Page, Since
from surveys.models import DELIVERY_STATUSES, WEBHOOK_KINDS
from surveys.webhooks import EVENT_TYPES

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
Kind = Literal[WEBHOOK_KINDS]  # type: ignore[valid-type]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=120)]


class WebhookCreate(Body):
    url: Url
    # null or absent: every event type.
    event_types: Annotated[list[EventType], Field(max_length=len(EVENT_TYPES))] | None = None
    description: Description | None = None
    enabled: bool = True
    kind: Kind = "standard"
    # Bring your own (whsec_ + base64 of 24-64 bytes), or Kaiku makes one.
    secret: Secret | None = None


class WebhookUpdate(Body):
    url: Url | None = None
    event_types: Annotated[list[EventType], Field(max_length=len(EVENT_TYPES))] | None = None
    description: Description | None = None
    enabled: bool | None = None


class SecretRotate(Body):
    # How long the old secret keeps signing too (both signatures are sent); default 24 h.
    grace_hours: Annotated[float, Field(ge=0, le=24 * 7)] | None = None


# An ISO 8601 date-time with a zone, read from JSON text (bodies are strict otherwise).
def _iso_text(value: Any) -> Any:
    """Only ISO 8601 text: a bare number would be read as a Unix timestamp, silently."""
    if not isinstance(value, str):
        raise ValueError("an ISO 8601 date-time with a time zone, like 2025-03-01T09:00:00+00:00")
    return value


Moment = Annotated[Since, Field(strict=False), BeforeValidator(_iso_text)]


class Resend(Body):
    """Every event from ``from`` to before ``to`` again."""

    from_: Moment = Field(alias="from")
    to: Moment


class DeliveriesQuery(Page):
    status: Literal[DELIVERY_STATUSES] | None = None  # type: ignore[valid-type]
    event: EventType | None = None
