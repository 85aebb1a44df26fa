"""CSV for spreadsheets: cells that cannot run as formulas, UTF-8 that Excel opens, streamed.

A cell a spreadsheet would read as a formula (OWASP "CSV injection": ``=``, ``+``, ``-``, ``@``,
tab, carriage return first) gets a leading ``'``, which Excel, LibreOffice and Google Sheets show
as text. Only text is neutralised: a negative polarity stays the number -0.4. The first chunk
starts with a UTF-8 byte order mark, without which Excel reads UTF-8 as the local code page
("HyvÃ¤"). Newlines inside a comment stay in its quoted cell.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    """What a CSV cell holds: empty for None, "true"/"false" for booleans, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def stream_csv(rows: Iterable[Iterable[Any]], *, rows_per_chunk: int = 200) -> Iterator[bytes]:
    """UTF-8 chunks of CSV (BOM first, CRLF line ends), ``rows_per_chunk`` rows per chunk;
    reads ``rows`` only as fast as the chunks are taken."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    pending = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")
