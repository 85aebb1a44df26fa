"""The Alembic migrations build exactly the models' schema, on PostgreSQL and on SQLite."""

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.schema import (
    CLOSED_DUPLICATE,
    MIGRATIONS,
    WHO_ACTED,
    app_on,
    drift,
    invitations_after_the_open_index_migration,
    who_acted_after_the_actor_migration,
)


@pytest.fixture
def empty_postgres(pg_url):
    """A brand-new PostgreSQL database, dropped afterwards."""
    admin_url = os.environ.get("TEST_ADMIN_DATABASE_URL") or sa.make_url(pg_url).set(
        database="postgres"
    ).render_as_string(hide_password=False)
    name = f"kaiku_migrate_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_there_is_a_single_migration_head():
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert len(heads) == 1, f"several heads: {heads}"


def test_migrations_build_the_models_schema_on_empty_postgres(empty_postgres):
    app = app_on(empty_postgres)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
    assert drift(app) == []


def test_migrations_downgrade_and_upgrade_again_on_postgres(empty_postgres):
    app = app_on(empty_postgres)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        downgrade(directory=str(MIGRATIONS), revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade(directory=str(MIGRATIONS))
    assert drift(app) == []


def test_existing_rescue_history_keeps_saying_who_acted_on_postgres(empty_postgres):
    assert who_acted_after_the_actor_migration(app_on(empty_postgres)) == WHO_ACTED


def test_the_open_index_migration_closes_the_newer_duplicates_on_postgres(empty_postgres):
    rows = invitations_after_the_open_index_migration(app_on(empty_postgres))

    assert [row[1] for row in rows[:-1]] == [
        "sent", "skipped", "skipped", "answered", "skipped", "pending"
    ]  # fmt: skip
    assert all(rows[i][2].startswith(CLOSED_DUPLICATE) for i in (1, 2))
    assert rows[-1] == ("another open one refused", True)
