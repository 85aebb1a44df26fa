"""rollups: the dashboard's counts per survey and UTC day, and the cells due a recount

Revision ID: d3a7f1c9e5b2
Revises: b5d8e2f4a617
Create Date: 2026-12-01 15:00:00

Every existing cell (a survey's day with an answer or a send) is created stale: reports read
stale cells from the raw rows, so figures are right at once, and the worker's sweep
(``kaiku.refresh_rollups``) recounts them in the background; ``flask rollups refresh`` does it
at once.
"""

import sqlalchemy as sa
from alembic import op

revision = "d3a7f1c9e5b2"
down_revision = "b5d8e2f4a617"
branch_labels = None
depends_on = None


def _day(column: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"(timezone('UTC', {column}))::date"
    return f"date({column})"


def upgrade():
    op.create_table(
        "rollup_cells",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_rollup_cells_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "day", name=op.f("pk_rollup_cells")),
    )  # fmt: skip
    op.create_index("ix_rollup_cells_stale", "rollup_cells", ["stale", "survey_id"])
    op.create_table(
        "answer_rollups",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("commented", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_answer_rollups_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "survey_id", "dimension", "day", "value", "score", name=op.f("pk_answer_rollups")
        ),
    )  # fmt: skip
    op.create_table(
        "theme_rollups",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=8), nullable=False),
        sa.Column("mixed", sa.Boolean(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_theme_rollups_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "survey_id", "day", "theme", "score", "label", "mixed",
            name=op.f("pk_theme_rollups"),
        ),
    )  # fmt: skip
    op.create_table(
        "delivery_rollups",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_delivery_rollups_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "day", name=op.f("pk_delivery_rollups")),
    )  # fmt: skip
    op.create_index("ix_responses_customer", "responses", ["customer_id"])
    op.create_index("ix_invitations_survey_sent", "invitations", ["survey_id", "sent_at"])
    op.execute(
        "INSERT INTO rollup_cells (survey_id, day, stale) "
        f"SELECT survey_id, {_day('answered_at')}, true FROM responses "
        f"UNION SELECT survey_id, {_day('sent_at')}, true FROM invitations "
        "WHERE sent_at IS NOT NULL"
    )


def downgrade():
    op.drop_index("ix_invitations_survey_sent", table_name="invitations")
    op.drop_index("ix_responses_customer", table_name="responses")
    op.drop_table("delivery_rollups")
    op.drop_table("theme_rollups")
    op.drop_table("answer_rollups")
    op.drop_index("ix_rollup_cells_stale", table_name="rollup_cells")
    op.drop_table("rollup_cells")
