"""Lifecycle events from integrators: stored once per idempotency key, then evaluated once.

Storing (``record_event``) happens in the request and registers evaluation, which runs in the
worker after the commit (``surveys.lifecycle.evaluation``); a sweeper catches events whose
message was lost.
"""

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.customers.records import upsert_customer
from surveys.kernel import clock
from surveys.kernel.aftercommit import run_after_commit
from surveys.kernel.db import insert_ignore
from surveys.kernel.errors import ConflictError, KaikuError, ValidationError
from surveys.models import Event

MAX_NAME_LENGTH = 100
MAX_KEY_LENGTH = 255
MAX_PROPERTIES = 100
MAX_PROPERTY_KEY_LENGTH = 64
MAX_PROPERTIES_BYTES = 16 * 1024
MAX_PROPERTIES_DEPTH = 5
# Clock skew between the integrator and Kaiku, not scheduling: an event has happened already.
MAX_FUTURE = timedelta(hours=1)
# Earlier than this is a bug upstream (a zero timestamp, a year typed as 0025), not a backfill.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# One message per event: the worker buffers them and evaluates each burst as one batch.
EVALUATE_TASK = "kaiku.evaluate_event"


def check_name(name: Any) -> str:
    """An event name: 1 to 100 printable characters, surrounding spaces dropped.

    :raises ValueError: anything else, with the reason.
    """
    if not isinstance(name, str):
        raise ValueError("must be a string")
    name = name.strip()
    if not 0 < len(name) <= MAX_NAME_LENGTH or not name.isprintable():
        raise ValueError(f"must be 1 to {MAX_NAME_LENGTH} printable characters")
    return name


def check_properties(properties: Any) -> dict[str, Any]:
    """Event properties: a JSON object of at most 100 keys, 5 levels and 16 KiB.

    :raises ValueError: anything else, with the reason.
    """
    if not isinstance(properties, dict):
        raise ValueError("must be an object")
    if len(properties) > MAX_PROPERTIES:
        raise ValueError(f"must have at most {MAX_PROPERTIES} keys")
    for key in properties:
        if not isinstance(key, str) or not 0 < len(key) <= MAX_PROPERTY_KEY_LENGTH:
            raise ValueError(f"keys must be 1 to {MAX_PROPERTY_KEY_LENGTH} characters")
    _check_json(properties, 1)
    size = len(json.dumps(properties, ensure_ascii=False).encode("utf-8"))
    if size > MAX_PROPERTIES_BYTES:
        raise ValueError(f"must be at most {MAX_PROPERTIES_BYTES // 1024} KiB as JSON")
    return properties


def check_occurred_at(occurred_at: Any, now: datetime) -> datetime:
    """When the event happened: aware, after 2000, at most an hour ahead of ``now``; in UTC.

    :raises ValueError: anything else, with the reason.
    """
    if not isinstance(occurred_at, datetime) or occurred_at.tzinfo is None:
        raise ValueError("an ISO 8601 date-time with a time zone")
    try:
        occurred_at = occurred_at.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None
    if occurred_at < EARLIEST:
        raise ValueError(f"must be after {EARLIEST.date().isoformat()}")
    if occurred_at > now + MAX_FUTURE:
        raise ValueError("is in the future; send events when they have happened")
    return occurred_at


def check_idempotency_key(key: Any) -> str | None:
    """:raises ValueError: not None or 1 to 255 printable characters."""
    if key is None:
        return None
    if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise ValueError(f"must be 1 to {MAX_KEY_LENGTH} printable characters")
    return key


def record_event(
    session: Session,
    *,
    customer: dict[str, Any],
    name: str,
    properties: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[Event, bool]:
    """Store an event of ``customer`` (upserted on the way); True if newly stored.

    ``customer`` is {"external_id": ..., other customer fields}. With an idempotency key already
    stored, returns that event and False and changes nothing, also when two calls race.
    ``occurred_at`` defaults to now. Flushes; a new event's evaluation is registered to run after
    the caller's commit.

    :raises ValidationError: a bad value, every offending field named ("customer.email").
    :raises ConflictError: the key was used for an event of another customer or name.
    """
    now = clock.now()
    values = _checked(name, properties, occurred_at, idempotency_key, now)
    fields = dict(customer) if isinstance(customer, dict) else {}
    external_id = fields.pop("external_id", None)
    key = values["idempotency_key"]
    if key is not None:
        existing = _by_key(session, key)
        if existing is not None:
            return _same_event(existing, external_id, values["name"]), False
    try:
        row = upsert_customer(session, external_id, **fields)
    except KaikuError as exc:
        exc.fields = {f"customer.{field}": reason for field, reason in exc.fields.items()}
        raise
    event_id = insert_ignore(
        session,
        Event,
        {**values, "customer_id": row.id, "received_at": now},
        conflict=["idempotency_key"],
    )
    if event_id is None:  # another call with this key committed first
        return _same_event(_by_key(session, key), external_id, values["name"]), False
    run_after_commit(session, EVALUATE_TASK, [event_id])
    return session.get(Event, event_id), True


def _checked(name, properties, occurred_at, key, now: datetime) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    checks = {
        "name": lambda: check_name(name),
        "properties": lambda: check_properties({} if properties is None else properties),
        "occurred_at": lambda: now if occurred_at is None else check_occurred_at(occurred_at, now),
        "idempotency_key": lambda: check_idempotency_key(key),
    }
    for field, check in checks.items():
        try:
            values[field] = check()
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(f"The event is not valid: {', '.join(errors)}.", fields=errors)
    return values


def _check_json(value: Any, depth: int) -> None:
    if depth > MAX_PROPERTIES_DEPTH:
        raise ValueError(f"may nest at most {MAX_PROPERTIES_DEPTH} levels")
    if isinstance(value, dict):
        for item in value.values():
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    elif value is not None and not isinstance(value, str | int | float | bool):
        raise ValueError("must hold only JSON values")


def _by_key(session: Session, key: str) -> Event | None:
    return session.scalars(select(Event).where(Event.idempotency_key == key)).one_or_none()


def _same_event(event: Event, external_id: Any, name: str) -> Event:
    if event.customer.external_id != external_id or event.name != name:
        raise ConflictError(
            "This idempotency_key was already used for another event.",
            fields={"idempotency_key": f"already used for event {event.id}"},
        )
    return event
