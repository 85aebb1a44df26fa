"""rescue outcome "won_back" renamed "satisfied": the agent's view, not the measured win-back

Revision ID: c4e8a2f6b1d3
Revises: b6d2e8f4a1c7
Create Date: 2026-12-01 14:50:00

"Won back" was both the outcome an agent picks and the win-back the customer's next answer
decides; the outcome is now "satisfied" (the API still takes "won_back" as its alias). History
lines keep the old word in their JSON detail; the pages read it as the new one.
"""
import sqlalchemy as sa
from alembic import op

revision = "c4e8a2f6b1d3"
down_revision = "b6d2e8f4a1c7"
branch_labels = None
depends_on = None

tasks = sa.table("rescue_tasks", sa.column("outcome", sa.String(20)))


def upgrade():
    op.execute(tasks.update().where(tasks.c.outcome == "won_back").values(outcome="satisfied"))


def downgrade():
    op.execute(tasks.update().where(tasks.c.outcome == "satisfied").values(outcome="won_back"))
