"""Factories for test data: each adds and flushes through the real services where one exists."""

import itertools

from sqlalchemy.orm import Session

from surveys.invitations import NewInvitation, create_invitation
from surveys.models import Customer, ReferralProgramme, Survey
from surveys.settings import Settings
from surveys.tokens import new_token

_seq = itertools.count(1)

QUESTIONS = {
    "nps": (
        "How likely are you to recommend us to a friend or colleague?",
        "Kuinka todennäköisesti suosittelisit meitä ystävälle tai kollegalle?",
    ),
    "csat": ("How satisfied were you with our service?", "Kuinka tyytyväinen olit palveluumme?"),
    "ces": ("How easy was it to get your issue resolved?", "Kuinka helppoa asiasi hoitaminen oli?"),
}


def make_survey(session: Session, kind: str = "nps", **fields) -> Survey:
    question_en, question_fi = QUESTIONS[kind]
    values = {
        "key": new_token(12),
        "name": f"{kind.upper()} survey {next(_seq)}",
        "kind": kind,
        "question_en": question_en,
        "question_fi": question_fi,
        "comment_prompt_en": "What is the main reason for your score?",
        "comment_prompt_fi": "Mikä on tärkein syy antamaasi arvosanaan?",
    }
    survey = Survey(**(values | fields))
    session.add(survey)
    session.flush()
    return survey


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
