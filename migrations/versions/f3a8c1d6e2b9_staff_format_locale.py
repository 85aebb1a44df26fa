"""staff format locale: how dates and figures are written for each staff member (en, fi, sv)

Revision ID: f3a8c1d6e2b9
Revises: d3a7f1c9e5b2
Create Date: 2026-12-01 14:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "f3a8c1d6e2b9"
down_revision = "d3a7f1c9e5b2"
branch_labels = None
depends_on = None


def upgrade():
    # Every existing member keeps the English format they have had so far.
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("format_locale", sa.String(length=8), nullable=False, server_default="en")
        )


def downgrade():
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("format_locale")
