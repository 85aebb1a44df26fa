"""The webhook calls' answer models for the OpenAPI spec (``app.api.webhooks``); the views build
the same shapes (``endpoint_json``, ``delivery_json``), checked against these in a test."""

from typing import Any

from app.api.model_base import Moment, Out


class WebhookOut(Out):
    id: int
    url: str
    kind: str
    description: str | None
    event_types: list[str] | None
    enabled: bool
    disabled_reason: str | None
    failing_since: Moment
    previous_secret_expires_at: Moment
    created_at: Moment
    updated_at: Moment


class WebhookWithSecret(WebhookOut):
    """Only when created or rotated: the signing secret (``whsec_...``), shown this once."""

    secret: str


class WebhookList(Out):
    items: list[WebhookOut]


class AttemptOut(Out):
    attempted_at: Moment
    status_code: int | None
    latency_ms: int | None
    response_excerpt: str | None
    error: str | None


class DeliveryOut(Out):
    id: int
    endpoint_id: int
    webhook_id: str
    event_type: str
    status: str
    attempts_made: int
    next_attempt_at: Moment
    last_status_code: int | None
    last_error: str | None
    created_at: Moment
    finished_at: Moment
    body: Any
    attempts: list[AttemptOut]


class DeliveryPage(Out):
    items: list[DeliveryOut]
    next: str | None = None


class Resent(Out):
    deliveries: int
