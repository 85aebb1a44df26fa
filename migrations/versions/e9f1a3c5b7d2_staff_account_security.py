"""staff account security: password reset links, TOTP second factor, recovery codes, policy

Revision ID: e9f1a3c5b7d2
Revises: c4e8a2f6b1d3
Create Date: 2026-12-01 14:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "e9f1a3c5b7d2"
down_revision = "c4e8a2f6b1d3"
branch_labels = None
depends_on = None



def upgrade():
    op.create_table(
        "staff_password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_password_resets_staff_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_password_resets")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_password_resets_token_hash")),
    )
    with op.batch_alter_table("staff_password_resets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_password_resets_staff_user_id"), ["staff_user_id"], unique=False
        )
    op.create_table(
        "staff_totp",
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_totp_staff_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("staff_user_id", name=op.f("pk_staff_totp")),
    )
    op.create_table(
        "staff_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_recovery_codes_staff_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_recovery_codes")),
    )
    with op.batch_alter_table("staff_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_recovery_codes_staff_user_id"), ["staff_user_id"], unique=False
        )
    op.create_table(
        "staff_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("require_totp", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_policy")),
    )


def downgrade():
    op.drop_table("staff_policy")
    with op.batch_alter_table("staff_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_recovery_codes_staff_user_id"))
    op.drop_table("staff_recovery_codes")
    op.drop_table("staff_totp")
    with op.batch_alter_table("staff_password_resets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_password_resets_staff_user_id"))
    op.drop_table("staff_password_resets")
