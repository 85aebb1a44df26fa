"""Survey definitions with their delivery policy, trigger rules and embed settings: list,
create, read, change."""

from typing import Any

from flask import url_for

from app.api import bp
from app.api.embeds import apply_embed, embeds_json
from app.api.errors import fields_under
from app.api.parsing import json_body
from app.api.serializers import survey_json
from app.api.survey_schemas import SurveyCreateFull, SurveyUpdateFull
from app.extensions import db
from surveys.catalog import definitions as catalog
from surveys.catalog import rules as trigger_rules
from surveys.models import Survey


def _survey_json(survey: Survey) -> dict[str, Any]:
    """One survey with its embed; commits the embed's defaults when they were just made."""
    embed = embeds_json(db.session, [survey])[survey.id]
    db.session.commit()
    return survey_json(survey, embed)


@bp.get("/surveys")
def list_surveys() -> dict[str, Any]:
    surveys = catalog.list_surveys(db.session)
    embeds = embeds_json(db.session, surveys)
    db.session.commit()
    return {"items": [survey_json(survey, embeds[survey.id]) for survey in surveys]}


@bp.post("/surveys")
def create_survey() -> tuple[dict[str, Any], int, dict[str, str]]:
    """201 with the new survey; texts (``texts`` by language, or the v1 ``question_en``...)
    left out take the kind's default texts,
    the delivery policy its defaults; ``trigger_rules`` are created with it, and ``embed``
    (a partial embed object) sets the embed settings it names."""
    body = json_body(SurveyCreateFull)
    survey = catalog.create_survey(
        db.session,
        body.name,
        body.kind,
        active=body.active,
        texts=body.given_texts(),
        **body.policy(),
    )
    with fields_under("trigger_rules"):
        trigger_rules.replace_rules(db.session, survey, [r.values() for r in body.trigger_rules])
    apply_embed(survey, body.embed)
    db.session.commit()
    return _survey_json(survey), 201, {"Location": url_for(".get_survey", survey_id=survey.id)}


@bp.get("/surveys/<int:survey_id>")
def get_survey(survey_id: int) -> dict[str, Any]:
    return _survey_json(catalog.get_survey(db.session, survey_id))


@bp.patch("/surveys/<int:survey_id>")
def update_survey(survey_id: int) -> dict[str, Any]:
    """Change the name, texts, active flag, delivery policy or embed settings; fields left out
    keep their value (inside ``embed`` too: it is a partial object).

    ``trigger_rules``, when given, is the survey's whole new set: an item with the ``id`` of one
    of its rules updates that rule, one without adds a rule, and rules not listed are deleted.
    """
    survey = catalog.get_survey(db.session, survey_id)
    body = json_body(SurveyUpdateFull)
    changes = body.changes()
    rules = changes.pop("trigger_rules", None)
    embed = changes.pop("embed", None)
    catalog.update_survey(db.session, survey, **changes)
    if rules is not None:
        with fields_under("trigger_rules"):
            trigger_rules.replace_rules(
                db.session, survey, [r.values() for r in body.trigger_rules]
            )
    apply_embed(survey, embed)
    db.session.commit()
    return _survey_json(survey)
