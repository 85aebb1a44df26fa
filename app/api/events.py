"""Lifecycle events: stored once per idempotency key, evaluated by the worker after the commit
(storing registers the evaluation)."""

from typing import Any

from app.api import bp
from app.api.lifecycle_schemas import EventCreate
from app.api.parsing import json_body
from app.extensions import db
from surveys.customers.events import record_event


@bp.post("/events")
def create_event() -> tuple[dict[str, Any], int]:
    """Store the event, upserting its customer; 202 ``{"id", "status": "accepted", "duplicate"}``.

    A repeated idempotency key answers 202 with the stored event's id and ``duplicate`` true and
    changes nothing; the key used for another customer or event name is a 409. Bad input is a
    422 naming every bad field, and stores nothing.
    """
    body = json_body(EventCreate)
    event, created = record_event(
        db.session,
        customer=body.customer.model_dump(exclude_unset=True),
        name=body.name,
        properties=body.properties,
        occurred_at=body.occurred_at,
        idempotency_key=body.idempotency_key,
    )
    answer = {"id": event.id, "status": "accepted", "duplicate": not created}
    db.session.commit()
    return answer, 202
