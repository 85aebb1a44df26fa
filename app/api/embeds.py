"""A survey's embed over the API: its settings as part of the survey's JSON, and new signing
secrets (``POST /surveys/<id>/embed-secrets``), the one place a secret is ever returned.

The settings themselves are read and changed with the survey (``embed`` in GET, PATCH and
POST /surveys); surveys.embed.policy checks every value and names the field it refuses.
"""

from collections import defaultdict
from datetime import timedelta
from typing import Annotated, Any

from flask import g, request
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api import bp
from app.api.errors import fields_under
from app.api.parsing import json_body
from app.api.schemas import Body
from app.api.serializers import embed_json, iso
from app.extensions import db
from surveys.catalog import definitions as catalog
from surveys.embed.keys import create_secret
from surveys.embed.policy import embed_of, update_embed
from surveys.kernel.actor import Actor
from surveys.models import EmbedSecret, Survey, SurveyEmbed

DEFAULT_GRACE_HOURS = 168
MAX_GRACE_HOURS = 2160


class SecretBody(Body):
    """How long the keys valid until now keep verifying: 0 retires them at once."""

    grace_hours: Annotated[int, Field(ge=0, le=MAX_GRACE_HOURS)] = DEFAULT_GRACE_HOURS


def embeds_json(session: Session, surveys: list[Survey]) -> dict[int, dict[str, Any]]:
    """Each survey's ``embed`` object by survey id, from two queries however many surveys.

    A survey whose embed was never set gets its defaults made here (``embed_of``); the caller
    commits, so a read leaves them in place as the widget's API does.
    """
    ids = [survey.id for survey in surveys]
    if not ids:
        return {}
    # Loaded into the session, so embed_of below finds each without a query of its own.
    list(session.scalars(select(SurveyEmbed).where(SurveyEmbed.survey_id.in_(ids))))
    keys: dict[int, list[EmbedSecret]] = defaultdict(list)
    for key in session.scalars(
        select(EmbedSecret)
        .where(EmbedSecret.survey_id.in_(ids))
        .order_by(EmbedSecret.created_at.desc(), EmbedSecret.id.desc())
    ):
        keys[key.survey_id].append(key)
    return {
        survey.id: embed_json(survey, embed_of(session, survey), keys[survey.id])
        for survey in surveys
    }


def apply_embed(survey: Survey, changes: dict[str, Any] | None) -> None:
    """Apply a partial ``embed`` object from a request body; errors are named ``embed.*``."""
    if changes is not None:
        with fields_under("embed"):
            update_embed(db.session, survey, changes)


@bp.post("/surveys/<int:survey_id>/embed-secrets")
def create_embed_secret(survey_id: int) -> tuple[dict[str, Any], int]:
    """201 with a new current signing secret, returned this once and never again; the keys
    valid until now keep verifying for ``grace_hours`` (default a week)."""
    survey = catalog.get_survey(db.session, survey_id)
    body = json_body(SecretBody) if request.get_data(cache=True) else SecretBody()
    new = create_secret(
        db.session,
        survey,
        by=Actor.of_api_key(g.api_key).label,
        grace=timedelta(hours=body.grace_hours),
    )
    db.session.commit()
    return {
        "key_id": new.key_id,
        "secret": new.secret,
        "created_at": iso(new.created_at),
        "retiring": [
            {"key_id": key_id, "retires_at": iso(retires_at)} for key_id, retires_at in new.retiring
        ],
    }, 201
