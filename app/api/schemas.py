"""Request schemas: the shape of what a client may send, checked before any service runs.

Bodies are strict (a string "9" is not an integer, "true" is not a boolean) and refuse unknown
fields, so a typo is an error rather than a silently ignored field. Query strings are text by
nature and are parsed leniently ("?limit=20"). Services check the invariants again.
"""

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from surveys.catalog.definitions import MAX_ID
from surveys.kernel.languages import CODES, normalise_locale
from surveys.models import KINDS, RESCUE_STATUSES

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
AttributeName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# Any language tag (sv-FI, en_GB, de), normalised; one without a catalog is served in English.
LocaleTag = Annotated[str, AfterValidator(normalise_locale)]


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("may not be null; leave the field out to keep its value")
    return value


def _flat_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """Attributes are flat: trigger rules compare them, so each is one scalar value."""
    for key, value in attributes.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"attribute {key!r} is not a finite number")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ValueError(f"attribute {key!r} must be a string, number, boolean or null")
    return attributes


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

    def given(self) -> dict[str, Any]:
        """Only the fields the client sent, for updates that leave the rest alone."""
        return self.model_dump(exclude_unset=True)


class NoNulls(Body):
    """A partial update: any field may be left out, but none may be set to null."""

    _not_null = field_validator("*", mode="before")(_refuse_null)


# The v1 fields of a survey's texts, still accepted and returned: each is one text of one
# language of ``texts``.
V1_TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "question_en": ("en", "question"),
    "question_fi": ("fi", "question"),
    "comment_prompt_en": ("en", "comment_prompt"),
    "comment_prompt_fi": ("fi", "comment_prompt"),
}
LanguageCode = Literal[CODES]  # type: ignore[valid-type]


class LanguageTexts(Body):
    """A survey's texts in one language; null takes the default (create) or removes (update)."""

    question: Text | None = None
    comment_prompt: Text | None = None


class SurveyTextsIn(Body):
    """``texts`` and its v1 aliases, merged: a v1 field is the same text as its ``texts`` key."""

    texts: dict[LanguageCode, LanguageTexts] = None  # type: ignore[assignment]

    _texts_not_null = field_validator("texts", mode="before")(_refuse_null)

    @model_validator(mode="after")
    def _aliases_agree(self) -> "SurveyTextsIn":
        given = self.model_dump(include={"texts"}, exclude_unset=True).get("texts") or {}
        for name, (code, key) in V1_TEXT_FIELDS.items():
            if name in self.model_fields_set and key in given.get(code, {}):
                if given[code][key] != getattr(self, name):
                    raise ValueError(f"{name} and texts.{code}.{key} differ; send one of them")
        return self

    def given_texts(self) -> dict[str, dict[str, str | None]] | None:
        """The texts the client sent, by language (None: none sent)."""
        given = self.model_dump(include={"texts", *V1_TEXT_FIELDS}, exclude_unset=True)
        if not given:
            return None
        texts = {code: dict(by_key) for code, by_key in (given.pop("texts", None) or {}).items()}
        for name, text in given.items():
            code, key = V1_TEXT_FIELDS[name]
            texts.setdefault(code, {})[key] = text
        return texts


class SurveyCreate(SurveyTextsIn):
    name: Name
    kind: Literal[KINDS]  # type: ignore[valid-type]
    question_en: Text | None = None
    question_fi: Text | None = None
    comment_prompt_en: Text | None = None
    comment_prompt_fi: Text | None = None
    active: bool = True


class SurveyUpdate(SurveyTextsIn, NoNulls):
    kind: Any = Field(  # named only to say why it is refused
        None, exclude=True, description="Refused: a survey's scores are on its kind's scale."
    )
    name: Name = None  # type: ignore[assignment]  # None only when left out: see NoNulls
    question_en: Text = None  # type: ignore[assignment]
    question_fi: Text = None  # type: ignore[assignment]
    comment_prompt_en: Text = None  # type: ignore[assignment]
    comment_prompt_fi: Text = None  # type: ignore[assignment]
    active: bool = None  # type: ignore[assignment]

    @field_validator("kind", mode="before")
    @classmethod
    def _kind_is_fixed(cls, value: Any) -> Any:
        raise ValueError("cannot be changed: a survey's scores are on its kind's scale")

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, the texts merged into ``texts``."""
        changes = self.model_dump(exclude_unset=True, exclude={"texts", *V1_TEXT_FIELDS})
        texts = self.given_texts()
        return changes | ({"texts": texts} if texts is not None else {})


class CustomerFields(Body):
    """The customer an invitation is for; unsubscribing is never changed through here."""

    external_id: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=320)] | None = None
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)] | None = None
    locale: LocaleTag = None  # type: ignore[assignment]
    timezone: TimeZoneName = None  # type: ignore[assignment]
    attributes: Annotated[
        dict[AttributeName, Any],
        Field(max_length=50),
        AfterValidator(_flat_attributes),
    ] = None  # type: ignore[assignment]

    _not_null = field_validator("locale", "timezone", "attributes", mode="before")(_refuse_null)

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"external_id"})


class InvitationCreate(Body):
    customer: CustomerFields
    send: bool = False


class ProgrammeCreate(Body):
    name: Name
    # ``reward`` is the English text; ``rewards`` the texts by language ({"fi": ..., "sv": ...}).
    reward: Text | None = None
    rewards: dict[LanguageCode, Text] | None = None
    # What makes it a landing URL is surveys.referrals.codes.validate_landing_url's to say.
    landing_url: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ]
    active: bool = True


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

# Query strings --------------------------------------------------------------------------------


def _plus_as_space(value: Any) -> Any:
    """An unencoded "+" in "since=...T10:00:00+02:00" arrives as a space; read it as the "+".

    A number ("0.5", "1700000000") is refused (``refuse_number``).
    """
    if isinstance(value, str) and value.count(" ") == 1 and "T" in value:
        return value.replace(" ", "+")
    return refuse_number(
        value, "an ISO 8601 date-time with a time zone, like 2025-03-01T09:00:00+00:00"
    )


def refuse_number(value: Any, expected: str = "an ISO 8601 date, like 2025-03-01") -> Any:
    """Refuse a number in a query string's date or date-time: pydantic would read "0" or
    "1700000000" as a Unix timestamp, silently, where the client most likely erred."""
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        raise ValueError(expected)
    return value


def _storable(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None


Since = Annotated[AwareDatetime, BeforeValidator(_plus_as_space), AfterValidator(_storable)]


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Page(Query):
    limit: int = Field(50, ge=1, le=500)
    before_id: Id | None = None


class ResponsesQuery(Page):
    """Paging and the format; the filters are the explorer's own
    (``surveys.reports.explorer.parse_filters``), so the API and the explorer page read one
    query string the same way."""

    format: Literal["json", "csv"] = "json"


class RescueTasksQuery(Page):
    status: Literal[RESCUE_STATUSES] | None = None  # type: ignore[valid-type]
    assignee: Annotated[str, StringConstraints(max_length=320)] | None = None


class ReferralsQuery(Page):
    customer: Annotated[str, StringConstraints(max_length=255)] | None = None


class SummaryQuery(Query):
    survey: Id | None = None
