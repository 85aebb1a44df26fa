"""Inviting a customer over the API: a link only, or an email through the outbox."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from surveys.models import Customer, Invitation, OutboxEmail
from tests.factories.clock import Clock, utc
from tests.factories.surveys import make_customer, make_survey
from tests.web.conftest import assert_error


@pytest.fixture(autouse=True)
def weekday_noon():
    """A send is held in quiet hours (tests/web/test_api_invitations_eligibility.py): noon UTC
    on a Monday keeps these tests independent of the time they run at."""
    return Clock(utc(2026, 3, 2, 12, 0))


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_link_only_invitation_returns_a_working_answer_link(api_client, client, session, settings):
    survey = make_survey(session, "nps")
    session.commit()
    body = {"customer": {"external_id": "crm-17", "email": "aino@example.com", "locale": "fi"}}

    response = api_client.post(f"/surveys/{survey.id}/invitations", body)

    assert response.status_code == 201
    answer = response.get_json()
    assert answer["status"] == "pending"
    assert answer["url"].startswith(f"{settings.base_url}/s/")
    page = client.get(urlsplit(answer["url"]).path)
    assert page.status_code == 200
    assert survey.question("fi") in page.get_data(as_text=True)  # the customer's language
    invitation = session.get(Invitation, answer["id"])
    assert invitation.status == "pending" and invitation.survey_id == survey.id
    assert count(session, OutboxEmail) == 0


def test_invitation_creates_then_updates_the_customer(api_client, session):
    survey = make_survey(session)
    session.commit()
    first = {
        "external_id": "crm-1",
        "email": "a@example.com",
        "name": "Aino",
        "timezone": "Europe/Helsinki",
        "attributes": {"plan": "pro", "seats": 12},
    }
    api_client.post(f"/surveys/{survey.id}/invitations", {"customer": first})
    second = {"external_id": "crm-1", "name": "Aino Virtanen", "attributes": {"seats": 14}}
    response = api_client.post(f"/surveys/{survey.id}/invitations", {"customer": second})

    assert response.status_code == 201
    customer = session.scalars(select(Customer)).one()
    assert customer.external_id == "crm-1" and customer.name == "Aino Virtanen"
    assert customer.email == "a@example.com" and customer.timezone == "Europe/Helsinki"
    assert customer.attributes == {"plan": "pro", "seats": 14}
    assert count(session, Invitation) == 2


def test_send_queues_one_email_to_the_customer(api_client, session):
    survey = make_survey(session)
    session.commit()
    body = {"customer": {"external_id": "crm-2", "email": "bo@example.com"}, "send": True}

    response = api_client.post(f"/surveys/{survey.id}/invitations", body)

    assert response.status_code == 201
    assert response.get_json()["status"] == "queued"
    email = session.scalars(select(OutboxEmail)).one()
    assert email.to_address == "bo@example.com"
    assert email.invitation_id == response.get_json()["id"]
    # Celery runs eagerly in tests: with no SMTP server the email is delivered to the log.
    assert email.status in ("sent", "logged")


def test_unsubscribed_customer_is_not_emailed(api_client, session):
    survey = make_survey(session)
    make_customer(session, external_id="crm-3", email="c@example.com", unsubscribed=True)
    session.commit()
    body = {"customer": {"external_id": "crm-3"}, "send": True}

    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", body), 409)

    assert error["code"] == "unsubscribed" and "unsubscribed" in error["message"]
    assert count(session, Invitation) == 0 and count(session, OutboxEmail) == 0


def test_a_bounced_address_is_not_emailed_until_it_changes(api_client, session):
    survey = make_survey(session)
    make_customer(session, external_id="crm-3", email="c@example.com")
    session.commit()
    api_client.post("/bounces", {"email": "c@example.com", "reason": "550 no such user"})
    body = {"customer": {"external_id": "crm-3"}, "send": True}

    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", body), 409)

    assert error["code"] == "bounced" and "customer.email" in error["fields"]
    assert count(session, Invitation) == 0 and count(session, OutboxEmail) == 0
    body["customer"]["email"] = "c.new@example.com"  # a new address clears the bounce
    assert api_client.post(f"/surveys/{survey.id}/invitations", body).status_code == 201
    assert count(session, OutboxEmail) == 1


def test_invitation_cannot_resubscribe_a_customer(api_client, session):
    survey = make_survey(session)
    make_customer(session, external_id="crm-3", unsubscribed=True)
    session.commit()
    body = {"customer": {"external_id": "crm-3", "unsubscribed": False}, "send": True}
    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", body), 422)
    assert "customer.unsubscribed" in error["fields"]
    session.expire_all()
    assert session.scalars(select(Customer)).one().unsubscribed is True


def test_unsubscribed_customer_can_still_get_a_link(api_client, session):
    survey = make_survey(session)
    make_customer(session, external_id="crm-3", unsubscribed=True)
    session.commit()
    body = {"customer": {"external_id": "crm-3"}, "send": False}
    assert api_client.post(f"/surveys/{survey.id}/invitations", body).status_code == 201
    assert count(session, OutboxEmail) == 0


def test_send_needs_an_email_address(api_client, session):
    survey = make_survey(session)
    session.commit()
    body = {"customer": {"external_id": "crm-4"}, "send": True}
    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", body), 422)
    assert "customer.email" in error["fields"]
    assert count(session, Customer) == 0  # nothing half-made is kept


def test_bad_customer_fields_are_named(api_client, session):
    survey = make_survey(session)
    session.commit()
    cases = [
        ({"email": "not-an-email"}, "customer.email"),
        ({"locale": "en GB"}, "customer.locale"),
        ({"timezone": "Mars/Olympus"}, "customer.timezone"),
        ({"timezone": "../../etc/passwd"}, "customer.timezone"),
        ({"attributes": {"plan": {"nested": True}}}, "customer.attributes"),
        ({"attributes": {f"a{n}": n for n in range(51)}}, "customer.attributes"),
        ({"attributes": []}, "customer.attributes"),
        ({"external_id": 17}, "customer.external_id"),
        ({"external_id": "   "}, "customer.external_id"),
    ]
    for fields, name in cases:
        customer = {"external_id": "crm-5"} | fields
        response = api_client.post(f"/surveys/{survey.id}/invitations", {"customer": customer})
        error = assert_error(response, 422, "invalid")
        assert any(key.startswith(name) for key in error["fields"]), (fields, error)
    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", {}), 422)
    assert "customer" in error["fields"]
    assert count(session, Customer) == 0


def test_send_must_be_a_boolean(api_client, session):
    survey = make_survey(session)
    session.commit()
    body = {"customer": {"external_id": "crm-6", "email": "d@example.com"}, "send": "true"}
    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", body), 422)
    assert "send" in error["fields"]
    assert count(session, OutboxEmail) == 0


def test_paused_survey_invites_nobody(api_client, session):
    survey = make_survey(session, active=False)
    session.commit()
    body = {"customer": {"external_id": "crm-7"}}
    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", body), 422)
    assert "paused" in error["message"]
    assert count(session, Invitation) == 0


def test_invitation_to_unknown_survey_is_404(api_client):
    body = {"customer": {"external_id": "crm-8"}}
    assert_error(api_client.post("/surveys/999/invitations", body), 404, "not_found")
