"""The customer directory: every customer, searched by name, email or external id, filtered by
stage and by the segment attributes an admin marked, a page at a time.

Filters come from a query string (``parse_directory_filters``) so a view is a shareable URL.
The search is a case-insensitive substring match: on PostgreSQL ``ILIKE '%text%'`` on the three
columns, each with a trigram GIN index (``surveys.models.customers``), so it stays an index scan
on a large table; on SQLite ``LIKE`` (ASCII case folding, so lower, upper and capitalised forms
of the text are tried too, as the explorer's search does). Pages are offset pages, at most
``MAX_PAGE`` deep: a deeper page asks for a narrower search instead.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from surveys.kernel.errors import ValidationError
from surveys.kernel.stages import STAGES
from surveys.models import Customer, RescueTask, Response, Survey
from surveys.models.customers import SEARCHED_COLUMNS
from surveys.reports.explorer import ATTRIBUTE_NAME, ATTRIBUTE_PREFIX, attribute_text
from surveys.reports.segments import segment_names

SORTS = ("name", "last_answer")
PER_PAGE = 50
MAX_PAGE = 100
MAX_QUERY = 200
MAX_VALUE = 255


@dataclass(frozen=True)
class DirectoryFilters:
    """What the directory lists; ``None`` (or no ``segments``) leaves that open."""

    q: str | None = None
    stage: str | None = None
    segments: Mapping[str, str] = field(default_factory=dict)
    sort: str = "name"
    page: int = 1


@dataclass(frozen=True)
class DirectoryRow:
    """One customer in the list, with their latest answer and open rescue tasks."""

    customer: Customer
    segments: dict[str, Any]
    last_score: int | None
    last_kind: str | None
    last_answered_at: datetime | None
    open_tasks: int


@dataclass(frozen=True)
class DirectoryPage:
    rows: list[DirectoryRow]
    total: int
    page: int
    pages: int
    segments: list[str]


def parse_directory_filters(args: Mapping[str, str], segments: list[str]) -> DirectoryFilters:
    """Filters from query-string text; blanks count as absent, unknown names are ignored.

    ``attr.<name>`` filters on a segment attribute; ``segments`` are the names allowed.

    :raises ValidationError: a value no filter takes, or an attribute that is not a segment;
        ``fields`` names each.
    """
    given = {name: value.strip() for name, value in args.items() if value.strip() != ""}
    errors: dict[str, str] = {}
    q = given.get("q")
    if q is not None and (len(q) > MAX_QUERY or "\x00" in q):
        errors["q"] = f"at most {MAX_QUERY} characters, no NUL"
    stage = given.get("stage")
    if stage is not None and stage not in STAGES:
        errors["stage"] = f"one of {', '.join(STAGES)}"
    sort = given.get("sort", "name")
    if sort not in SORTS:
        errors["sort"] = f"one of {', '.join(SORTS)}"
    page = 1
    if "page" in given:
        try:
            page = int(given["page"])
        except ValueError:
            page = 0
        if not 1 <= page <= MAX_PAGE:
            errors["page"] = f"a whole number from 1 to {MAX_PAGE}; search to narrow the list"
    chosen = {}
    for name, value in given.items():
        if not name.startswith(ATTRIBUTE_PREFIX):
            continue
        key = name.removeprefix(ATTRIBUTE_PREFIX)
        if key not in segments or not ATTRIBUTE_NAME.fullmatch(key):
            errors[name] = "not a segment attribute (an admin marks them under Segments)"
        elif len(value) > MAX_VALUE or "\x00" in value:
            errors[name] = f"at most {MAX_VALUE} characters, no NUL"
        else:
            chosen[key] = value
    if errors:
        names = ", ".join(errors)
        raise ValidationError(f"These filters are not valid: {names}.", fields=errors)
    return DirectoryFilters(q=q, stage=stage, segments=chosen, sort=sort, page=page)


def customer_directory(
    session: Session, filters: DirectoryFilters, *, per_page: int = PER_PAGE
) -> DirectoryPage:
    """One page of the customers matching ``filters``, in its sort order; read-only.

    A fixed number of queries: the count, the page, and the page's latest answers and open
    tasks. A page past the last is empty (``pages`` says how many there are).
    """
    dialect = session.get_bind().dialect.name
    wanted = _filtered(filters, dialect)
    total = session.scalar(select(func.count()).select_from(wanted.subquery()))
    if filters.sort == "last_answer":
        latest = (
            select(Response.customer_id, func.max(Response.answered_at).label("at"))
            .group_by(Response.customer_id)
            .subquery()
        )
        ordered = wanted.outerjoin(latest, latest.c.customer_id == Customer.id).order_by(
            latest.c.at.is_(None), latest.c.at.desc(), Customer.id.desc()
        )
    else:
        ordered = wanted.order_by(
            Customer.name.is_(None), Customer.name, Customer.external_id, Customer.id
        )
    offset = (filters.page - 1) * per_page
    customers = list(session.scalars(ordered.offset(offset).limit(per_page)))
    ids = [customer.id for customer in customers]
    last = _latest_answers(session, ids)
    open_tasks = _open_tasks(session, ids)
    names = segment_names(session)
    rows = [
        DirectoryRow(
            customer=customer,
            segments={name: (customer.attributes or {}).get(name) for name in names},
            last_score=last[customer.id][0] if customer.id in last else None,
            last_kind=last[customer.id][1] if customer.id in last else None,
            last_answered_at=last[customer.id][2] if customer.id in last else None,
            open_tasks=open_tasks.get(customer.id, 0),
        )
        for customer in customers
    ]
    pages = max(1, -(-total // per_page))
    return DirectoryPage(
        rows=rows, total=total, page=filters.page, pages=min(pages, MAX_PAGE), segments=names
    )


def _filtered(filters: DirectoryFilters, dialect: str) -> Select:
    # The record behind anonymous widget answers is nobody: it is not listed.
    stmt = select(Customer).where(Customer.anonymous.is_(False))
    if filters.q:
        stmt = stmt.where(search_where(filters.q, dialect))
    if filters.stage is not None:
        stmt = stmt.where(Customer.stage == filters.stage)
    for name, value in filters.segments.items():
        stmt = stmt.where(attribute_text(name, dialect) == value)
    return stmt


def search_where(text: str, dialect: str) -> ColumnElement[bool]:
    """The customer's name, email or external id contains ``text``, whatever its case."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    columns = [getattr(Customer, name) for name in SEARCHED_COLUMNS]
    if dialect == "postgresql":
        return or_(*(column.ilike(f"%{escaped}%", escape="\\") for column in columns))
    forms = {escaped, escaped.lower(), escaped.upper(), escaped.capitalize(), escaped.title()}
    return or_(
        *(column.like(f"%{form}%", escape="\\") for column in columns for form in sorted(forms))
    )


def _latest_answers(session: Session, ids: list[int]) -> dict[int, tuple]:
    """Each customer's latest answer as (score, survey kind, answered at)."""
    if not ids:
        return {}
    ranked = (
        select(
            Response.customer_id,
            Response.score,
            Survey.kind,
            Response.answered_at,
            func.row_number()
            .over(
                partition_by=Response.customer_id,
                order_by=(Response.answered_at.desc(), Response.id.desc()),
            )
            .label("n"),
        )
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.customer_id.in_(ids))
        .subquery()
    )
    rows = session.execute(select(ranked).where(ranked.c.n == 1)).all()
    return {row.customer_id: (row.score, row.kind, row.answered_at) for row in rows}


def _open_tasks(session: Session, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(
        select(RescueTask.customer_id, func.count(RescueTask.id))
        .where(RescueTask.customer_id.in_(ids), RescueTask.status != "resolved")
        .group_by(RescueTask.customer_id)
    ).all()
    return dict(rows)
