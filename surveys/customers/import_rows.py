"""One batch of an import's rows into customers: a few statements per batch, not per row.

Each row is checked in Python first (a bad one is reported with every reason it has, not only
the first, and skipped); the good ones are
written together in one savepoint, with one query loading the batch's customers. When the
database refuses the batch anyway, it is redone row by row, each in its own savepoint, so only
the refused row is lost.
"""

from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from surveys.customers.fields import scalar_from_text
from surveys.customers.import_file import ATTRIBUTE_PREFIX, FIELD_COLUMNS, Row
from surveys.customers.records import (
    apply_customer_fields,
    check_customer_fields,
    load_or_create_customers,
)
from surveys.kernel.errors import ValidationError
from surveys.models import Customer

SNAPSHOT_FIELDS = ("email", "name", "locale", "timezone", "stage", "unsubscribed", "attributes")
TRUE_WORDS = frozenset({"true", "yes", "1", "kyllä"})
FALSE_WORDS = frozenset({"false", "no", "0", "ei"})

# ("created" | "updated" | "unchanged", None), or ("error", every reason the row was refused)
Outcome = tuple[str, list[str] | None]
Checked = tuple[str, dict[str, Any]] | list[str]  # (external_id, checked fields), or why not


def import_rows(session: Session, columns: list[str], rows: list[Row]) -> list[Outcome]:
    """Create or update the customers of ``rows``; each row's outcome, in order. Flushes."""
    checked = [_checked_row(columns, row) for row in rows]
    try:
        with session.begin_nested():
            return _write(session, checked)
    except (IntegrityError, DataError):
        pass  # the savepoint is rolled back: find the refused rows one by one
    outcomes: list[Outcome] = []
    for item in checked:
        try:
            with session.begin_nested():
                outcomes += _write(session, [item])
        except (IntegrityError, DataError) as exc:
            why = f"the database refused the row ({type(exc.orig).__name__})"
            outcomes.append(("error", [why]))
    return outcomes


def _checked_row(columns: list[str], row: Row) -> Checked:
    """The row's checked fields, or every reason it is refused (in the order of its columns)."""
    if len(row.cells) != len(columns):
        return [f"{len(row.cells)} values, but the header has {len(columns)} columns"]
    external_id, fields, problems = _fields(columns, row.cells)
    try:
        checked = check_customer_fields(external_id, fields)
    except ValidationError as exc:
        problems = {name: why for name, why in exc.fields.items()} | problems
        if not problems:
            return [exc.message]
    if problems:
        order = {column: index for index, column in enumerate(["external_id", *columns])}
        names = sorted(problems, key=lambda name: order.get(name, len(order)))
        return [f"{name}: {problems[name]}" for name in names]
    return checked


def _write(session: Session, checked: list[Checked]) -> list[Outcome]:
    first_values: dict[str, dict[str, Any]] = {}
    for item in checked:
        if not isinstance(item, list):
            first_values.setdefault(*item)
    customers, created = load_or_create_customers(session, first_values)
    outcomes: list[Outcome] = []
    for item in checked:
        if isinstance(item, list):
            outcomes.append(("error", item))
            continue
        external_id, values = item
        customer = customers[external_id]
        initial = external_id in created
        created.discard(external_id)  # the same id again further down the batch is an update
        before = None if initial else _snapshot_of(customer)
        if before is not None and before["unsubscribed"]:
            values = {k: v for k, v in values.items() if k != "unsubscribed"}  # never resubscribe
        apply_customer_fields(session, customer, values, cause="import", initial=initial)
        if before is None:
            outcomes.append(("created", None))
        else:
            outcomes.append(("unchanged" if before == _snapshot_of(customer) else "updated", None))
    session.flush()
    return outcomes


def _fields(columns: list[str], cells: list[str]) -> tuple[str, dict[str, Any], dict[str, str]]:
    """The row's external id and fields as ``check_customer_fields`` takes them, and the
    problems only the file's own words show (a missing id, an unsubscribed that is no yes/no)."""
    problems: dict[str, str] = {}
    fields: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    external_id = ""
    for column, raw in zip(columns, cells, strict=True):
        value = raw.strip()
        if column == "external_id":
            external_id = value
        elif not value:
            continue  # empty: keep what is stored
        elif column == "unsubscribed":
            word = value.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                problems["unsubscribed"] = f"true or false, not {value[:40]!r}"
            else:
                fields["unsubscribed"] = word in TRUE_WORDS
        elif column == "stage":
            fields[column] = value.lower()
        elif column in FIELD_COLUMNS:
            fields[column] = value
        else:
            attributes[column.removeprefix(ATTRIBUTE_PREFIX)] = scalar_from_text(value)
    if not external_id:
        problems["external_id"] = "required"
    if attributes:
        fields["attributes"] = attributes
    return external_id, fields, problems


def _snapshot_of(customer: Customer) -> dict[str, Any]:
    values = {field: getattr(customer, field) for field in SNAPSHOT_FIELDS}
    values["attributes"] = dict(values["attributes"] or {})
    return values
