"""The explorer's matching responses as CSV rows: the explorer page's download and the API's
``format=csv`` both stream these (``surveys.reports.csv_export`` neutralises and encodes them)."""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.models import Customer, RescueTask, Response, ResponseTheme, Survey
from surveys.reports.explorer import ExplorerFilters, filtered_responses

CSV_HEADER = (
    "id", "answered_at", "survey", "kind", "score", "category", "comment", "language",
    "sentiment", "polarity", "mixed", "themes", "stage", "channel", "customer_external_id",
    "customer_name", "rescue_task_id", "rescue_status",
)  # fmt: skip
CSV_BATCH = 500


def csv_rows(session: Session, filters: ExplorerFilters) -> Iterator[list[Any]]:
    """The header, then one row per matching response, read ``CSV_BATCH`` at a time (a server-
    side cursor on PostgreSQL), so memory holds one batch however many rows match. Cells are raw
    values: ``surveys.reports.csv_export`` neutralises and encodes them.

    Plain columns, not ORM objects: a response as an object brings its survey (texts and all)
    and its customer (attributes and all) on every row, which cost six times the query itself.

    :raises NotFoundError: as ``filtered_responses``, when the first row is asked for.
    """
    stmt = (
        filtered_responses(session, filters)
        .with_only_columns(
            Response.id, Response.answered_at, Survey.name, Survey.kind, Response.score,
            Response.category, Response.comment, Response.language, Response.sentiment_label,
            Response.sentiment_polarity, Response.sentiment_mixed, Response.stage,
            Response.channel, Customer.external_id, Customer.name, RescueTask.id,
            RescueTask.status,
        )
        .select_from(Response)
        .join(Survey, Survey.id == Response.survey_id)
        .join(Customer, Customer.id == Response.customer_id)
        .outerjoin(RescueTask, RescueTask.response_id == Response.id)
        .execution_options(yield_per=CSV_BATCH)
    )  # fmt: skip
    yield list(CSV_HEADER)
    for batch in session.execute(stmt).partitions():
        themes: dict[int, list[str]] = {}
        for response_id, theme in session.execute(
            select(ResponseTheme.response_id, ResponseTheme.theme)
            .where(ResponseTheme.response_id.in_([row[0] for row in batch]))
            .order_by(ResponseTheme.response_id, ResponseTheme.theme)
        ):
            themes.setdefault(response_id, []).append(theme)
        for row in batch:
            rid, label, mixed = row[0], row[8], row[10]
            yield [
                rid, row[1].isoformat(), *row[2:10], mixed if label is not None else None,
                ";".join(themes.get(rid, ())), *row[11:],
            ]  # fmt: skip
