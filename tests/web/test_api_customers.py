"""Customers over the API: upsert by the integrator's id, read back with the stage history."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from surveys.kernel import clock
from surveys.models import Customer, StageChange
from tests.factories.surveys import make_customer
from tests.web.conftest import API, assert_error


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_put_creates_the_customer_then_updates_it(api_client, session):
    body = {
        "email": "aino@example.com",
        "name": "Aino Virtanen",
        "locale": "fi",
        "timezone": "Europe/Helsinki",
        "attributes": {"plan": "pro", "seats": 12},
    }
    created = api_client.send("PUT", "/customers/crm-1", json=body)

    assert created.status_code == 201, created.get_json()
    answer = created.get_json()
    assert {key: answer[key] for key in body} == body
    assert answer["external_id"] == "crm-1" and answer["stage"] == "onboarding"
    assert answer["unsubscribed"] is False and answer["stage_history"] == []

    updated = api_client.send(
        "PUT", "/customers/crm-1", json={"name": "Aino V.", "attributes": {"seats": None}}
    )

    assert updated.status_code == 200
    customer = session.scalars(select(Customer)).one()
    assert customer.name == "Aino V." and customer.email == "aino@example.com"
    assert customer.attributes == {"plan": "pro"}  # merged; a null removes the attribute
    assert customer.locale == "fi" and customer.timezone == "Europe/Helsinki"


def test_stage_set_over_the_api_is_kept_in_the_history(api_client, session):
    now = [datetime(2025, 3, 1, 9, tzinfo=UTC)]
    clock.set_source(lambda: now[0])
    api_client.send("PUT", "/customers/crm-2", json={"stage": "active"})
    now[0] = datetime(2025, 3, 2, 9, tzinfo=UTC)
    api_client.send("PUT", "/customers/crm-2", json={"stage": "loyal"})
    api_client.send("PUT", "/customers/crm-2", json={"stage": "loyal"})  # no change, no entry

    answer = api_client.get("/customers/crm-2").get_json()

    assert answer["stage"] == "loyal"
    history = [{k: entry[k] for k in ("from", "to", "cause")} for entry in answer["stage_history"]]
    assert history == [
        {"from": None, "to": "active", "cause": "api"},
        {"from": "active", "to": "loyal", "cause": "api"},
    ]
    assert answer["stage_history"][1]["at"] == "2025-03-02T09:00:00+00:00"
    assert count(session, StageChange) == 2


def test_new_email_address_clears_a_bounce(api_client, session):
    customer = make_customer(session, external_id="crm-3", email="old@example.com")
    customer.bounced_at = clock.now()
    customer.bounce_reason = "550 mailbox unavailable"
    session.commit()

    same = api_client.send("PUT", "/customers/crm-3", json={"email": "old@example.com"})
    assert same.get_json()["bounce_reason"] == "550 mailbox unavailable"  # same address: kept

    answer = api_client.send("PUT", "/customers/crm-3", json={"email": "new@example.com"})

    assert answer.status_code == 200
    assert answer.get_json()["bounced_at"] is None and answer.get_json()["bounce_reason"] is None
    session.expire_all()
    assert session.get(Customer, customer.id).bounced_at is None


def test_unsubscribe_and_resubscribe_over_the_api(api_client, session):
    api_client.send("PUT", "/customers/crm-4", json={"email": "bo@example.com"})
    answer = api_client.send("PUT", "/customers/crm-4", json={"unsubscribed": True})
    assert answer.get_json()["unsubscribed"] is True
    assert session.scalars(select(Customer)).one().unsubscribed is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"email": 42}, "email"),
        ({"locale": "not a language"}, "locale"),
        ({"locale": None}, "locale"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"stage": "happy"}, "stage"),
        ({"stage": None}, "stage"),
        ({"unsubscribed": "yes"}, "unsubscribed"),
        ({"attributes": {"nested": {"a": 1}}}, "attributes"),
        ({"attributes": ["plan"]}, "attributes"),
        ({"external_id": "crm-5"}, "external_id"),
        ({"emial": "typo@example.com"}, "emial"),
    ],
)
def test_bad_customer_fields_are_named_and_change_nothing(api_client, session, body, field):
    make_customer(session, external_id="crm-5", email="keep@example.com", stage="active")
    session.commit()

    response = api_client.send("PUT", "/customers/crm-5", json={"name": "Changed", **body})

    error = assert_error(response, 422)
    assert field in error["fields"], error
    session.expire_all()
    customer = session.scalars(select(Customer)).one()
    assert customer.name != "Changed" and customer.email == "keep@example.com"
    assert customer.stage == "active" and count(session, StageChange) == 0


def test_bad_new_customer_is_not_created(api_client, session):
    response = api_client.send("PUT", "/customers/crm-6", json={"stage": "nope"})
    assert_error(response, 422)
    assert count(session, Customer) == 0


def test_external_id_too_long_is_refused(api_client, session):
    response = api_client.send("PUT", "/customers/" + "x" * 256, json={})
    assert "external_id" in assert_error(response, 422)["fields"]
    assert count(session, Customer) == 0


def test_body_must_be_json(api_client, session):
    response = api_client.send("PUT", "/customers/crm-7", data="email=a@b.fi")
    assert_error(response, 415)
    assert count(session, Customer) == 0


def test_unknown_customer_is_404(api_client):
    assert_error(api_client.get("/customers/nobody"), 404, "not_found")


def test_customer_endpoints_need_an_api_key(client, session):
    make_customer(session, external_id="crm-8")
    session.commit()
    assert_error(client.get(f"{API}/customers/crm-8"), 401, "unauthorized")
    put = client.put(f"{API}/customers/crm-9", json={"email": "x@example.com"})
    assert_error(put, 401, "unauthorized")
    assert count(session, Customer) == 1


@pytest.mark.parametrize(
    ("given", "stored"), [("de", "de"), ("en_GB", "en-GB"), ("sv-fi", "sv-FI")]
)
def test_any_language_tag_is_accepted_and_stored_normalised(api_client, session, given, stored):
    response = api_client.send("PUT", "/customers/crm-6", json={"locale": given})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["locale"] == stored
    assert session.scalars(select(Customer)).one().locale == stored
