"""who acted on rescue history and notes: kind, API key and label

Revision ID: 7c3e9a1f4b20
Revises: 2ee44d1a31b2
Create Date: 2026-11-27 10:00:00

Existing rows stay readable: staff rows get their person's name (or email) as label, rows an API
key wrote (named in ``detail.api_key`` until now) become "api_key" rows labelled "API key
<name>", and the rest are Kaiku's own ("system").
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c3e9a1f4b20'
down_revision = '2ee44d1a31b2'
branch_labels = None
depends_on = None

STAFF_LABEL = "(SELECT COALESCE(s.name, s.email) FROM staff_users s WHERE s.id = {column})"


def upgrade():
    with op.batch_alter_table('rescue_task_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_kind', sa.String(length=16), nullable=False, server_default='system'))
        batch_op.add_column(sa.Column('actor_key_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('actor_label', sa.String(length=320), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rescue_task_events_actor_key_id_api_keys'), 'api_keys', ['actor_key_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('rescue_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author_kind', sa.String(length=16), nullable=False, server_default='staff'))
        batch_op.add_column(sa.Column('author_key_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('author_label', sa.String(length=320), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rescue_notes_author_key_id_api_keys'), 'api_keys', ['author_key_id'], ['id'], ondelete='SET NULL')

    bind = op.get_bind()
    op.execute(
        "UPDATE rescue_task_events SET actor_kind = 'staff', actor_label = "
        + STAFF_LABEL.format(column="rescue_task_events.actor_id")
        + " WHERE actor_id IS NOT NULL"
    )
    key_name = (
        "(detail ->> 'api_key')" if bind.dialect.name == "postgresql"
        else "json_extract(detail, '$.api_key')"
    )
    op.execute(
        f"UPDATE rescue_task_events SET actor_kind = 'api_key', actor_label = 'API key ' || {key_name}"
        f" WHERE actor_id IS NULL AND {key_name} IS NOT NULL"
    )
    op.execute("UPDATE rescue_task_events SET actor_label = 'Kaiku' WHERE actor_kind = 'system'")
    op.execute(
        "UPDATE rescue_notes SET author_label = "
        + STAFF_LABEL.format(column="rescue_notes.author_id")
        + " WHERE author_id IS NOT NULL"
    )
    # A note an API key wrote is named by its "note" history row (detail.note_id).
    events = sa.table('rescue_task_events', sa.column('action'), sa.column('actor_kind'),
                      sa.column('actor_label'), sa.column('detail', sa.JSON))
    notes = sa.table('rescue_notes', sa.column('id'), sa.column('author_id'),
                     sa.column('author_kind'), sa.column('author_label'))
    by_keys = bind.execute(
        sa.select(events.c.detail, events.c.actor_label)
        .where(events.c.action == 'note', events.c.actor_kind == 'api_key')
    ).all()
    for detail, label in by_keys:
        bind.execute(
            notes.update()
            .where(notes.c.id == (detail or {}).get('note_id'), notes.c.author_id.is_(None))
            .values(author_kind='api_key', author_label=label)
        )

    # The defaults only served the rows that existed; new rows always say who acted.
    with op.batch_alter_table('rescue_task_events', schema=None) as batch_op:
        batch_op.alter_column('actor_kind', server_default=None)
    with op.batch_alter_table('rescue_notes', schema=None) as batch_op:
        batch_op.alter_column('author_kind', server_default=None)


def downgrade():
    with op.batch_alter_table('rescue_notes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rescue_notes_author_key_id_api_keys'), type_='foreignkey')
        batch_op.drop_column('author_label')
        batch_op.drop_column('author_key_id')
        batch_op.drop_column('author_kind')
    with op.batch_alter_table('rescue_task_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rescue_task_events_actor_key_id_api_keys'), type_='foreignkey')
        batch_op.drop_column('actor_label')
        batch_op.drop_column('actor_key_id')
        batch_op.drop_column('actor_kind')
