"""Reading a customer import's CSV file: its text, its header, its rows one by one as they come.

One ``csv.reader`` over a stream of the text reads the header and then the rows on demand, so
an import reads its file once, however many batches it takes.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from surveys.kernel.errors import ValidationError

FIELD_COLUMNS = ("email", "name", "locale", "timezone", "stage", "unsubscribed")
ATTRIBUTE_PREFIX = "attr:"


@dataclass(frozen=True)
class Row:
    line: int  # the file line where the row starts (the header is line 1)
    cells: list[str]


def decode(content: bytes | str) -> str:
    """The file's text without a byte-order mark.

    :raises ValidationError: not UTF-8, or not text at all (NUL characters).
    """
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


def open_rows(text: str) -> tuple[list[str], Iterator[Row]]:
    """The header's column names, and the rows after it, parsed only as they are consumed.

    :raises ValidationError: now, for a missing or unusable header (``_columns``); while
        iterating, for text that cannot be read as CSV.
    """
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise ValidationError("The file is empty.", fields={"file": "empty"})
    return _columns(first), records


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _records(text: str) -> Iterator[Row]:
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


def _columns(header: Row) -> list[str]:
    """The column names, built-in ones lower-cased; ``attr:`` columns keep their own case."""
    columns: list[str] = []
    for number, cell in enumerate(header.cells, start=1):
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
