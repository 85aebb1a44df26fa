"""sentiment details on responses (mixed, complaint, why not analysed), the analysis version that
tagged each one, and re-tagging runs

Revision ID: e7a2c5d9f418
Revises: c4e1b7d92a36
Create Date: 2026-12-01 11:30:00

Responses processed before this migration have no analysis version: the first re-tagging run
(``flask reprocess`` or /admin/reanalysis) brings them to the current one.
"""
import sqlalchemy as sa
from alembic import op

revision = "e7a2c5d9f418"
down_revision = "c4e1b7d92a36"
branch_labels = None
depends_on = None

INDEX = "uq_reanalysis_runs_running"
# surveys.models.reanalysis.RUNNING_WHERE as of this revision.
RUNNING = "status = 'running'"


def upgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sentiment_mixed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("sentiment_complaint", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("sentiment_reason", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("analysis_version", sa.String(length=40), nullable=True))
    # The model sets the value on insert; the default was only for the rows already there.
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.alter_column("sentiment_mixed", server_default=None)

    op.create_table(
        "reanalysis_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("target_version", sa.String(length=40), nullable=False),
        sa.Column("all_responses", sa.Boolean(), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("retagged", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_users.id"],
            name=op.f("fk_reanalysis_runs_created_by_id_staff_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reanalysis_runs")),
    )
    with op.batch_alter_table("reanalysis_runs", schema=None) as batch_op:
        batch_op.create_index(
            INDEX,
            ["status"],
            unique=True,
            postgresql_where=sa.text(RUNNING),
            sqlite_where=sa.text(RUNNING),
        )


def downgrade():
    with op.batch_alter_table("reanalysis_runs", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
    op.drop_table("reanalysis_runs")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("analysis_version")
        batch_op.drop_column("sentiment_reason")
        batch_op.drop_column("sentiment_complaint")
        batch_op.drop_column("sentiment_mixed")
