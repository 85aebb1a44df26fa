"""embed widget: per-survey embed settings, signing secrets, visitors, refusals; who answered

Revision ID: c7e1a9d3f5b8
Revises: a6c2e9f4b1d7
Create Date: 2026-12-01 17:10:00

``responses.identity`` is a new slice of the rollups (``by=identity``): every cell is marked stale
so the worker counts it (reports read stale cells from the raw rows meanwhile).
"""
import sqlalchemy as sa
from alembic import op

revision = "c7e1a9d3f5b8"
down_revision = "a6c2e9f4b1d7"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survey_embeds",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("dismiss_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"],
            name=op.f("fk_survey_embeds_survey_id_surveys"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", name=op.f("pk_survey_embeds")),
    )
    op.create_table(
        "embed_secrets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=24), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=True),
        sa.Column("retires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"],
            name=op.f("fk_embed_secrets_survey_id_surveys"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_embed_secrets")),
        sa.UniqueConstraint("key_id", name=op.f("uq_embed_secrets_key_id")),
    )
    op.create_index("ix_embed_secrets_survey", "embed_secrets", ["survey_id"])
    op.create_table(
        "embed_visitors",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dismissals", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"],
            name=op.f("fk_embed_visitors_customer_id_customers"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"],
            name=op.f("fk_embed_visitors_survey_id_surveys"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "customer_id", name=op.f("pk_embed_visitors")),
    )
    op.create_table(
        "embed_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("enforced", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=True),
        sa.Column("claimed_customer", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"],
            name=op.f("fk_embed_refusals_survey_id_surveys"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_embed_refusals")),
    )
    op.create_index("ix_embed_refusals_survey_at", "embed_refusals", ["survey_id", "at"])
    # A constant default: PostgreSQL adds these without rewriting the tables.
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("identity", sa.String(length=12), server_default="link", nullable=False)
        )
    op.execute("UPDATE rollup_cells SET stale = true")


def downgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("identity")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("anonymous")
    op.drop_index("ix_embed_refusals_survey_at", table_name="embed_refusals")
    op.drop_table("embed_refusals")
    op.drop_table("embed_visitors")
    op.drop_index("ix_embed_secrets_survey", table_name="embed_secrets")
    op.drop_table("embed_secrets")
    op.drop_table("survey_embeds")
