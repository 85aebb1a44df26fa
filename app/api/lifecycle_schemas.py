"""Request schemas of the customer and event endpoints (issue 3); see app/api/schemas.py.

The service checks every value again; these give the client every bad field at once, named by
where it sits in the body ("customer.email", "occurred_at").
"""

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StringConstraints,
    field_validator,
)

from app.api.schemas import (
    AttributeName,
    Body,
    CustomerFields,
    LocaleTag,
    TimeZoneName,
    _flat_attributes,
    _refuse_null,
)
from surveys.customers import events
from surveys.kernel import clock
from surveys.models import STAGES


def _iso_text(value: Any) -> Any:
    """Only ISO 8601 text: a bare number would be read as a Unix timestamp, silently."""
    if not isinstance(value, str):
        raise ValueError("an ISO 8601 date-time with a time zone, like 2025-03-01T09:00:00+00:00")
    return value


def _not_in_future(value: Any) -> Any:
    return events.check_occurred_at(value, clock.now())


class CustomerUpsert(Body):
    """PUT /customers/<external_id>: fields left out keep their value; email and name may be
    null (cleared), the others may not."""

    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)] | None = None
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)] | None = None
    locale: LocaleTag = None  # type: ignore[assignment]
    timezone: TimeZoneName = None  # type: ignore[assignment]
    stage: Literal[STAGES] = None  # type: ignore[valid-type,assignment]
    attributes: Annotated[
        dict[AttributeName, Any],
        Field(max_length=50),
        AfterValidator(_flat_attributes),
    ] = None  # type: ignore[assignment]
    unsubscribed: bool = None  # type: ignore[assignment]

    _not_null = field_validator(
        "locale", "timezone", "stage", "attributes", "unsubscribed", mode="before"
    )(_refuse_null)


class EventCreate(Body):
    """POST /events. The customer block takes the invitation API's customer fields: stage and
    unsubscribed are not set by an event (the stage mapping and the customer's own unsubscribe
    decide those)."""

    customer: CustomerFields
    name: Annotated[str, AfterValidator(events.check_name)]
    properties: Annotated[dict[str, Any], AfterValidator(events.check_properties)] = Field(
        default_factory=dict
    )
    occurred_at: (
        Annotated[
            AwareDatetime,
            Field(strict=False),
            BeforeValidator(_iso_text),
            AfterValidator(_not_in_future),
        ]
        | None
    ) = None
    idempotency_key: Annotated[str, AfterValidator(events.check_idempotency_key)] | None = None


class ConversionCreate(Body):
    """POST /referrals/<code>/conversions: the referred customer who signed up."""

    customer: CustomerFields
