"""Helpers for the migration tests: an app on a given database, and its drift from the models."""

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

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


# Who acted on the rows of who_acted_after_the_actor_migration, as the migration labels them.
WHO_ACTED = (
    [("system", "Kaiku"), ("staff", "Ann"), ("api_key", "API key CRM")],
    [("api_key", "API key CRM"), ("staff", "bo@kaiku.example")],
)


def who_acted_after_the_actor_migration(app) -> tuple[list, list]:
    """Write history and notes as they were before actors (an API key named only in
    ``detail.api_key``), migrate to head; the (kind, label) of each event and note."""
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="2ee44d1a31b2")
        with db.engine.begin() as conn:  # rows as the code before actors wrote them
            if conn.dialect.name == "postgresql":  # no tasks behind these rows: skip FK checks
                conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(
                sa.text(
                    "INSERT INTO staff_users (id, email, name, password_hash, role, active,"
                    " created_at) VALUES (1, 'ann@kaiku.example', 'Ann', 'x', 'agent', :yes, :t),"
                    " (2, 'bo@kaiku.example', NULL, 'x', 'agent', :yes, :t)"
                ),
                {"t": "2026-03-01 09:00:00", "yes": True},
            )
            events = sa.table(
                "rescue_task_events",
                *(sa.column(name) for name in ("id", "task_id", "actor_id", "action")),
                sa.column("detail", sa.JSON),
                sa.column("created_at"),
            )
            old_rows = (
                {"id": 1, "actor_id": None, "action": "created", "detail": {}},
                {"id": 2, "actor_id": 1, "action": "status", "detail": {"to": "contacted"}},
                {
                    "id": 3,
                    "actor_id": None,
                    "action": "note",
                    "detail": {"note_id": 1, "api_key": "CRM"},
                },
            )
            conn.execute(
                events.insert(),
                [row | {"task_id": 1, "created_at": "2026-03-01 09:00:00"} for row in old_rows],
            )
            conn.execute(
                sa.text(
                    "INSERT INTO rescue_notes (id, task_id, author_id, body, created_at) VALUES"
                    " (1, 1, NULL, 'From the CRM.', :t), (2, 1, 2, 'Called.', :t)"
                ),
                {"t": "2026-03-01 09:00:00"},
            )
        upgrade(directory=str(MIGRATIONS))
        with db.engine.connect() as conn:
            history = conn.execute(
                sa.text("SELECT actor_kind, actor_label FROM rescue_task_events ORDER BY id")
            ).all()
            notes = conn.execute(
                sa.text("SELECT author_kind, author_label FROM rescue_notes ORDER BY id")
            ).all()
    return [tuple(row) for row in history], [tuple(row) for row in notes]


# The rows of invitations_after_the_open_index_migration: (id, customer id, status before).
DUPLICATES = [(1, 1, "sent"), (2, 1, "queued"), (3, 1, "scheduled"), (4, 1, "answered"),
              (5, 1, "skipped"), (6, 2, "pending")]  # fmt: skip
CLOSED_DUPLICATE = "skipped: open invitation 1 for this survey (a duplicate, closed when one "


def invitations_after_the_open_index_migration(app) -> list[tuple]:
    """Write open duplicates as the code before the index could (customer 1 has three open
    invitations to one survey), migrate to head; each invitation's (id, status, reason), and
    whether the database then refuses another open one."""
    t = "2026-11-01 09:00:00"
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="8d3f6a1c2b57")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO surveys (id, key, name, kind, active, created_at, recontact_days,"
                    " expire_days, quiet_weekends, texts) VALUES (1, 'k', 'NPS', 'nps', :yes, :t,"
                    " 90, 14, :no, '{}')"
                ),
                {"t": t, "yes": True, "no": False},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO customers (id, external_id, locale, timezone, stage, attributes,"
                    " unsubscribed, created_at, updated_at) VALUES"
                    " (1, 'c-1', 'en', 'UTC', 'active', '{}', :no, :t, :t),"
                    " (2, 'c-2', 'en', 'UTC', 'active', '{}', :no, :t, :t)"
                ),
                {"t": t, "no": False},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO invitations (id, survey_id, customer_id, token_hash, status,"
                    " channel, reason, created_at, expires_at)"
                    " VALUES (:id, 1, :customer, :hash, :status, 'email', NULL, :t, :t)"
                ),
                [
                    {"id": i, "customer": c, "status": s, "hash": f"{i:064d}", "t": t}
                    for i, c, s in DUPLICATES
                ],
            )
        upgrade(directory=str(MIGRATIONS))
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id, status, reason FROM invitations ORDER BY id")
            ).all()
        try:
            with db.engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO invitations (survey_id, customer_id, token_hash, status,"
                        " channel, created_at, expires_at)"
                        " VALUES (1, 2, 'x', 'scheduled', 'email', :t, :t)"
                    ),
                    {"t": t},
                )
            refused = False
        except sa.exc.IntegrityError:
            refused = True
    return [tuple(row) for row in rows] + [("another open one refused", refused)]
