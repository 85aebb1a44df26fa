"""The migrations also build the embedded default's schema (SQLite) with no drift."""

from flask_migrate import upgrade

from tests.schema import (
    MIGRATIONS,
    WHO_ACTED,
    app_on,
    drift,
    who_acted_after_the_actor_migration,
)


def test_migrations_build_the_models_schema_on_empty_sqlite(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'fresh.db'}")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
    assert drift(app) == []


def test_existing_rescue_history_keeps_saying_who_acted_after_the_actor_migration(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'old.db'}")
    assert who_acted_after_the_actor_migration(app) == WHO_ACTED
