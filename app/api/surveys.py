"""Survey definitions: list, create, read, change."""

from typing import Any

from flask import url_for

from app.api import bp
from app.api.parsing import json_body
from app.api.schemas import SurveyCreate, SurveyUpdate
from app.api.serializers import survey_json
from app.extensions import db
from surveys import catalog


@bp.get("/surveys")
def list_surveys() -> dict[str, Any]:
    return {"items": [survey_json(survey) for survey in catalog.list_surveys(db.session)]}


@bp.post("/surveys")
def create_survey() -> tuple[dict[str, Any], int, dict[str, str]]:
    """201 with the new survey; question and prompts left out take the kind's default texts."""
    body = json_body(SurveyCreate)
    survey = catalog.create_survey(
        db.session, body.name, body.kind, active=body.active, **body.texts()
    )
    db.session.commit()
    return survey_json(survey), 201, {"Location": url_for(".get_survey", survey_id=survey.id)}


@bp.get("/surveys/<int:survey_id>")
def get_survey(survey_id: int) -> dict[str, Any]:
    return survey_json(catalog.get_survey(db.session, survey_id))


@bp.patch("/surveys/<int:survey_id>")
def update_survey(survey_id: int) -> dict[str, Any]:
    """Change the name, texts or active flag; fields left out keep their value."""
    survey = catalog.get_survey(db.session, survey_id)
    body = json_body(SurveyUpdate)
    catalog.update_survey(db.session, survey, **body.given())
    db.session.commit()
    return survey_json(survey)
