"""The migrations also build the embedded default's schema (SQLite) with no drift."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from surveys.models import Survey
from tests.schema import (
    CLOSED_DUPLICATE,
    MIGRATIONS,
    WHO_ACTED,
    app_on,
    drift,
    invitations_after_the_open_index_migration,
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


def test_survey_texts_move_into_the_texts_column_and_back(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'texts.db'}")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="5b1c7e2a9d40")
        db.session.execute(
            sa.text(
                "INSERT INTO surveys (key, name, kind, question_en, question_fi, comment_prompt_en,"
                " comment_prompt_fi, active, recontact_days, expire_days, quiet_weekends,"
                " created_at) VALUES ('k', 'NPS', 'nps', 'Recommend?', 'Suosittelisitko?',"
                " 'Why?', 'Miksi?', true, 90, 14, false, '2026-01-01 00:00:00')"
            )
        )
        db.session.commit()

        upgrade(directory=str(MIGRATIONS))
        texts = db.session.scalars(sa.select(Survey.texts)).one()
        assert texts == {
            "en": {"question": "Recommend?", "comment_prompt": "Why?"},
            "fi": {"question": "Suosittelisitko?", "comment_prompt": "Miksi?"},
        }
        db.session.execute(
            sa.update(Survey).values(texts={"en": texts["en"], "sv": {"question": "Tips?"}})
        )
        db.session.commit()

        downgrade(directory=str(MIGRATIONS), revision="5b1c7e2a9d40")
        row = db.session.execute(
            sa.text("SELECT question_en, question_fi, comment_prompt_fi FROM surveys")
        ).one()
        assert tuple(row) == ("Recommend?", "Recommend?", "Why?")  # no Finnish: as shown


def test_the_open_index_migration_closes_the_newer_duplicates(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'duplicates.db'}")
    rows = invitations_after_the_open_index_migration(app)

    assert [row[:2] for row in rows[:-1]] == [
        (1, "sent"),
        (2, "skipped"),
        (3, "skipped"),
        (4, "answered"),
        (5, "skipped"),
        (6, "pending"),
    ]
    assert all(rows[i][2].startswith(CLOSED_DUPLICATE) for i in (1, 2))
    assert rows[4][2] is None  # skipped before: left as it was
    assert rows[-1] == ("another open one refused", True)


def test_a_database_made_by_the_migrations_holds_the_default_themes_and_tags_with_them(tmp_path):
    from surveys.answers.analysis.themes import extract_themes
    from surveys.answers.taxonomy import load_taxonomy

    app = app_on(f"sqlite:///{tmp_path / 'themes.db'}")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        taxonomy = load_taxonomy(db.session)
        assert len(taxonomy.keys) == 14
        assert extract_themes("Kuukausihinta nousi.", "fi", taxonomy) == ["price"]
        downgrade(directory=str(MIGRATIONS), revision="e7a2c5d9f418")
        assert "themes" not in sa.inspect(db.engine).get_table_names()


def test_the_format_locale_migration_gives_existing_staff_english_and_goes_back(tmp_path):
    app = app_on(f"sqlite:///{tmp_path / 'format.db'}")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="b5d8e2f4a617")
        db.session.execute(
            sa.text(
                "INSERT INTO staff_users (email, password_hash, role, active, created_at)"
                " VALUES ('ann@example.com', 'x', 'analyst', true, '2026-01-01 00:00:00')"
            )
        )
        db.session.commit()

        upgrade(directory=str(MIGRATIONS), revision="f3a8c1d6e2b9")
        locale = db.session.execute(sa.text("SELECT format_locale FROM staff_users")).scalar()
        assert locale == "en"

        downgrade(directory=str(MIGRATIONS), revision="b5d8e2f4a617")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("staff_users")}
        assert "format_locale" not in columns and "digest_opt_in" in columns
        assert db.session.execute(sa.text("SELECT email FROM staff_users")).scalar() == (
            "ann@example.com"
        )


def test_the_outcome_migration_renames_won_back_to_satisfied_and_back(tmp_path):
    """The agent's outcome "won_back" becomes "satisfied"; the measured win-back keeps its name."""
    app = app_on(f"sqlite:///{tmp_path / 'outcome.db'}")
    insert = sa.text(
        "INSERT INTO rescue_tasks (id, response_id, customer_id, survey_id, status, priority,"
        " due_at, outcome, winback, created_at, updated_at) VALUES (:id, :id, 1, 1, 'resolved',"
        " 'normal', '2026-01-01 00:00:00', :outcome, :winback, '2026-01-01 00:00:00',"
        " '2026-01-01 00:00:00')"
    )
    rows = sa.text("SELECT outcome, winback FROM rescue_tasks ORDER BY id")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="f3a8c1d6e2b9")
        for id_, outcome, winback in ((1, "won_back", "won_back"), (2, "lost", "not_won_back")):
            db.session.execute(insert, {"id": id_, "outcome": outcome, "winback": winback})
        db.session.commit()

        upgrade(directory=str(MIGRATIONS), revision="c4e8a2f6b1d3")
        assert db.session.execute(rows).all() == [
            ("satisfied", "won_back"),
            ("lost", "not_won_back"),
        ]

        downgrade(directory=str(MIGRATIONS), revision="f3a8c1d6e2b9")
        assert db.session.execute(rows).all() == [
            ("won_back", "won_back"),
            ("lost", "not_won_back"),
        ]
