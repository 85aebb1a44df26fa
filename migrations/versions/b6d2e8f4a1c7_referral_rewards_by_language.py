"""referral rewards by language: ReferralProgramme.rewards, {language: text}

Revision ID: b6d2e8f4a1c7
Revises: f3a8c1d6e2b9
Create Date: 2026-12-01 14:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b6d2e8f4a1c7"
down_revision = "f3a8c1d6e2b9"
branch_labels = None
depends_on = None


def upgrade():
    # Existing programmes have no per-language texts; their ``reward`` stays the English one.
    with op.batch_alter_table("referral_programmes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rewards", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade():
    with op.batch_alter_table("referral_programmes", schema=None) as batch_op:
        batch_op.drop_column("rewards")
