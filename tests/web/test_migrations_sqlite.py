"""The migrations also build the embedded default's schema (SQLite) with no drift."""

from flask_migrate import upgrade

from tests.schema import MIGRATIONS, app_on, drift


def test_migrations_build_the_models_schema_on_empty_sqlite(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'fresh.db'}")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
    assert drift(app) == []
