"""customers.locale holds any BCP 47-like language tag (up to 35 characters)

Revision ID: 5b1c7e2a9d40
Revises: 7c3e9a1f4b20
Create Date: 2026-11-26 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5b1c7e2a9d40"
down_revision = "7c3e9a1f4b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customers") as batch_op:
        batch_op.alter_column(
            "locale", existing_type=sa.String(length=8), type_=sa.String(length=35)
        )


def downgrade():
    # A tag longer than the old column keeps its two-letter language: "zh-Hant-TW" → "zh".
    customers = sa.table("customers", sa.column("locale", sa.String))
    op.execute(
        customers.update()
        .where(sa.func.length(customers.c.locale) > 8)
        .values(locale=sa.func.substr(customers.c.locale, 1, 2))
    )
    with op.batch_alter_table("customers") as batch_op:
        batch_op.alter_column(
            "locale", existing_type=sa.String(length=35), type_=sa.String(length=8)
        )
