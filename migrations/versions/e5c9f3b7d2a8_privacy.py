"""privacy: the erasure audit, a per-survey retention of comments

Revision ID: e5c9f3b7d2a8
Revises: c7e1a9d3f5b8
Create Date: 2026-12-01 18:00:00

``erasures`` records each erasure without the person (surveys.privacy.erasure);
``surveys.retention_months`` overrides the global RETENTION_MONTHS (surveys.privacy.retention).
"""
import sqlalchemy as sa
from alembic import op

revision = "e5c9f3b7d2a8"
down_revision = "c7e1a9d3f5b8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_label", sa.String(length=320), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erasures_subject_hash"), ["subject_hash"], unique=False
        )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retention_months", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("retention_months")
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasures_subject_hash"))
    op.drop_table("erasures")
