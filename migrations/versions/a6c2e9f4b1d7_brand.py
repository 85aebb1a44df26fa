"""brand: the house brand and per-survey overrides (name, logo, colour, sender, footer, thanks)

Revision ID: a6c2e9f4b1d7
Revises: a6c2e9d4b817
Create Date: 2026-12-01 14:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a6c2e9f4b1d7"
down_revision = "a6c2e9d4b817"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "brands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("company_name", sa.String(length=120), nullable=True),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=32), nullable=True),
        sa.Column("logo_hash", sa.String(length=64), nullable=True),
        sa.Column("primary_color", sa.String(length=7), nullable=True),
        sa.Column("sender_name", sa.String(length=120), nullable=True),
        sa.Column("sender_address", sa.String(length=320), nullable=True),
        sa.Column("reply_to", sa.String(length=320), nullable=True),
        sa.Column("postal_address", sa.Text(), nullable=True),
        sa.Column("thanks", sa.JSON(), nullable=True),
        sa.Column("redirect_url", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"],
            name=op.f("fk_brands_survey_id_surveys"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brands")),
        sa.UniqueConstraint("survey_id", name=op.f("uq_brands_survey_id")),
    )
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_brands_logo_hash"), ["logo_hash"], unique=False)


def downgrade():
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_brands_logo_hash"))
    op.drop_table("brands")
