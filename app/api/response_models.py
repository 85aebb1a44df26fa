"""Response models: the shape of what the API answers, for the OpenAPI spec (app.api.openapi).

The views build their answers with the functions of app.api.serializers (plain dicts, fast and
close to the rows); these models describe those dicts field by field, and the tests check each
serializer's output against its model (tests/web/test_api_openapi.py), so the spec cannot drift
from what is sent. Schemathesis checks every answer against them again (tests/integration).
Fields are required and null where the serializer may write None; extra keys are allowed (a
field added to a serializer first is not a breaking change for clients).
"""

from typing import Any, Literal

from pydantic import ConfigDict, Field

from app.api.embed_models import EmbedOut
from app.api.model_base import Moment, Out
from surveys.models import KINDS, RESCUE_STATUSES

# Errors ---------------------------------------------------------------------------------------


class ErrorDetail(Out):
    code: str = Field(description='A stable code: "validation_error", "not_found", ...')
    message: str = Field(description="What went wrong, in words for a person.")
    fields: dict[str, str] = Field(
        description='Each bad field by its dotted path ("customer.email"); {} when none is.'
    )


class Error(Out):
    """The body of every 4xx (and 5xx) answer of the API."""

    error: ErrorDetail


# Surveys --------------------------------------------------------------------------------------


class TriggerRuleOut(Out):
    id: int
    event_name: str
    delay_minutes: int
    filters: list[dict[str, Any]]
    channel: str
    active: bool
    created_at: Moment


class SurveyOut(Out):
    id: int
    key: str
    name: str
    kind: Literal[KINDS]  # type: ignore[valid-type]
    texts: dict[str, dict[str, str | None]]
    question_en: str | None
    question_fi: str | None
    comment_prompt_en: str | None
    comment_prompt_fi: str | None
    active: bool
    recontact_days: int
    reminder_days: int | None
    expire_days: int
    quiet_weekends: bool
    trigger_rules: list[TriggerRuleOut]
    embed: EmbedOut
    created_at: Moment


class SurveyList(Out):
    items: list[SurveyOut]


# Customers, events, invitations, bounces ------------------------------------------------------


class StageChangeOut(Out):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    from_stage: str | None = Field(alias="from")
    to: str
    cause: str
    detail: Any = None
    event: int | None
    response: int | None
    at: Moment


class CustomerOut(Out):
    external_id: str
    email: str | None
    name: str | None
    locale: str | None
    timezone: str | None
    stage: str | None
    attributes: dict[str, Any]
    unsubscribed: bool
    bounced_at: Moment
    bounce_reason: str | None
    created_at: Moment
    updated_at: Moment
    stage_history: list[StageChangeOut]


class EventAccepted(Out):
    id: int
    status: Literal["accepted"]
    duplicate: bool


class InvitationOut(Out):
    id: int
    url: str | None = Field(description="The answer link while it can be answered, else null.")
    status: str
    reason: str | None
    channel: str
    survey: int
    customer: str
    event: int | None
    rule: int | None
    created_at: Moment
    scheduled_for: Moment
    sent_at: Moment
    reminded_at: Moment
    answered_at: Moment
    expires_at: Moment


class InvitationPage(Out):
    items: list[InvitationOut]
    next: str | None = Field(description="The URL of the next page, or null on the last one.")


class BounceRecorded(Out):
    email: str
    customers: int
    marked: list[str]


# Responses ------------------------------------------------------------------------------------


class SentimentOut(Out):
    polarity: float | None
    label: str | None
    mixed: bool
    complaint: float | None
    reason: str | None


class ResponseOut(Out):
    id: int
    survey: int
    customer: str
    score: int | None
    category: str | None
    comment: str | None
    language: str | None
    sentiment: SentimentOut | None
    themes: list[str]
    analysis_version: str | None
    channel: str | None
    identity: str | None
    stage: str | None
    answered_at: Moment
    processed_at: Moment


class ResponsePage(Out):
    items: list[ResponseOut]
    next: str | None


# Rescue ---------------------------------------------------------------------------------------


class RescueNoteOut(Out):
    id: int
    author: str | None
    author_kind: str | None
    author_label: str | None
    body: str
    created_at: Moment


class RescueHistoryOut(Out):
    action: str
    actor: str | None
    actor_kind: str | None
    actor_label: str | None
    detail: dict[str, Any]
    created_at: Moment


class RescueTaskOut(Out):
    """A task; one task's own answer adds ``notes`` and ``history``."""

    id: int
    response: int
    customer: str
    survey: int
    status: Literal[RESCUE_STATUSES]  # type: ignore[valid-type]
    priority: str
    due_at: Moment
    overdue: bool
    assignee: str | None
    handled_by: str | None
    outcome: str | None
    resolution_note: str | None
    first_contact_at: Moment
    sla_met: bool | None
    escalated_at: Moment
    resolved_at: Moment
    winback: str | None = Field(description='The measured win-back: "pending", "won_back", ...')
    winback_at: Moment
    resurvey_invitation: int | None
    created_at: Moment
    updated_at: Moment
    notes: list[RescueNoteOut] | None = None
    history: list[RescueHistoryOut] | None = None


class RescueTaskPage(Out):
    items: list[RescueTaskOut]
    next: str | None


# Referrals and themes -------------------------------------------------------------------------


class ProgrammeOut(Out):
    id: int
    name: str
    reward: str | None
    rewards: dict[str, str]
    landing_url: str
    active: bool
    created_at: Moment


class ProgrammeList(Out):
    items: list[ProgrammeOut]


class ReferralOut(Out):
    code: str
    url: str
    programme: int
    customer: str
    clicks: int
    conversions: int
    created_at: Moment


class ReferralPage(Out):
    items: list[ReferralOut]
    next: str | None


class ConversionOut(ReferralOut):
    counted: bool = Field(description="False when this customer was already referred.")


class ThemeOut(Out):
    key: str
    names: dict[str, str]
    terms: dict[str, list[str]]
    exclusions: dict[str, list[str]]
    active: bool
    updated_at: str
    responses_90d: int | None = None


class ThemeList(Out):
    items: list[ThemeOut]


# Reports: their figures are the dashboards' (surveys.reports); the top level is named here.


class Report(Out):
    """A report's figures; see the README's API section for each report's keys."""


class SummaryList(Out):
    items: list[dict[str, Any]]
