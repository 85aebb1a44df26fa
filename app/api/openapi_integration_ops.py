"""The OpenAPI entries of the integrations: the webhook calls (``app.api.webhooks``) and the
embedded widget's public calls (``app.embed.api``); merged into ``app.api.openapi_ops``."""

from app.api import webhook_models as hooks
from app.api.openapi_op import WRITE, Op
from app.api.webhook_schemas import (
    DeliveriesQuery,
    Resend,
    SecretRotate,
    WebhookCreate,
    WebhookUpdate,
)
from app.embed import response_models as widget
from app.embed.schemas import AnswerBody, DisplayBody, FollowBody, VisitBody

INTEGRATION_OPERATIONS: dict[str, Op] = {
    # Webhooks
    "api.list_webhooks": Op("Webhooks", "List webhook endpoints", {200: hooks.WebhookList}),
    "api.create_webhook": Op(
        "Webhooks",
        "Add a webhook endpoint (its secret is returned this once)",
        {201: hooks.WebhookWithSecret},
        body=WebhookCreate,
    ),
    "api.get_webhook": Op("Webhooks", "Read a webhook endpoint", {200: hooks.WebhookOut}),
    "api.update_webhook": Op(
        "Webhooks", "Change a webhook endpoint", {200: hooks.WebhookOut}, body=WebhookUpdate
    ),
    "api.delete_webhook": Op("Webhooks", "Delete a webhook endpoint", {204: None}),
    "api.rotate_webhook_secret": Op(
        "Webhooks",
        "Rotate the signing secret (both sign for the grace period)",
        {200: hooks.WebhookWithSecret},
        body=SecretRotate,
    ),
    "api.list_webhook_deliveries": Op(
        "Webhooks",
        "The delivery log: each delivery with its attempts and the body sent",
        {200: hooks.DeliveryPage},
        query=DeliveriesQuery,
    ),
    "api.replay_webhook_delivery": Op(
        "Webhooks", "Send a delivery again now (same webhook-id)", {202: hooks.DeliveryOut}
    ),
    "api.resend_webhook_events": Op(
        "Webhooks",
        "Re-send the endpoint's events of a time range",
        {202: hooks.Resent},
        body=Resend,
    ),
    # The widget's public calls
    "embed.visit": Op(
        "Widget",
        "A page load: may the widget open?",
        {200: widget.VisitOut},
        body=VisitBody,
        public=True,
    ),  # fmt: skip
    "embed.display": Op(
        "Widget",
        "The widget opened",
        {201: widget.DisplayOut},
        body=DisplayBody,
        public=True,
        errors=WRITE,
    ),  # fmt: skip
    "embed.respond": Op(
        "Widget",
        "The score, then the comment",
        {200: widget.WidgetResponseOut, 201: widget.WidgetResponseOut},
        body=AnswerBody,
        public=True,
        errors=WRITE,
    ),
    "embed.dismissal": Op("Widget", "Closed unanswered", {204: None}, body=FollowBody, public=True),
    "embed.referral": Op(
        "Widget",
        "The thank-you's referral poll",
        {200: widget.WidgetReferral},
        body=FollowBody,
        public=True,
    ),  # fmt: skip
}
