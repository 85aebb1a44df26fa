"""Writing a batch's new tags: language, sentiment and themes, never routing.

Re-tagging (``surveys.answers.reanalysis``) reads a batch and calls ``retag``; a response the
customer changed since the batch read it (its revision moved, or it waits for the pipeline
again) is skipped and left to the pipeline, which tags it anyway. The rollup cells of what it
writes are marked stale, so the reports count the new languages, sentiments and themes.
"""

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from surveys.answers.analysis.themes import Taxonomy
from surveys.answers.processing import TAGGING_VALUES, tag_comment
from surveys.models import Response, ResponseTheme
from surveys.models.rollups import mark_stale_from, utc_day


def retag(session: Session, rows, taxonomy: Taxonomy, version: str) -> int:
    """Write the new tagging of ``rows`` (id, revision, comment, locale) where the response is
    unchanged since it was read, and replace their themes; returns how many were written."""
    if not rows:
        return 0
    table = Response.__table__
    taggings = {row.id: tag_comment(row.comment, row.locale, taxonomy) for row in rows}
    session.execute(
        update(table)
        .where(
            table.c.id == bindparam("b_id"),
            table.c.revision == bindparam("b_revision"),
            table.c.processed_at.is_not(None),
        )
        .values(**TAGGING_VALUES),
        [
            {"b_id": row.id, "b_revision": row.revision, **taggings[row.id].columns(),
             "b_version": version}
            for row in rows
        ],
    )  # fmt: skip
    # Written: still the revision read, and still processed. A row this update wrote stays
    # locked until commit; one it skipped had changed already and fails the check below.
    read = {row.id: row.revision for row in rows}
    written = [
        rid
        for rid, revision in session.execute(
            select(table.c.id, table.c.revision).where(
                table.c.id.in_(read), table.c.processed_at.is_not(None)
            )
        )
        if read[rid] == revision
    ]
    if written:
        mark_stale_from(
            session,
            select(table.c.survey_id, utc_day(table.c.answered_at)).where(table.c.id.in_(written)),
        )
        session.execute(delete(ResponseTheme).where(ResponseTheme.response_id.in_(written)))
        themes = [
            {"response_id": rid, "theme": theme}
            for rid in written
            for theme in taggings[rid].themes
        ]
        if themes:
            session.execute(ResponseTheme.__table__.insert(), themes)
    return len(written)
