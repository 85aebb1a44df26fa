"""Webhook endpoints, their delivery log, replays and re-sends over the API (admin keys write;
``app.api.auth`` lets other roles read only). Creating an endpoint answers its secret, once;
so does rotating it."""

from typing import Any

from flask import current_app
from sqlalchemy import select

from app.api import bp
from app.api.paging import paged
from app.api.parsing import json_body, load, query_args
from app.api.serializers import iso
from app.api.webhook_schemas import (
    DeliveriesQuery,
    Resend,
    SecretRotate,
    WebhookCreate,
    WebhookUpdate,
)
from app.extensions import db
from surveys.kernel.errors import ValidationError
from surveys.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from surveys.webhooks import endpoints
from surveys.webhooks.chat import body_for
from surveys.webhooks.config import WebhookSettings


def _settings() -> WebhookSettings:
    return WebhookSettings.from_mapping(current_app.config)


def endpoint_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """An endpoint without its secret (shown only when created or rotated)."""
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "kind": endpoint.kind,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
        "failing_since": iso(endpoint.failing_since),
        "previous_secret_expires_at": iso(endpoint.previous_secret_expires_at)
        if endpoint.previous_secret
        else None,
        "created_at": iso(endpoint.created_at),
        "updated_at": iso(endpoint.updated_at),
    }


def delivery_json(delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> dict[str, Any]:
    """A delivery with its event (the body sent) and every attempt, oldest first."""
    event = delivery.event
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "webhook_id": event.message_id,
        "event_type": event.type,
        "status": delivery.status,
        "attempts_made": delivery.attempts,
        "next_attempt_at": iso(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": iso(delivery.created_at),
        "finished_at": iso(delivery.finished_at),
        "body": body_for(delivery.endpoint.kind, event.body, current_app.config["BASE_URL"]),
        "attempts": [
            {
                "attempted_at": iso(a.attempted_at),
                "status_code": a.status_code,
                "latency_ms": a.latency_ms,
                "response_excerpt": a.response_excerpt,
                "error": a.error,
            }
            for a in attempts
        ],
    }


def _with_attempts(deliveries: list[WebhookDelivery]) -> list[dict[str, Any]]:
    ids = [d.id for d in deliveries]
    by_delivery: dict[int, list[WebhookAttempt]] = {i: [] for i in ids}
    if ids:
        for attempt in db.session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(ids))
            .order_by(WebhookAttempt.id)
        ):
            by_delivery[attempt.delivery_id].append(attempt)
    return [delivery_json(d, by_delivery[d.id]) for d in deliveries]


@bp.get("/webhooks")
def list_webhooks() -> dict[str, Any]:
    rows = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))
    return {"items": [endpoint_json(row) for row in rows]}


@bp.post("/webhooks")
def create_webhook() -> tuple[dict[str, Any], int]:
    """201 with the endpoint and its ``secret``, which is not shown again."""
    body = json_body(WebhookCreate)
    endpoint = endpoints.create_endpoint(
        db.session,
        _settings(),
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        enabled=body.enabled,
        kind=body.kind,
        secret=body.secret,
    )
    db.session.commit()
    return endpoint_json(endpoint) | {"secret": endpoint.secret}, 201


@bp.get("/webhooks/<int:endpoint_id>")
def get_webhook(endpoint_id: int) -> dict[str, Any]:
    return endpoint_json(load(WebhookEndpoint, endpoint_id, "webhook endpoint"))


@bp.patch("/webhooks/<int:endpoint_id>")
def update_webhook(endpoint_id: int) -> dict[str, Any]:
    """Change the URL, filter (null: every type), description or on/off."""
    endpoint = load(WebhookEndpoint, endpoint_id, "webhook endpoint")
    changes = json_body(WebhookUpdate).given()
    nulls = {name: "must not be null" for name in ("url", "enabled") if name in changes
             and changes[name] is None}  # fmt: skip
    if nulls:
        raise ValidationError("These fields cannot be null.", fields=nulls)
    endpoints.update_endpoint(db.session, endpoint, _settings(), changes)
    db.session.commit()
    return endpoint_json(endpoint)


@bp.delete("/webhooks/<int:endpoint_id>")
def delete_webhook(endpoint_id: int) -> tuple[str, int]:
    """204; its deliveries and their log go with it."""
    endpoint = load(WebhookEndpoint, endpoint_id, "webhook endpoint")
    endpoints.delete_endpoint(db.session, endpoint)
    db.session.commit()
    return "", 204


@bp.post("/webhooks/<int:endpoint_id>/secret")
def rotate_webhook_secret(endpoint_id: int) -> dict[str, Any]:
    """A new secret (answered once); the old one also signs for ``grace_hours`` (default
    WEBHOOK_ROTATION_GRACE_HOURS), so receivers can switch without losing an event."""
    endpoint = load(WebhookEndpoint, endpoint_id, "webhook endpoint")
    body = json_body(SecretRotate)
    secret = endpoints.rotate_secret(
        db.session, endpoint, _settings(), grace_hours=body.grace_hours
    )
    db.session.commit()
    return endpoint_json(endpoint) | {"secret": secret}


@bp.get("/webhooks/<int:endpoint_id>/deliveries")
def list_webhook_deliveries(endpoint_id: int) -> dict[str, Any]:
    """The delivery log, newest first: ``status`` and ``event`` (a type) narrow it."""
    load(WebhookEndpoint, endpoint_id, "webhook endpoint")
    query = query_args(DeliveriesQuery)
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if query.status is not None:
        stmt = stmt.where(WebhookDelivery.status == query.status)
    if query.event is not None:
        stmt = stmt.join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id).where(
            WebhookEvent.type == query.event
        )
    page = paged(stmt, WebhookDelivery.id, query, lambda d: d)
    page["items"] = _with_attempts(page["items"])
    return page


@bp.post("/webhook-deliveries/<int:delivery_id>/replay")
def replay_webhook_delivery(delivery_id: int) -> tuple[dict[str, Any], int]:
    """202: a new attempt now, same ``webhook-id`` and body."""
    load(WebhookDelivery, delivery_id, "webhook delivery")
    delivery = endpoints.replay(db.session, delivery_id)
    db.session.commit()
    db.session.refresh(delivery)
    return _with_attempts([delivery])[0], 202


@bp.post("/webhooks/<int:endpoint_id>/resend")
def resend_webhook_events(endpoint_id: int) -> tuple[dict[str, Any], int]:
    """202 with how many events will be sent again: every event from ``from`` to before
    ``to`` the endpoint's filter wants, each a new delivery."""
    endpoint = load(WebhookEndpoint, endpoint_id, "webhook endpoint")
    body = json_body(Resend)
    ids = endpoints.resend(db.session, endpoint, body.from_, body.to)
    db.session.commit()
    return {"deliveries": len(ids)}, 202
