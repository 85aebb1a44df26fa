"""Helpers for the migration tests: an app on a given database, and its drift from the models."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db
from config import TestConfig

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def app_on(url: str):
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(MigrationConfig)


def drift(app) -> list:
    """What autogenerate would still write: empty when migrations and models agree."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)
