"""themes as data: the theme taxonomy per house (terms per language, exclusions), seeded with
the defaults, and the discovery candidates analysts dismissed

Revision ID: e7a2c5d1f9b3
Revises: e7a2c5d9f418
Create Date: 2026-12-01 11:30:00

The seed is read from surveys/answers/analysis/default_themes.json as it is when the migration
runs: a new database starts with the defaults of its release.
"""

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "e7a2c5d1f9b3"
down_revision = "e7a2c5d9f418"
branch_labels = None
depends_on = None

DEFAULTS = Path(__file__).resolve().parents[2] / "surveys/answers/analysis/default_themes.json"


def upgrade():
    themes = op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("exclusions", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("key", name=op.f("uq_themes_key")),
    )
    op.create_table(
        "dismissed_theme_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("dismissed_by", sa.String(length=200), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dismissed_theme_terms")),
        sa.UniqueConstraint("language", "term", name=op.f("uq_dismissed_theme_terms_language")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    defaults = json.loads(DEFAULTS.read_text(encoding="utf-8"))["themes"]
    op.bulk_insert(
        themes,
        [
            {
                "key": key,
                "names": spec["names"],
                "terms": {lang: terms for lang, terms in spec["terms"].items() if terms},
                "exclusions": {lang: ex for lang, ex in spec["exclusions"].items() if ex},
                "active": True,
                "version": secrets.token_hex(16),
                "created_at": now,
                "updated_at": now,
            }
            for key, spec in defaults.items()
        ],
    )


def downgrade():
    op.drop_table("dismissed_theme_terms")
    op.drop_table("themes")
