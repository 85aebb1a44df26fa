"""The explorer: every response, filtered and sorted; the one place the explorer's filters live.

A filter set is read from a query string (``parse_filters``) so that a view can be shared as a
URL, and turned into one SQL statement (``filtered_responses``) that the API's pages, its CSV
export and the explorer page all run. Every filter combines with every other (AND).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, String, case, cast, exists, func, select
from sqlalchemy.orm import Session, selectinload

from surveys.catalog import definitions as catalog
from surveys.catalog.scoring import SCALES
from surveys.customers.fields import MAX_EXTERNAL_ID_LENGTH
from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.kernel.stages import STAGES
from surveys.models import KINDS, Customer, RescueTask, Response, ResponseTheme, Survey
from surveys.reports import search

CATEGORIES = tuple(dict.fromkeys(c for scale in SCALES.values() for c in scale.categories))
SENTIMENTS = ("positive", "neutral", "negative", "mixed", "not_analysed")
RESCUE_FILTERS = ("none", "open", "resolved", "any")
SORTS = ("newest", "oldest", "score_asc", "score_desc")
LOWEST_SCORE = min(min(scale.scores) for scale in SCALES.values())
HIGHEST_SCORE = max(max(scale.scores) for scale in SCALES.values())
ATTRIBUTE_PREFIX = "attr."
# Attribute names a filter may name: JSON paths are built from them.
ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_\-]{1,64}")
MAX_TEXT = 200


@dataclass(frozen=True)
class ExplorerFilters:
    """A filter set; ``None`` (or empty ``attributes``) leaves that dimension open.

    ``answered_from`` is inclusive, ``answered_to`` exclusive (a ``to`` date is its whole day).
    ``attributes`` are customer attributes matched on their text ("true", "42", "pro");
    ``customer`` is one customer's external id (as the API names customers).
    """

    answered_from: datetime | None = None
    answered_to: datetime | None = None
    since: datetime | None = None
    survey: int | None = None
    kind: str | None = None
    score: int | None = None
    score_min: int | None = None
    score_max: int | None = None
    category: str | None = None
    sentiment: str | None = None
    theme: str | None = None
    stage: str | None = None
    channel: str | None = None
    language: str | None = None
    customer: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)
    rescue: str | None = None
    q: str | None = None
    sort: str = "newest"


def parse_filters(args: Mapping[str, str]) -> ExplorerFilters:
    """Filters from query-string text; empty values count as absent, unknown names are ignored.

    :raises ValidationError: a value no filter takes, or from after to; ``fields`` names each.
    """
    errors: dict[str, str] = {}
    given = {name: value.strip() for name, value in args.items() if value.strip() != ""}

    def read(name: str, convert: Any) -> Any:
        if name not in given:
            return None
        try:
            return convert(given[name])
        except ValueError as exc:
            errors[name] = str(exc)
            return None

    values: dict[str, Any] = {
        "answered_from": read("from", lambda v: _moment(v, end=False)),
        "answered_to": read("to", lambda v: _moment(v, end=True)),
        "since": read("since", _aware),
        "survey": read("survey", lambda v: _integer(v, 1, catalog.MAX_ID)),
        "kind": read("kind", lambda v: _one_of(v, KINDS)),
        "score": read("score", lambda v: _integer(v, LOWEST_SCORE, HIGHEST_SCORE)),
        "score_min": read("score_min", lambda v: _integer(v, LOWEST_SCORE, HIGHEST_SCORE)),
        "score_max": read("score_max", lambda v: _integer(v, LOWEST_SCORE, HIGHEST_SCORE)),
        "category": read("category", lambda v: _one_of(v, CATEGORIES)),
        "sentiment": read("sentiment", lambda v: _one_of(v, SENTIMENTS)),
        "theme": read("theme", lambda v: _short(v, 40)),
        "stage": read("stage", lambda v: _one_of(v, STAGES)),
        "channel": read("channel", lambda v: _short(v, 16)),
        "language": read("language", lambda v: _short(v.lower(), 8)),
        "customer": read("customer", lambda v: _short(v, MAX_EXTERNAL_ID_LENGTH)),
        "rescue": read("rescue", lambda v: _one_of(v, RESCUE_FILTERS)),
        "q": read("q", lambda v: _short(v, MAX_TEXT)),
        "sort": read("sort", lambda v: _one_of(v, SORTS)) or "newest",
    }
    attributes = {}
    for name, value in given.items():
        if name.startswith(ATTRIBUTE_PREFIX):
            key = name.removeprefix(ATTRIBUTE_PREFIX)
            if not ATTRIBUTE_NAME.fullmatch(key):
                errors[name] = "an attribute name is letters, digits, _ and -, up to 64"
            elif len(value) > 255:
                errors[name] = "at most 255 characters"
            else:
                attributes[key] = value
    start, end = values["answered_from"], values["answered_to"]
    if start is not None and end is not None and start >= end:
        errors["from"] = "must be before to"
    low, high = values["score_min"], values["score_max"]
    if low is not None and high is not None and low > high:
        errors["score_min"] = "must not be above score_max"
    if errors:
        names = ", ".join(errors)
        raise ValidationError(f"These filters are not valid: {names}.", fields=errors)
    return ExplorerFilters(**values, attributes=attributes)


def filtered_responses(session: Session, filters: ExplorerFilters) -> Select:
    """``select(Response)`` with every filter applied, in the filters' sort order (id breaks
    ties), themes loaded per batch. Run it as it is, page it, or add columns to it.

    :raises NotFoundError: ``survey`` names no survey, or ``customer`` no customer (a wrong id
        is noticed, not an empty list); ``fields`` names which.
    """
    stmt = select(Response).options(selectinload(Response.themes))
    if filters.survey is not None:
        stmt = stmt.where(Response.survey_id == catalog.get_survey(session, filters.survey).id)
    if filters.customer is not None:
        stmt = stmt.where(Response.customer_id == _customer_id(session, filters.customer))
    if filters.kind is not None:
        stmt = stmt.where(
            Response.survey_id.in_(select(Survey.id).where(Survey.kind == filters.kind))
        )
    for lower in (filters.answered_from, filters.since):
        if lower is not None:
            stmt = stmt.where(Response.answered_at >= lower)
    if filters.answered_to is not None:
        stmt = stmt.where(Response.answered_at < filters.answered_to)
    if filters.score is not None:
        stmt = stmt.where(Response.score == filters.score)
    if filters.score_min is not None:
        stmt = stmt.where(Response.score >= filters.score_min)
    if filters.score_max is not None:
        stmt = stmt.where(Response.score <= filters.score_max)
    for column, value in (
        (Response.category, filters.category),
        (Response.stage, filters.stage),
        (Response.channel, filters.channel),
        (Response.language, filters.language),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.sentiment is not None:
        stmt = stmt.where(_sentiment_where(filters.sentiment))
    if filters.theme is not None:
        tagged = select(ResponseTheme.response_id).where(ResponseTheme.theme == filters.theme)
        stmt = stmt.where(Response.id.in_(tagged))
    if filters.attributes:
        dialect = session.get_bind().dialect.name
        matching = select(Customer.id).where(
            *(attribute_text(name, dialect) == value for name, value in filters.attributes.items())
        )
        stmt = stmt.where(Response.customer_id.in_(matching))
    if filters.rescue is not None:
        stmt = stmt.where(_rescue_where(filters.rescue))
    if filters.q:
        postgres = session.get_bind().dialect.name == "postgresql"
        stmt = stmt.where(
            search.fulltext_where(filters.q) if postgres else search.like_where(filters.q)
        )
    return stmt.order_by(*_ORDER[filters.sort])


_ORDER = {
    "newest": (Response.answered_at.desc(), Response.id.desc()),
    "oldest": (Response.answered_at.asc(), Response.id.asc()),
    "score_asc": (Response.score.asc(), Response.answered_at.desc(), Response.id.desc()),
    "score_desc": (Response.score.desc(), Response.answered_at.desc(), Response.id.desc()),
}


def _customer_id(session: Session, external_id: str) -> int:
    found = session.scalar(select(Customer.id).where(Customer.external_id == external_id))
    if found is None:
        message = f"No customer {external_id!r}."
        raise NotFoundError(message, fields={"customer": "no such customer"})
    return found


def _sentiment_where(sentiment: str) -> Any:
    if sentiment == "mixed":
        return Response.sentiment_mixed.is_(True)
    if sentiment == "not_analysed":  # a comment Kaiku has not (or could not) put a label on
        return Response.comment.is_not(None) & Response.sentiment_label.is_(None)
    return Response.sentiment_label == sentiment


def _rescue_where(rescue: str) -> Any:
    task = exists().where(RescueTask.response_id == Response.id)
    if rescue == "none":
        return ~task
    if rescue == "open":
        return task.where(RescueTask.status != "resolved")
    if rescue == "resolved":
        return task.where(RescueTask.status == "resolved")
    return task


def attribute_text(name: str, dialect: str) -> Any:
    """The customer attribute ``name`` as text, the same on both backends: "pro", "42", "true".

    PostgreSQL's ``->>`` already gives that; SQLite's json_extract gives 1/0 for booleans, so
    their JSON type decides there.
    """
    if dialect == "postgresql":
        return Customer.attributes[name].as_string()
    path = f'$."{name}"'
    kind = func.json_type(Customer.attributes, path)
    return case(
        (kind == "true", "true"),
        (kind == "false", "false"),
        else_=cast(func.json_extract(Customer.attributes, path), String),
    )


# Reading values --------------------------------------------------------------------------------


def _integer(value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError("not a whole number") from None
    if not low <= number <= high:
        raise ValueError(f"between {low} and {high}")
    return number


def _one_of(value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"one of {', '.join(choices)}")
    return value


def _short(value: str, length: int) -> str:
    if len(value) > length:
        raise ValueError(f"at most {length} characters")
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value


def _aware(value: str) -> datetime:
    """An ISO 8601 moment with its UTC offset; an unencoded "+" arrives as a space."""
    if value.count(" ") == 1 and "T" in value:
        value = value.replace(" ", "+")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        raise ValueError("give the UTC offset, e.g. 2025-03-01T09:00:00+02:00")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range") from None


def _moment(value: str, *, end: bool) -> datetime:
    """A date (a whole UTC day: ``to`` then means the end of that day) or a moment with offset."""
    if len(value) == 10:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a date (YYYY-MM-DD) or ISO 8601 date and time") from None
        if end:
            if day == date.max:
                raise ValueError("out of range")
            day += timedelta(days=1)
        return datetime.combine(day, time(), tzinfo=UTC)
    return _aware(value)
