"""Managing endpoints: create (its secret shown once), change, rotate the secret, replay a
delivery, re-send a time range. Services flush; the caller commits, which sends what they
registered."""

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.aftercommit import run_after_commit
from surveys.kernel.errors import ConflictError, NotFoundError, ValidationError
from surveys.models import (
    WEBHOOK_KINDS,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from surveys.webhooks.chat import wants_message
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.events import (
    DELIVER_LIST_TASK,
    EVENT_TYPES,
    LIST_BATCH,
    schedule_deliveries,
    wants,
)
from surveys.webhooks.signing import new_secret, secret_key
from surveys.webhooks.ssrf import validate_url

# A re-send writes at most this many deliveries; a larger range is re-sent in parts.
MAX_RESEND = 10_000


def clean_event_types(event_types: Sequence[str] | None) -> list[str] | None:
    """The filter as stored: None (every type) or the known types asked for, in order.

    :raises ValidationError: an unknown type or an empty list ("event_types").
    """
    if event_types is None:
        return None
    unknown = [name for name in event_types if name not in EVENT_TYPES]
    if unknown:
        raise ValidationError(
            f"Unknown event type {unknown[0]!r}; the types are {', '.join(EVENT_TYPES)}.",
            fields={"event_types": f"unknown: {unknown[0]}"},
        )
    if not event_types:
        raise ValidationError(
            "List at least one event type, or send null for every type.",
            fields={"event_types": "empty"},
        )
    return list(dict.fromkeys(event_types))


def create_endpoint(
    session: Session,
    settings: WebhookSettings,
    *,
    url: str,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool = True,
    kind: str = "standard",
    secret: str | None = None,
) -> WebhookEndpoint:
    """Add an endpoint; ``secret`` None makes a new one. Flushes.

    :raises ValidationError: a bad URL, kind, event type or secret (each field named).
    """
    if kind not in WEBHOOK_KINDS:
        raise ValidationError(f"Unknown kind {kind!r}.", fields={"kind": "unknown"})
    if secret is not None:
        secret_key(secret)
    endpoint = WebhookEndpoint(
        url=validate_url(url, settings.allowed_hosts),
        description=description,
        kind=kind,
        secret=secret or new_secret(),
        event_types=clean_event_types(event_types),
        enabled=enabled,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def update_endpoint(
    session: Session, endpoint: WebhookEndpoint, settings: WebhookSettings, changes: dict[str, Any]
) -> None:
    """Apply ``changes`` (url, kind, event_types, description, enabled); turning an endpoint
    back on clears why it was off and its run of failures. Flushes.

    :raises ValidationError: a bad URL, kind or event type.
    """
    if "kind" in changes:
        if changes["kind"] not in WEBHOOK_KINDS:
            raise ValidationError(f"Unknown kind {changes['kind']!r}.", fields={"kind": "unknown"})
        endpoint.kind = changes["kind"]
    if "url" in changes:
        endpoint.url = validate_url(changes["url"], settings.allowed_hosts)
    if "event_types" in changes:
        endpoint.event_types = clean_event_types(changes["event_types"])
    if "description" in changes:
        endpoint.description = changes["description"]
    if "enabled" in changes:
        if changes["enabled"] and not endpoint.enabled:
            endpoint.disabled_reason = None
            endpoint.failing_since = None
        endpoint.enabled = changes["enabled"]
    session.flush()


def rotate_secret(
    session: Session, endpoint: WebhookEndpoint, settings: WebhookSettings, *,
    grace_hours: float | None = None,
) -> str:  # fmt: skip
    """Give the endpoint a new secret; the old one also signs for ``grace_hours`` (default
    the settings' grace; 0 stops it at once). Returns the new secret. Flushes."""
    grace = settings.rotation_grace if grace_hours is None else timedelta(hours=grace_hours)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = clock.now() + grace
    endpoint.secret = new_secret()
    session.flush()
    return endpoint.secret


def replay(session: Session, delivery_id: int) -> WebhookDelivery:
    """A new attempt of the delivery now, with the same ``webhook-id`` and body; sent after the
    commit. Flushes.

    :raises NotFoundError: no such delivery.
    :raises ConflictError: it is being sent right now, or its endpoint is disabled.
    """
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise NotFoundError("No webhook delivery with this id.")
    if delivery.status == "sending":
        raise ConflictError("This delivery is being sent right now.", fields={"status": "sending"})
    if not delivery.endpoint.enabled:
        raise ConflictError(
            "The endpoint is disabled; enable it first.", fields={"endpoint": "disabled"}
        )
    delivery.status = "pending"
    delivery.next_attempt_at = clock.now()
    delivery.finished_at = None
    session.flush()
    run_after_commit(session, DELIVER_LIST_TASK, [delivery.id], batch_size=LIST_BATCH)
    return delivery


def resend(
    session: Session, endpoint: WebhookEndpoint, start: datetime, end: datetime
) -> list[int]:
    """New deliveries to ``endpoint`` of every event from ``start`` to before ``end`` its filter
    wants (each with its own ``webhook-id``, as first sent); returns their ids. Flushes.

    :raises ValidationError: ``end`` not after ``start``, or more than MAX_RESEND events.
    :raises ConflictError: the endpoint is disabled.
    """
    if end <= start:
        raise ValidationError("'to' must be after 'from'.", fields={"to": "not after from"})
    if not endpoint.enabled:
        raise ConflictError(
            "The endpoint is disabled; enable it first.", fields={"endpoint": "disabled"}
        )
    rows = session.execute(
        select(WebhookEvent.id, WebhookEvent.type, WebhookEvent.body)
        .where(WebhookEvent.created_at >= start, WebhookEvent.created_at < end)
        .order_by(WebhookEvent.id)
        .limit(MAX_RESEND + 1)
    ).all()
    if len(rows) > MAX_RESEND:
        raise ValidationError(
            f"More than {MAX_RESEND} events in this range; re-send a shorter one.",
            fields={"to": "range too long"},
        )
    pairs = [
        (row.id, endpoint.id)
        for row in rows
        if wants(endpoint.event_types, row.type)
        and wants_message(endpoint.kind, row.type, json.loads(row.body)["data"])
    ]
    return schedule_deliveries(session, pairs, batch_size=LIST_BATCH)


def delete_endpoint(session: Session, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint with its deliveries and their attempts (the events stay: other
    endpoints' deliveries and re-sends use them). Explicit, as SQLite enforces no cascade."""
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.delete(endpoint)
    session.flush()
