"""Request schemas of the survey endpoints with their delivery policy, trigger rules and embed.

The shapes only: the services (surveys.catalog.definitions, surveys.catalog.rules) check
ranges, filters and the cross-field rules again and name the field when they refuse.
"""

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from app.api.schemas import Body, Id, SurveyCreate, SurveyUpdate
from app.api.schemas import _refuse_null as refuse_null
from surveys.catalog.definitions import MAX_RETENTION_MONTHS, POLICY_FIELDS
from surveys.catalog.rules import MAX_DELAY_MINUTES, MAX_FILTERS, MAX_RULES_PER_SURVEY
from surveys.models import CHANNELS

Days = Annotated[int, Field(ge=0, le=3650)]
# null: the global RETENTION_MONTHS; 0: comments are kept (surveys.privacy.retention).
Months = Annotated[int, Field(ge=0, le=MAX_RETENTION_MONTHS)]


class TriggerRuleIn(Body):
    """One rule; with ``id`` it updates that rule of the survey, without it adds one."""

    id: Id | None = None
    event_name: Annotated[str, StringConstraints(min_length=1, max_length=100)] = None  # type: ignore[assignment]
    delay_minutes: Annotated[int, Field(ge=0, le=MAX_DELAY_MINUTES)] = 0
    filters: Annotated[list[dict[str, Any]], Field(max_length=MAX_FILTERS)] = []
    channel: Literal[CHANNELS] = "email"  # type: ignore[valid-type]
    active: bool = True

    _not_null = field_validator("event_name", "filters", mode="before")(refuse_null)

    def values(self) -> dict[str, Any]:
        """The rule's fields; an update leaves out what the client did not send."""
        if self.id is None:
            return self.model_dump(exclude={"id"}, exclude_none=True)
        return self.model_dump(exclude_unset=True)


Rules = Annotated[list[TriggerRuleIn], Field(max_length=MAX_RULES_PER_SURVEY)]
# A partial embed object: its shape and values are checked by surveys.embed.policy, which
# names each bad field ("allowed_origins.0"); the API puts them under "embed.".
EmbedChanges = dict[str, Any]


class SurveyCreateFull(SurveyCreate):
    recontact_days: Days = None  # type: ignore[assignment]  # left out: the default
    # null means "no reminder"; left out, the default (3 days).
    reminder_days: Days | None = None
    expire_days: Days = None  # type: ignore[assignment]
    quiet_weekends: bool = None  # type: ignore[assignment]
    retention_months: Months | None = None
    trigger_rules: Rules = []
    embed: EmbedChanges = None  # type: ignore[assignment]

    _not_null = field_validator(
        "recontact_days", "expire_days", "quiet_weekends", "trigger_rules", "embed", mode="before"
    )(refuse_null)

    def policy(self) -> dict[str, Any]:
        """The policy fields the client sent (reminder_days may be None: no reminder)."""
        return self.model_dump(include=set(POLICY_FIELDS), exclude_unset=True)


class SurveyUpdateFull(SurveyUpdate):
    recontact_days: Days = None  # type: ignore[assignment]
    # null means "no reminder": the one field a PATCH may set to null.
    reminder_days: Days | None = None
    expire_days: Days = None  # type: ignore[assignment]
    quiet_weekends: bool = None  # type: ignore[assignment]
    # null: back to the global setting.
    retention_months: Months | None = None
    trigger_rules: Rules = None  # type: ignore[assignment]
    embed: EmbedChanges = None  # type: ignore[assignment]

    # Overrides SurveyUpdate's "*" validator of the same name: every field but reminder_days.
    _not_null = field_validator(
        "name",
        "question_en",
        "question_fi",
        "comment_prompt_en",
        "comment_prompt_fi",
        "active",
        "recontact_days",
        "expire_days",
        "quiet_weekends",
        "trigger_rules",
        "embed",
        mode="before",
    )(refuse_null)
