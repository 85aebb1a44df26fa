"""Surveys and the people they ask: surveys, customers, invitations, referral programmes."""

import itertools

from sqlalchemy.orm import Session

from surveys.catalog.definitions import create_survey
from surveys.delivery.invitations import NewInvitation, create_invitation
from surveys.kernel.settings import Settings
from surveys.models import Customer, ReferralProgramme, Survey

_seq = itertools.count(1)


def make_survey(session: Session, kind: str = "nps", name: str | None = None, **fields) -> Survey:
    """A survey through the real service; texts not given take the kind's defaults.

    Texts may be given as ``texts={...}`` or, for short, as ``question_fi="..."`` and the like.
    """
    texts = fields.pop("texts", {})
    for field in [f for f in fields if f.startswith(("question_", "comment_prompt_"))]:
        key, code = field.rsplit("_", 1)
        texts.setdefault(code, {})[key] = fields.pop(field)
    name = name or f"{kind.upper()} survey {next(_seq)}"
    return create_survey(session, name, kind, texts=texts, **fields)


def make_customer(session: Session, **fields) -> Customer:
    n = next(_seq)
    values = {
        "external_id": f"cust-{n}",
        "email": f"customer{n}@example.com",
        "name": f"Customer {n}",
        "locale": "en",
        "stage": "active",
        "attributes": {},
    }
    customer = Customer(**(values | fields))
    session.add(customer)
    session.flush()
    return customer


def make_invitation(
    session: Session, settings: Settings, survey: Survey | None = None, **customer_fields
) -> NewInvitation:
    survey = survey or make_survey(session)
    return create_invitation(session, survey, make_customer(session, **customer_fields), settings)


def make_programme(session: Session, **fields) -> ReferralProgramme:
    values = {
        "name": "Friends of Kaiku",
        "reward": "One month free for you and your friend",
        "landing_url": "https://example.com/join",
        "active": True,
    }
    programme = ReferralProgramme(**(values | fields))
    session.add(programme)
    session.flush()
    return programme
