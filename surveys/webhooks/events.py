"""The events outbox: ``emit`` writes an event and one delivery per endpoint that wants it, in
the caller's transaction, and registers their delivery to run after its commit.

A change rolled back emits nothing (the rows go with it); a commit whose message is lost is
caught by the sweeper (``delivery.due_delivery_ids``). With no enabled endpoint, ``emit`` costs
one small select and writes nothing, so the answer path stays fast.
"""

import json
import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.aftercommit import run_after_commit
from surveys.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from surveys.webhooks.chat import wants_message

EVENT_TYPES = (
    "response.created",
    "response.processed",
    "rescue_task.created",
    "rescue_task.updated",
    "referral.created",
    "referral.converted",
    "customer.stage_changed",
    "customer.erased",
)
# One message per delivery: the worker buffers them and sends each burst as one batch.
DELIVER_TASK = "kaiku.deliver_webhook"
# A list of delivery ids (the sweeper, replays, re-sends, short retries).
DELIVER_LIST_TASK = "kaiku.deliver_webhooks"
LIST_BATCH = 100


def new_message_id() -> str:
    """A ``msg_`` id: the ``webhook-id`` header, unique per event."""
    return "msg_" + secrets.token_urlsafe(18)


def wants(event_types: Sequence[str] | None, event_type: str) -> bool:
    """Whether an endpoint filtering on ``event_types`` (None: all) wants ``event_type``."""
    return event_types is None or event_type in event_types


def emit(session: Session, event_type: str, data: dict[str, Any]) -> str | None:
    """Record ``event_type`` with ``data`` for every enabled endpoint that wants it; returns the
    event's message id, None when no endpoint wants it (nothing is written). Does not commit."""
    ids = emit_many(session, event_type, [data])
    return ids[0] if ids else None


def emit_many(session: Session, event_type: str, items: Sequence[dict[str, Any]]) -> list[str]:
    """``emit`` for several events of one type with one look at the endpoints (a batch of
    processed answers); returns the message ids written, in order. An event no endpoint wants
    (chat endpoints take only some, ``surveys.webhooks.chat``) is not written.

    :raises ValueError: an unknown event type (a programming error).
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    if not items:
        return []
    with session.no_autoflush:  # the caller's pending changes flush when they would have
        endpoints = session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.event_types, WebhookEndpoint.kind).where(
                WebhookEndpoint.enabled.is_(True)
            )
        ).all()
    targets = [row for row in endpoints if wants(row.event_types, event_type)]
    chosen = [
        [row.id for row in targets if wants_message(row.kind, event_type, data)] for data in items
    ]
    keep = [i for i, ids in enumerate(chosen) if ids]
    if not keep:
        return []
    items, chosen = [items[i] for i in keep], [chosen[i] for i in keep]
    now = clock.now()
    stamp = now.isoformat().replace("+00:00", "Z")
    rows = [
        {
            "message_id": new_message_id(),
            "type": event_type,
            "body": body_of(event_type, stamp, data),
            "created_at": now,
        }
        for data in items
    ]
    event_ids = list(
        session.scalars(
            insert(WebhookEvent).returning(WebhookEvent.id, sort_by_parameter_order=True), rows
        )
    )
    schedule_deliveries(session, [(event_id, endpoint_id)
                                  for event_id, ids in zip(event_ids, chosen, strict=True)
                                  for endpoint_id in ids])  # fmt: skip
    return [row["message_id"] for row in rows]


def body_of(event_type: str, stamp: str, data: dict[str, Any]) -> str:
    """The JSON body sent: ``{"type", "timestamp", "data"}``, compact."""
    payload = {"type": event_type, "timestamp": stamp, "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str)


def schedule_deliveries(
    session: Session, pairs: Sequence[tuple[int, int]], *, batch_size: int | None = None
) -> list[int]:
    """One pending delivery per (event id, endpoint id), due now, sent after the commit;
    returns their ids. ``batch_size`` sends them as lists (a re-send of many)."""
    if not pairs:
        return []
    now = clock.now()
    rows = [
        {"event_id": event_id, "endpoint_id": endpoint_id, "status": "pending",
         "attempts": 0, "next_attempt_at": now, "created_at": now}
        for event_id, endpoint_id in pairs
    ]  # fmt: skip
    ids = list(
        session.scalars(
            insert(WebhookDelivery).returning(WebhookDelivery.id, sort_by_parameter_order=True),
            rows,
        )
    )
    task = DELIVER_TASK if batch_size is None else DELIVER_LIST_TASK
    run_after_commit(session, task, ids, batch_size=batch_size)
    return ids
