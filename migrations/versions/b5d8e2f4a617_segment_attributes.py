"""segment attributes: the customer attributes the dashboard slices by

Revision ID: b5d8e2f4a617
Revises: b9d4e2a7c1f0
Create Date: 2026-12-01 12:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b5d8e2f4a617"
down_revision = "b9d4e2a7c1f0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "segment_attributes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_attributes")),
        sa.UniqueConstraint("name", name=op.f("uq_segment_attributes_name")),
    )


def downgrade():
    op.drop_table("segment_attributes")
