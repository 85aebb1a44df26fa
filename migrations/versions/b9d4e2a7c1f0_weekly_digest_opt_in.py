"""weekly digest: staff opt in (off by default), and one row per staff member and week sent

Revision ID: b9d4e2a7c1f0
Revises: 3b9f0c6d2e71
Create Date: 2026-12-01 12:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "b9d4e2a7c1f0"
down_revision = "3b9f0c6d2e71"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_opt_in", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "weekly_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("outbox_email_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_user_id"], ["staff_users.id"],
            name=op.f("fk_weekly_digests_staff_user_id_staff_users"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_email_id"], ["outbox_emails.id"],
            name=op.f("fk_weekly_digests_outbox_email_id_outbox_emails"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_digests")),
        sa.UniqueConstraint(
            "staff_user_id", "week_start", name=op.f("uq_weekly_digests_staff_user_id")
        ),
    )


def downgrade():
    op.drop_table("weekly_digests")
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("digest_opt_in")
