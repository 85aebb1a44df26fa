"""The lifecycle rules in the widget, on a controllable clock: visits, dismissals for the embed's
number of days, the recontact windows shared with email, opt-outs, a paused survey."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.delivery.eligibility import decide
from surveys.models import Customer, EmbedVisitor, Invitation
from tests.factories.clock import T0, Clock
from tests.factories.embeds import HOST, identity, make_embed
from tests.factories.surveys import make_customer, make_survey


@pytest.fixture
def clock():
    return Clock(T0)


def post(client, survey, call, body):
    return client.post(f"/api/v1/embed/{survey.key}/{call}", json=body, headers={"Origin": HOST})


def test_a_visit_is_a_page_load_half_an_hour_after_the_last(client, session, clock):
    survey, secret = make_embed(session)
    session.commit()
    who = identity(secret, "cust-v")
    assert post(client, survey, "visits", who).json["visits"] == 1
    clock.advance(minutes=29)
    assert post(client, survey, "visits", who).json["visits"] == 1
    clock.advance(minutes=31)
    assert post(client, survey, "visits", who).json["visits"] == 2


def test_a_dismissal_keeps_the_widget_away_for_the_embeds_days(client, session, clock):
    survey, secret = make_embed(session, dismiss_days=10)
    session.commit()
    who = identity(secret, "cust-d")
    display = post(client, survey, "displays", who).json["display"]
    assert post(client, survey, "dismissals", who | {"display": display}).status_code == 204
    invitation = session.scalars(select(Invitation)).one()
    assert (invitation.status, invitation.reason) == ("dismissed", "dismissed in the widget")
    clock.advance(days=9)
    seen = post(client, survey, "visits", who).json
    assert not seen["eligible"] and "not shown again until" in seen["reason"]
    clock.advance(days=2)
    assert post(client, survey, "visits", who).json["eligible"] is True
    assert post(client, survey, "displays", who).status_code == 201
    state = session.scalars(select(EmbedVisitor)).one()
    session.refresh(state)
    assert state.dismissals == 1


def test_a_widget_answer_holds_the_recontact_window_for_email_too(client, session, settings, clock):
    survey, secret = make_embed(session, make_survey(session, recontact_days=30))
    session.commit()
    attributes = '{"email": "w@example.com"}'
    who = identity(secret, "cust-w", attributes=attributes)
    assert post(client, survey, "visits", who).status_code == 200  # the page load sets the email
    post(client, survey, "responses", who | {"score": 9})
    customer = session.scalars(select(Customer).where(Customer.external_id == "cust-w")).one()
    clock.advance(days=5)
    decision = decide(session, customer, survey, at=clock.now, settings=settings)
    assert decision.action == "skip" and "recontact window" in decision.reason
    clock.advance(days=26)
    seen = post(client, survey, "visits", who).json  # the survey's window is over, not the global
    assert not seen["eligible"] and "global 90-day" in seen["reason"]


def test_an_email_answer_elsewhere_holds_the_global_window(client, session, settings, clock):
    survey, secret = make_embed(session)
    other = make_survey(session)
    customer = make_customer(session, external_id="cust-g")
    session.add(
        Invitation(
            survey_id=other.id, customer_id=customer.id, token_hash="x" * 64, status="answered",
            sent_at=clock.now - timedelta(days=10), answered_at=clock.now - timedelta(days=10),
            expires_at=clock.now + timedelta(days=4),
        )
    )  # fmt: skip
    session.commit()
    seen = post(client, survey, "visits", identity(secret, "cust-g")).json
    assert not seen["eligible"] and "global" in seen["reason"]
    assert post(client, survey, "displays", identity(secret, "cust-g")).status_code == 409


def test_a_customer_who_unsubscribed_is_not_asked_in_the_widget(client, session, clock):
    survey, secret = make_embed(session)
    make_customer(session, external_id="cust-u", unsubscribed=True)
    session.commit()
    seen = post(client, survey, "visits", identity(secret, "cust-u")).json
    assert not seen["eligible"] and "unsubscribed" in seen["reason"]


def test_a_paused_survey_takes_no_widget_answer(client, session, clock):
    survey, secret = make_embed(session)
    survey.active = False
    session.commit()
    who = identity(secret, "cust-p")
    assert post(client, survey, "visits", who).json["reason"] == "survey paused"
    refused = post(client, survey, "responses", who | {"score": 5})
    assert refused.status_code == 422 and refused.json["error"]["fields"] == {"survey": "paused"}
