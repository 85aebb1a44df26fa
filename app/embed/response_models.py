"""The widget API's answers, for the OpenAPI spec; see app.api.response_models."""

from typing import Any

from app.api.model_base import Out


class VisitOut(Out):
    eligible: bool
    reason: str | None
    visits: int
    identity: str
    language: str
    triggers: list[dict[str, Any]]
    dismiss_days: int
    recontact_days: int
    anonymous: bool
    kind: str
    title: str


class DisplayOut(Out):
    display: str | None
    identity: str
    language: str


class WidgetReferral(Out):
    status: str
    url: str | None
    reward: str | None


class WidgetResponseOut(Out):
    id: int
    score: int | None
    category: str | None
    comment: str | None
    channel: str
    identity: str | None
    display: str | None
    referral: WidgetReferral
