"""Customer imports from CSV: checked up front, run in resumable batches, every bad row reported.

The file is UTF-8 (a byte-order mark is fine), separated by commas, semicolons or tabs, with a
header row. Columns:

- ``external_id`` (required): the customer's id in your systems; a row without one is refused.
- ``email``, ``name``, ``locale`` (a language tag such as en, fi, sv or sv-FI; one Kaiku has
  no catalog for is kept and served in English), ``timezone`` (IANA, like Europe/Helsinki),
  ``stage`` (a lifecycle stage: a change is kept in the stage history with cause "import"),
  ``unsubscribed`` (true/false, yes/no, 1/0).
- Any other column is an attribute of that name; write ``attr:<name>`` to import an attribute
  whose name is also one of the columns above. Numbers without leading zeros become numbers
  (so trigger filters can compare them), ``true``/``false`` become booleans, anything else
  stays text.

An empty cell leaves the stored value as it is, so a file with a few columns only changes those.
An import never resubscribes anyone: ``unsubscribed`` false does not undo an unsubscribe.
Running the same file again changes nothing and counts every row unchanged.
"""

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from surveys.customers.records import scalar_from_text, upsert_customer
from surveys.kernel import clock
from surveys.kernel.aftercommit import run_after_commit
from surveys.kernel.errors import ConflictError, NotFoundError, ValidationError
from surveys.models import Customer, CustomerImport, StaffUser

FIELD_COLUMNS = ("email", "name", "locale", "timezone", "stage", "unsubscribed")
ATTRIBUTE_PREFIX = "attr:"
SNAPSHOT_FIELDS = ("email", "name", "locale", "timezone", "stage", "unsubscribed", "attributes")
MAX_STORED_ERRORS = 1000
MAX_FILENAME_LENGTH = 255
BATCH_SIZE = 200
IMPORT_TASK = "kaiku.import_customers"
TRUE_WORDS = frozenset({"true", "yes", "1", "kyllä"})
FALSE_WORDS = frozenset({"false", "no", "0", "ei"})


@dataclass(frozen=True)
class Row:
    line: int  # the file line where the row starts (the header is line 1)
    cells: list[str]


def create_import(
    session: Session, filename: str, content: bytes | str, *, created_by: StaffUser | None = None
) -> CustomerImport:
    """Check the file's encoding and header, count its rows and store it as a queued import.

    The rows themselves are checked when the import runs (``run_batch``). Flushes; registers
    ``kaiku.import_customers`` with the import's id to run after the caller's commit.

    :raises ValidationError: not UTF-8 text, no header, no external_id column, a column named
        twice or not at all, or no rows.
    """
    text = _decode(content)
    _header(text)  # refuses a file without a usable header now, not in the worker
    total = sum(1 for _ in _rows(text))
    if total == 0:
        raise ValidationError(
            "The file has a header but no rows to import.", fields={"file": "no rows"}
        )
    name = (filename or "customers.csv").replace("\\", "/").rsplit("/", 1)[-1].strip()
    customer_import = CustomerImport(
        filename=name[-MAX_FILENAME_LENGTH:] or "customers.csv",
        content=text,
        content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        status="queued",
        total_rows=total,
        errors=[],
        created_by_id=created_by.id if created_by is not None else None,
    )
    session.add(customer_import)
    session.flush()
    run_after_commit(session, IMPORT_TASK, [customer_import.id])
    return customer_import


def get_import(session: Session, import_id: int) -> CustomerImport:
    """:raises NotFoundError: no import with this id."""
    found = session.get(CustomerImport, import_id) if 0 < import_id < 2**31 else None
    if found is None:
        raise NotFoundError(f"No customer import {import_id}.")
    return found


def start(session: Session, customer_import: CustomerImport) -> bool:
    """Mark a queued import running; False when it is done or failed already (nothing to do).

    A running import is resumed (a worker died in the middle): batches continue after
    ``processed_rows``. Flushes; the caller commits.
    """
    if customer_import.status in ("done", "failed"):
        return False
    if customer_import.status == "queued":
        customer_import.status = "running"
        customer_import.started_at = clock.now()
    session.flush()
    return True


def run_batch(
    session: Session, customer_import: CustomerImport, batch_size: int = BATCH_SIZE
) -> bool:
    """Import the next ``batch_size`` rows after ``processed_rows``; True when all are done.

    Each row goes through ``upsert_customer`` in a savepoint: a bad row is rolled back alone
    and recorded as ``{"line", "reason"}``. The counters advance only if no one else advanced
    them meanwhile, so two runs of one import never count a row twice. Flushes; the caller
    commits after each batch (that commit is the progress others see).

    :raises ConflictError: another run processed these rows first; roll back and stop.
    """
    start_at = customer_import.processed_rows
    text = customer_import.content
    columns = _header(text)
    created = updated = unchanged = 0
    errors: list[dict[str, Any]] = []
    rows = 0
    for row in _slice(_rows(text), start_at, batch_size):
        rows += 1
        outcome, reason = _import_row(session, columns, row)
        if outcome == "created":
            created += 1
        elif outcome == "updated":
            updated += 1
        elif outcome == "unchanged":
            unchanged += 1
        else:
            errors.append({"line": row.line, "reason": reason})
    processed = start_at + rows
    done = processed >= customer_import.total_rows or rows < batch_size
    stored = list(customer_import.errors or [])
    values: dict[str, Any] = {
        "processed_rows": processed,
        "created_count": customer_import.created_count + created,
        "updated_count": customer_import.updated_count + updated,
        "unchanged_count": customer_import.unchanged_count + unchanged,
        "errors": stored + errors[: max(0, MAX_STORED_ERRORS - len(stored))],
    }
    if done:
        values |= {"status": "done", "finished_at": clock.now(), "total_rows": processed}
    claimed = session.execute(
        update(CustomerImport)
        .where(CustomerImport.id == customer_import.id)
        .where(CustomerImport.processed_rows == start_at)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise ConflictError(f"Import {customer_import.id} is being run elsewhere.")
    # The UPDATE above wrote these; the loaded row reads them back when next asked.
    session.expire(customer_import, list(values))
    return done


def fail(session: Session, customer_import: CustomerImport, reason: str) -> None:
    """Mark the import failed with ``reason`` (shown on its page); the caller commits."""
    customer_import.status = "failed"
    customer_import.finished_at = clock.now()
    customer_import.errors = [*(customer_import.errors or []), {"line": None, "reason": reason}]
    session.flush()


def failed_rows(customer_import: CustomerImport) -> int:
    """How many rows were refused (stored errors are capped at MAX_STORED_ERRORS)."""
    good = (
        customer_import.created_count
        + customer_import.updated_count
        + customer_import.unchanged_count
    )
    return max(0, customer_import.processed_rows - good)


def percent_done(customer_import: CustomerImport) -> int:
    if customer_import.status == "done" or not customer_import.total_rows:
        return 100 if customer_import.status == "done" else 0
    return min(100, 100 * customer_import.processed_rows // customer_import.total_rows)


# Reading the file ------------------------------------------------------------------------------


def _decode(content: bytes | str) -> str:
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "The file is not UTF-8 text. Save it as CSV UTF-8 and try again.",
                fields={"file": "not UTF-8 text"},
            ) from None
    content = content.removeprefix("\ufeff")
    if "\x00" in content:
        raise ValidationError(
            "The file is not a CSV text file.", fields={"file": "contains NUL characters"}
        )
    return content


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _reader(text: str) -> Iterator[Row]:
    """Every record with the line it starts on, blank lines skipped; the header first."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text), strict=False)
    next_line = 1
    try:
        for cells in reader:
            line, next_line = next_line, reader.line_num + 1
            if any(cell.strip() for cell in cells):
                yield Row(line, cells)
    except csv.Error as exc:
        raise ValidationError(
            f"The file cannot be read as CSV near line {reader.line_num}: {exc}.",
            fields={"file": "not valid CSV"},
        ) from None


def _header(text: str) -> list[str]:
    """The column names, built-in ones lower-cased; ``attr:`` columns keep their own case."""
    first = next(_reader(text), None)
    if first is None:
        raise ValidationError("The file is empty.", fields={"file": "empty"})
    columns: list[str] = []
    for number, cell in enumerate(first.cells, start=1):
        name = cell.strip()
        if name.lower() in ("external_id", *FIELD_COLUMNS):
            name = name.lower()
        if not name or name == ATTRIBUTE_PREFIX:
            raise ValidationError(
                f"Column {number} of the header has no name.", fields={"file": "unnamed column"}
            )
        if name in columns:
            raise ValidationError(
                f"The column {name!r} appears twice in the header.",
                fields={"file": "duplicate column"},
            )
        columns.append(name)
    if "external_id" not in columns:
        raise ValidationError(
            "The header has no external_id column: every row needs the customer's id.",
            fields={"file": "external_id column missing"},
        )
    return columns


def _rows(text: str) -> Iterator[Row]:
    rows = _reader(text)
    next(rows, None)  # the header
    yield from rows


def _slice(rows: Iterator[Row], skip: int, take: int) -> Iterator[Row]:
    for index, row in enumerate(rows):
        if index >= skip + take:
            return
        if index >= skip:
            yield row


# One row ----------------------------------------------------------------------------------------


def _import_row(session: Session, columns: list[str], row: Row) -> tuple[str, str | None]:
    """("created" | "updated" | "unchanged", None) or ("error", reason)."""
    if len(row.cells) != len(columns):
        return "error", f"{len(row.cells)} values, but the header has {len(columns)} columns"
    try:
        external_id, fields = _fields(columns, row.cells)
    except ValueError as exc:
        return "error", str(exc)
    try:
        with session.begin_nested():
            before = _snapshot(session, external_id)
            if before is not None and before["unsubscribed"]:
                fields.pop("unsubscribed", None)  # an import never resubscribes anyone
            customer = upsert_customer(session, external_id, cause="import", **fields)
            after = _snapshot_of(customer)
    except ValidationError as exc:
        reasons = [f"{name}: {why}" for name, why in exc.fields.items()]
        return "error", "; ".join(reasons) or exc.message
    except (IntegrityError, DataError) as exc:
        return "error", f"the database refused the row ({type(exc.orig).__name__})"
    if before is None:
        return "created", None
    return ("unchanged" if before == after else "updated"), None


def _fields(columns: list[str], cells: list[str]) -> tuple[str, dict[str, Any]]:
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
                raise ValueError(f"unsubscribed: true or false, not {value[:40]!r}")
            fields["unsubscribed"] = word in TRUE_WORDS
        elif column == "stage":
            fields[column] = value.lower()
        elif column in FIELD_COLUMNS:
            fields[column] = value
        else:
            attributes[column.removeprefix(ATTRIBUTE_PREFIX)] = scalar_from_text(value)
    if not external_id:
        raise ValueError("external_id: required")
    if attributes:
        fields["attributes"] = attributes
    return external_id, fields


def _snapshot(session: Session, external_id: str) -> dict[str, Any] | None:
    customer = session.scalars(
        select(Customer).where(Customer.external_id == external_id)
    ).one_or_none()
    return _snapshot_of(customer) if customer is not None else None


def _snapshot_of(customer: Customer) -> dict[str, Any]:
    values = {field: getattr(customer, field) for field in SNAPSHOT_FIELDS}
    values["attributes"] = dict(values["attributes"] or {})
    return values
