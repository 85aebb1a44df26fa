"""Customer imports from CSV: checked up front, run in resumable batches, every bad row reported.

The run reads the stored file once, row by row (``import_file``), and writes each batch with a
few statements (``import_rows``).

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

import hashlib
from collections.abc import Iterator
from itertools import islice
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from surveys.customers.import_file import decode, open_rows
from surveys.customers.import_rows import import_rows
from surveys.kernel import clock
from surveys.kernel.actor import SYSTEM, Actor
from surveys.kernel.aftercommit import run_after_commit
from surveys.kernel.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from surveys.models import CustomerImport

MAX_STORED_ERRORS = 1000
MAX_FILENAME_LENGTH = 255
BATCH_SIZE = 200
IMPORT_TASK = "kaiku.import_customers"


def create_import(
    session: Session, filename: str, content: bytes | str, *, actor: Actor = SYSTEM
) -> CustomerImport:
    """Check the file's encoding and header, count its rows and store it as a queued import.

    The rows themselves are checked when the import runs (``run_batches``). Flushes; registers
    ``kaiku.import_customers`` with the import's id to run after the caller's commit.

    Only an admin imports (the command line acts as Kaiku itself, ``SYSTEM``); the import
    keeps who started it.

    :raises ForbiddenError: ``actor`` is not an admin.
    :raises ValidationError: not UTF-8 text, no header, no external_id column, a column named
        twice or not at all, or no rows.
    """
    if not actor.is_admin:
        raise ForbiddenError(
            f"{actor.label} has the {actor.role} role and may not import customers."
        )
    text = decode(content)
    _, rows = open_rows(text)  # refuses a file without a usable header now, not in the worker
    total = sum(1 for _ in rows)
    if total == 0:
        raise ValidationError(
            "The file has a header but no rows to import.", fields={"file": "no rows"}
        )
    name = (filename or "customers.csv").replace("\\", "/").rsplit("/", 1)[-1]
    # Only for showing: a character no page prints (or no database stores) is dropped.
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    customer_import = CustomerImport(
        filename=name[-MAX_FILENAME_LENGTH:] or "customers.csv",
        content=text,
        content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        status="queued",
        total_rows=total,
        errors=[],
        created_by_id=actor.staff_id,
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


def run_batches(
    session: Session, customer_import: CustomerImport, batch_size: int = BATCH_SIZE
) -> Iterator[int]:
    """Import the rows after ``processed_rows``, ``batch_size`` at a time; after each batch,
    yields how many rows are processed. The last batch marks the import done.

    The stored file is read once, as the batches consume it (a resumed run skips the rows
    already processed). A bad row is recorded as ``{"line", "reason", "reasons"}`` (every
    reason of the row; ``reason`` joins them) and skipped. The counters advance only if no
    one else advanced them meanwhile, so two runs of one import never count a row twice.
    Each batch is flushed; the caller commits before asking for the next (that commit is the
    progress others see).

    :raises ConflictError: another run processed these rows first; roll back and stop.
    :raises ValidationError: the stored file can no longer be read.
    """
    columns, rows = open_rows(customer_import.content)
    processed = customer_import.processed_rows
    rows = islice(rows, processed, None)
    total = customer_import.total_rows
    counts = {
        "created": customer_import.created_count,
        "updated": customer_import.updated_count,
        "unchanged": customer_import.unchanged_count,
    }
    errors = list(customer_import.errors or [])
    while True:
        batch = list(islice(rows, batch_size))
        outcomes = import_rows(session, columns, batch)
        for row, (outcome, reasons) in zip(batch, outcomes, strict=True):
            if outcome in counts:
                counts[outcome] += 1
            elif len(errors) < MAX_STORED_ERRORS:
                # "reason" in one line as before; "reasons" each of them, for the list.
                errors.append({"line": row.line, "reason": "; ".join(reasons), "reasons": reasons})
        start_at, processed = processed, processed + len(batch)
        done = processed >= total or len(batch) < batch_size
        values: dict[str, Any] = {
            "processed_rows": processed,
            "created_count": counts["created"],
            "updated_count": counts["updated"],
            "unchanged_count": counts["unchanged"],
            "errors": list(errors),
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
        yield processed
        if done:
            return


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
