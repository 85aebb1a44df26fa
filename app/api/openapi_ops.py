"""What the OpenAPI spec says of each API endpoint that its code does not: a summary, the request
and query models it reads, the answer models by status, and errors beyond those its shape
implies. Keyed by Flask endpoint; app.api.openapi walks ``app.url_map`` and looks each route up
here, so a new /api/v1 route without an entry is reported by ``undocumented`` (a test fails).

Most errors follow from the shape (app.api.openapi.implied_errors): a bearer route 401 and 403,
a JSON body 400, 413, 415 and 422, a query 422, a path parameter 404, the widget 403, 404, 429.
"""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api import embed_models as embeds
from app.api import privacy_models as privacy
from app.api import response_models as out
from app.api.bounces import BounceReport
from app.api.embeds import SecretBody
from app.api.invitations import InvitationsQuery
from app.api.lifecycle_schemas import ConversionCreate, CustomerUpsert, EventCreate
from app.api.openapi_integration_ops import INTEGRATION_OPERATIONS
from app.api.openapi_op import WRITE, Op
from app.api.report_schemas import DashboardQuery
from app.api.rescue_schemas import RescueReportQuery, RescueTaskPatch, RescueTasksListQuery
from app.api.schemas import (
    Id,
    InvitationCreate,
    ProgrammeCreate,
    ReferralsQuery,
    ResponsesQuery,
    SummaryQuery,
)
from app.api.schemas import Query as QueryModel
from app.api.survey_schemas import SurveyCreateFull, SurveyUpdateFull
from app.api.theme_schemas import ThemeCreate, ThemeUpdate
from surveys.models import KINDS
from surveys.reports import explorer

Short = Annotated[str, StringConstraints(max_length=explorer.MAX_TEXT)]
Day = Annotated[str, Field(description="A UTC day (2025-03-01) or an ISO 8601 date-time.")]


class ExplorerQuery(ResponsesQuery):
    """The explorer's filters (surveys.reports.explorer.parse_filters), read from the query
    string as text; ``attr.<name>=`` filters on a customer attribute (not listed here)."""

    from_: Day | None = Field(None, alias="from")
    to: Day | None = None
    since: str | None = Field(None, description="Answered at or after this date-time (v1).")
    survey: Id | None = None
    kind: Literal[KINDS] | None = None  # type: ignore[valid-type]
    score: int | None = Field(None, ge=explorer.LOWEST_SCORE, le=explorer.HIGHEST_SCORE)
    score_min: int | None = Field(None, ge=explorer.LOWEST_SCORE, le=explorer.HIGHEST_SCORE)
    score_max: int | None = Field(None, ge=explorer.LOWEST_SCORE, le=explorer.HIGHEST_SCORE)
    category: Literal[explorer.CATEGORIES] | None = None  # type: ignore[valid-type]
    sentiment: Literal[explorer.SENTIMENTS] | None = None  # type: ignore[valid-type]
    theme: Annotated[str, StringConstraints(max_length=40)] | None = None
    stage: str | None = None
    channel: Annotated[str, StringConstraints(max_length=16)] | None = None
    language: Annotated[str, StringConstraints(max_length=8)] | None = None
    customer: Annotated[str, StringConstraints(max_length=255)] | None = None
    rescue: Literal[explorer.RESCUE_FILTERS] | None = None  # type: ignore[valid-type]
    q: Short | None = None
    sort: Literal[explorer.SORTS] = "newest"  # type: ignore[valid-type]


class ThemesReportQuery(QueryModel):
    survey: Id | None = None
    kind: Literal[KINDS] | None = None  # type: ignore[valid-type]
    from_: Day | None = Field(None, alias="from")
    to: Day | None = None


OPERATIONS: dict[str, Op] = {
    "api.openapi_spec": Op("Spec", "This OpenAPI 3.1 document", {200: None}, public=True),
    # Surveys
    "api.list_surveys": Op("Surveys", "List surveys", {200: out.SurveyList}),
    "api.create_survey": Op(
        "Surveys", "Create a survey", {201: out.SurveyOut}, body=SurveyCreateFull
    ),
    "api.get_survey": Op("Surveys", "Read a survey", {200: out.SurveyOut}),
    "api.update_survey": Op(
        "Surveys", "Change a survey", {200: out.SurveyOut}, body=SurveyUpdateFull
    ),
    "api.create_embed_secret": Op(
        "Surveys",
        "Make a new embed signing secret",
        {201: embeds.EmbedSecretCreated},
        body=SecretBody,
        body_optional=True,
    ),
    "api.create_survey_invitation": Op(
        "Invitations",
        "Invite a customer to a survey",
        {201: out.InvitationOut},
        body=InvitationCreate,
        errors=WRITE,
    ),
    "api.list_invitations": Op(
        "Invitations",
        "List invitations",
        {200: out.InvitationPage},
        query=InvitationsQuery,
        errors=(404,),
    ),
    # Customers and events
    "api.put_customer": Op(
        "Customers",
        "Create or update a customer",
        {200: out.CustomerOut, 201: out.CustomerOut},
        body=CustomerUpsert,
    ),
    "api.read_customer": Op("Customers", "Read a customer", {200: out.CustomerOut}),
    "api.export_customer_data": Op(
        "Customers",
        "Export everything Kaiku holds about a customer (admin keys)",
        {200: privacy.CustomerExport},
    ),
    "api.erase_customer_data": Op(
        "Customers", "Erase a customer (admin keys)", {204: None}, errors=(422,)
    ),
    "api.create_event": Op(
        "Customers",
        "Record a lifecycle event",
        {202: out.EventAccepted},
        body=EventCreate,
        errors=WRITE,
    ),  # fmt: skip
    "api.report_bounce": Op(
        "Customers", "Report a bounced address", {200: out.BounceRecorded}, body=BounceReport
    ),
    # Responses
    "api.list_responses": Op(
        "Responses",
        "List responses (explorer filters), or all of them as CSV",
        {200: out.ResponsePage},
        query=ExplorerQuery,
        csv=True,
        errors=(404,),
    ),
    "api.get_response": Op("Responses", "Read a response", {200: out.ResponseOut}),
    # Rescue
    "api.list_rescue_tasks": Op(
        "Rescue", "List rescue tasks", {200: out.RescueTaskPage}, query=RescueTasksListQuery
    ),
    "api.get_rescue_task": Op("Rescue", "Read a rescue task", {200: out.RescueTaskOut}),
    "api.patch_rescue_task": Op(
        "Rescue",
        "Work a rescue task",
        {200: out.RescueTaskOut},
        body=RescueTaskPatch,
        errors=WRITE,
    ),  # fmt: skip
    "api.get_rescue_report": Op(
        "Reports", "The rescue report", {200: out.Report}, query=RescueReportQuery
    ),
    # Referrals
    "api.list_referral_programmes": Op(
        "Referrals", "List referral programmes", {200: out.ProgrammeList}
    ),
    "api.create_referral_programme": Op(
        "Referrals", "Create a referral programme", {201: out.ProgrammeOut}, body=ProgrammeCreate
    ),
    "api.list_referrals": Op(
        "Referrals",
        "List referral links",
        {200: out.ReferralPage},
        query=ReferralsQuery,
        errors=(404,),
    ),  # fmt: skip
    "api.create_referral_conversion": Op(
        "Referrals",
        "Record a referred customer's sign-up",
        {200: out.ConversionOut, 201: out.ConversionOut},
        body=ConversionCreate,
        errors=WRITE,
    ),
    # Reports
    "api.report_summary": Op(
        "Reports",
        "Counts and headline per survey",
        {200: out.Report},
        query=SummaryQuery,
        errors=(404,),
    ),  # fmt: skip
    "api.report_trend": Op(
        "Reports",
        "The headline over time",
        {200: out.Report},
        query=DashboardQuery,
        errors=(404,),
    ),  # fmt: skip
    "api.report_breakdown": Op(
        "Reports",
        "The headline per slice",
        {200: out.Report},
        query=DashboardQuery,
        errors=(404,),
    ),  # fmt: skip
    "api.report_themes": Op(
        "Reports",
        "The themes report",
        {200: out.Report},
        query=ThemesReportQuery,
        errors=(404,),
    ),  # fmt: skip
    # Themes
    "api.list_themes": Op("Themes", "List themes", {200: out.ThemeList}),
    "api.create_theme": Op(
        "Themes", "Create a theme", {201: out.ThemeOut}, body=ThemeCreate, errors=WRITE
    ),
    "api.get_theme": Op("Themes", "Read a theme", {200: out.ThemeOut}),
    "api.update_theme": Op(
        "Themes", "Change a theme", {200: out.ThemeOut}, body=ThemeUpdate, errors=WRITE
    ),
    "api.delete_theme": Op("Themes", "Delete a theme", {204: None}),
    **INTEGRATION_OPERATIONS,
}
