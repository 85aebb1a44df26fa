"""The theme taxonomy over the API: list, create, read, change, delete. Admin and analyst keys
may write (the product team owns it); agent keys read."""

from datetime import timedelta
from typing import Any

from flask import g, url_for

from app.api import bp
from app.api.parsing import json_body
from app.api.theme_schemas import ThemeCreate, ThemeUpdate
from app.extensions import db
from surveys.answers import taxonomy
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.models import Theme

COUNT_DAYS = 90


def theme_json(theme: Theme, counts: dict[str, int] | None = None) -> dict[str, Any]:
    body = {
        "key": theme.key,
        "names": theme.names,
        "terms": theme.terms,
        "exclusions": theme.exclusions,
        "active": theme.active,
        "updated_at": theme.updated_at.isoformat(),
    }
    if counts is not None:
        body["responses_90d"] = counts.get(theme.key, 0)
    return body


def _counts() -> dict[str, int]:
    return taxonomy.tagged_counts(db.session, clock.now() - timedelta(days=COUNT_DAYS))


@bp.get("/themes")
def list_themes() -> dict[str, Any]:
    """Every theme with the responses tagged with it in the last 90 days."""
    counts = _counts()
    return {"items": [theme_json(t, counts) for t in taxonomy.list_themes(db.session)]}


@bp.post("/themes")
def create_theme() -> tuple[dict[str, Any], int, dict[str, str]]:
    body = json_body(ThemeCreate)
    theme = taxonomy.create_theme(db.session, Actor.of_api_key(g.api_key), **body.model_dump())
    db.session.commit()
    location = url_for(".get_theme", key=theme.key)
    return theme_json(theme, {}), 201, {"Location": location}


@bp.get("/themes/<key>")
def get_theme(key: str) -> dict[str, Any]:
    return theme_json(taxonomy.get_theme(db.session, key), _counts())


@bp.patch("/themes/<key>")
def update_theme(key: str) -> dict[str, Any]:
    theme = taxonomy.get_theme(db.session, key)
    body = json_body(ThemeUpdate)
    taxonomy.update_theme(db.session, Actor.of_api_key(g.api_key), theme, **body.given())
    db.session.commit()
    return theme_json(theme, _counts())


@bp.delete("/themes/<key>")
def delete_theme(key: str) -> tuple[str, int]:
    """204; responses tagged with the theme keep the tag until they are re-tagged."""
    theme = taxonomy.get_theme(db.session, key)
    taxonomy.delete_theme(db.session, Actor.of_api_key(g.api_key), theme)
    db.session.commit()
    return "", 204
