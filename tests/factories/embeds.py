"""Embeddable surveys: an embed with allowed origins and a secret, and signed identities."""

from sqlalchemy.orm import Session

from surveys.embed.keys import create_secret
from surveys.embed.policy import update_embed
from surveys.embed.signing import sign
from surveys.models import Survey
from tests.factories.surveys import make_survey

HOST = "https://app.example.com"


def make_embed(session: Session, survey: Survey | None = None, **policy) -> tuple[Survey, str]:
    """A survey embeddable from ``HOST`` (and what ``policy`` adds), and its signing secret."""
    survey = survey or make_survey(session)
    update_embed(session, survey, {"allowed_origins": [HOST], **policy})
    secret = create_secret(session, survey, by="test").secret
    session.flush()
    return survey, secret


def identity(secret: str, customer: str, **signed) -> dict:
    """The identity fields of a widget call, signed with ``secret``."""
    return {"customer": customer, "signature": sign(secret, customer, **signed), **signed}
