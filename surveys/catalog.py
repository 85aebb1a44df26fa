"""Survey definitions: create, change, find. A survey asks one question, in English and Finnish."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.errors import NotFoundError, ValidationError
from surveys.models import KINDS, Survey
from surveys.tokens import new_token

# Integer primary keys are 32-bit on PostgreSQL; a larger id cannot exist, and asking the
# database for one would fail rather than find nothing.
MAX_ID = 2**31 - 1
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 1000
TEXT_FIELDS = ("question_en", "question_fi", "comment_prompt_en", "comment_prompt_fi")
UPDATABLE_FIELDS = ("name", "active", *TEXT_FIELDS)

_REASON = {
    "comment_prompt_en": "What is the main reason for your score?",
    "comment_prompt_fi": "Mikä on tärkein syy antamaasi arvosanaan?",
}
# The texts a survey asks when its creator gives none, per kind.
DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "nps": {
        "question_en": "How likely are you to recommend us to a friend or colleague?",
        "question_fi": "Kuinka todennäköisesti suosittelisit meitä ystävälle tai kollegalle?",
        **_REASON,
    },
    "csat": {
        "question_en": "How satisfied were you with our service?",
        "question_fi": "Kuinka tyytyväinen olit palveluumme?",
        **_REASON,
    },
    "ces": {
        "question_en": "How easy was it to get your issue resolved?",
        "question_fi": "Kuinka helppoa asiasi hoitaminen oli?",
        "comment_prompt_en": "What made it easy or hard?",
        "comment_prompt_fi": "Mikä teki siitä helppoa tai vaikeaa?",
    },
}


def create_survey(
    session: Session,
    name: str,
    kind: str,
    *,
    active: bool = True,
    **texts: str | None,
) -> Survey:
    """Add a survey with a fresh public key; texts left out (or None) take the kind's defaults.

    ``texts`` are any of question_en, question_fi, comment_prompt_en, comment_prompt_fi.
    Flushes; the caller commits.

    :raises ValidationError: unknown kind or text field, an empty or overlong name or text.
    """
    if kind not in KINDS:
        raise ValidationError(
            f"Unknown survey kind {kind!r}.", fields={"kind": f"one of {', '.join(KINDS)}"}
        )
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise ValidationError("Unknown survey fields.", fields={f: "unknown" for f in unknown})
    values = {field: texts.get(field) or DEFAULT_TEXTS[kind][field] for field in TEXT_FIELDS}
    survey = Survey(
        key=new_token(12),
        name=_clean_name(name),
        kind=kind,
        active=bool(active),
        **{field: _clean_text(field, value) for field, value in values.items()},
    )
    session.add(survey)
    session.flush()
    return survey


def update_survey(session: Session, survey: Survey, **changes: Any) -> Survey:
    """Change a survey's name, texts or active flag; the kind never changes (scores depend on it).

    Flushes; the caller commits.

    :raises ValidationError: an unknown or unchangeable field, an empty or overlong value.
    """
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            "These survey fields cannot be changed.",
            fields={f: "cannot be changed" for f in unknown},
        )
    for field, value in changes.items():
        if field == "name":
            survey.name = _clean_name(value)
        elif field == "active":
            if not isinstance(value, bool):
                raise ValidationError("active must be true or false.", fields={"active": "boolean"})
            survey.active = value
        else:
            setattr(survey, field, _clean_text(field, value))
    session.flush()
    return survey


def get_survey(session: Session, survey_id: int) -> Survey:
    """:raises NotFoundError: no survey with this id."""
    survey = session.get(Survey, survey_id) if 0 < survey_id <= MAX_ID else None
    if survey is None:
        raise NotFoundError(f"No survey {survey_id}.")
    return survey


def list_surveys(session: Session) -> list[Survey]:
    """Every survey, oldest first."""
    return list(session.scalars(select(Survey).order_by(Survey.id)))


def _clean_name(name: str | None) -> str:
    name = (name or "").strip() if isinstance(name, str | None) else ""
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"A survey needs a name of 1 to {MAX_NAME_LENGTH} characters.",
            fields={"name": f"1..{MAX_NAME_LENGTH} characters"},
        )
    return name


def _clean_text(field: str, text: str | None) -> str:
    text = (text or "").strip() if isinstance(text, str | None) else ""
    if not text or len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            f"{field} must be 1 to {MAX_TEXT_LENGTH} characters.",
            fields={field: f"1..{MAX_TEXT_LENGTH} characters"},
        )
    return text
