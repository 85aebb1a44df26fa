"""one open invitation per customer and survey: close the newer duplicates, then a partial unique index

Revision ID: c4e1b7d92a36
Revises: a4e1c9d7b3f2
Create Date: 2026-12-01 10:00:00

Before this index two concurrent sends (or a re-survey while an invitation was open) could leave
two open invitations of one customer to one survey. The oldest stays open; each newer one is
closed as "skipped", with a reason naming the one kept, so the index can be built. Its link
stops answering (a skipped invitation is closed); the customer answers through the one kept.
"""
import sqlalchemy as sa
from alembic import op

revision = "c4e1b7d92a36"
down_revision = "a4e1c9d7b3f2"
branch_labels = None
depends_on = None

INDEX = "uq_invitations_open_customer_survey"
# surveys.models.invitations.OPEN_STATUSES as of this revision.
OPEN = "status IN ('scheduled', 'pending', 'queued', 'sent')"


def upgrade():
    kept = (
        "SELECT MIN(older.id) FROM invitations AS older"
        " WHERE older.customer_id = invitations.customer_id"
        " AND older.survey_id = invitations.survey_id"
        f" AND older.{OPEN}"
    )
    op.execute(
        "UPDATE invitations SET status = 'skipped',"
        " reason = 'skipped: open invitation ' || CAST((" + kept + ") AS VARCHAR)"
        " || ' for this survey (a duplicate, closed when one open invitation became the rule)'"
        f" WHERE {OPEN} AND invitations.id > (" + kept + ")"
    )
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.create_index(
            INDEX,
            ["customer_id", "survey_id"],
            unique=True,
            postgresql_where=sa.text(OPEN),
            sqlite_where=sa.text(OPEN),
        )


def downgrade():
    # The duplicates closed on the way up stay closed: which were duplicates is not kept.
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_index(INDEX)
