"""full-text search of comments: a partial GIN expression index per text search configuration

Revision ID: 3b9f0c6d2e71
Revises: e7a2c5d1f9b3
Create Date: 2026-12-02 10:00:00

PostgreSQL only (SQLite searches with LIKE, see surveys.reports.search). Each index holds
to_tsvector('<config>', comment) for its language's rows only: finnish (fi), swedish (sv),
english (en), and simple for every other or unknown language. The expressions and predicates are
the ones the explorer's query repeats, written out here as they were at this revision.
"""
from alembic import op

revision = "3b9f0c6d2e71"
down_revision = "e7a2c5d1f9b3"
branch_labels = None
depends_on = None

INDEXES = {
    "finnish": "language = 'fi'",
    "swedish": "language = 'sv'",
    "english": "language = 'en'",
    "simple": "language IS NULL OR language NOT IN ('fi', 'sv', 'en')",
}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for config, where in INDEXES.items():
        op.execute(
            f"CREATE INDEX ix_responses_comment_fts_{config} ON responses"
            f" USING gin (to_tsvector('{config}'::regconfig, comment)) WHERE {where}"
        )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for config in INDEXES:
        op.execute(f"DROP INDEX ix_responses_comment_fts_{config}")
