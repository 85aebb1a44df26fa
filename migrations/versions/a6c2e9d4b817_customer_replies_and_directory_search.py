"""customer replies (a staff member's email to a respondent, outside a rescue task) and the
customer directory's trigram indexes

Revision ID: a6c2e9d4b817
Revises: e9f1a3c5b7d2
Create Date: 2026-12-01 15:00:00

On PostgreSQL the search indexes are trigram GIN indexes (pg_trgm, a trusted extension the
database's owner may create); on SQLite, which has none, plain indexes of the same names.
"""
import sqlalchemy as sa
from alembic import op

revision = "a6c2e9d4b817"
down_revision = "e9f1a3c5b7d2"
branch_labels = None
depends_on = None

SEARCHED = ("name", "email", "external_id")


def upgrade():
    op.create_table(
        "customer_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("sender_label", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["sender_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox_emails.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_customer_replies_customer_created",
        "customer_replies",
        ["customer_id", "created_at"],
    )
    op.create_index(
        "ix_customer_replies_sender_created", "customer_replies", ["sender_id", "created_at"]
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in SEARCHED:
            op.execute(
                f"CREATE INDEX ix_customers_{column}_search ON customers"
                f" USING gin ({column} gin_trgm_ops)"
            )
    else:
        for column in SEARCHED:
            op.create_index(f"ix_customers_{column}_search", "customers", [column])


def downgrade():
    for column in SEARCHED:
        op.drop_index(f"ix_customers_{column}_search", table_name="customers")
    op.drop_index("ix_customer_replies_sender_created", table_name="customer_replies")
    op.drop_index("ix_customer_replies_customer_created", table_name="customer_replies")
    op.drop_table("customer_replies")
