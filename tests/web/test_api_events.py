"""Lifecycle events over the API: stored once, evaluated after the commit, bad input refused."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from surveys.kernel import clock
from surveys.models import Customer, Event, Invitation, StageChange, TriggerRule
from tests.factories.surveys import make_customer, make_survey
from tests.web.conftest import API, assert_error

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.set_source(lambda: NOW)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def event_body(**changes):
    body = {
        "customer": {"external_id": "crm-1", "email": "aino@example.com", "locale": "fi"},
        "name": "purchase_completed",
        "properties": {"order": "A-17", "total": 49.9, "items": [{"sku": "X", "qty": 2}]},
        "occurred_at": "2025-06-02T14:30:00+03:00",
        "idempotency_key": "order-A-17",
    }
    return body | changes


def test_event_is_stored_and_its_customer_upserted(api_client, session):
    response = api_client.post("/events", event_body())

    assert response.status_code == 202, response.get_json()
    answer = response.get_json()
    assert answer["status"] == "accepted" and answer["duplicate"] is False
    event = session.get(Event, answer["id"])
    assert event.name == "purchase_completed"
    assert event.properties == {"order": "A-17", "total": 49.9, "items": [{"sku": "X", "qty": 2}]}
    assert event.occurred_at == datetime(2025, 6, 2, 11, 30, tzinfo=UTC)
    assert event.received_at == NOW and event.idempotency_key == "order-A-17"
    customer = session.scalars(select(Customer)).one()
    assert customer.external_id == "crm-1" and customer.locale == "fi"
    assert event.customer_id == customer.id
    assert event.evaluated_at == NOW  # eager in tests: evaluated right after the commit


def test_same_idempotency_key_twice_stores_one_event(api_client, session):
    first = api_client.post("/events", event_body())
    second = api_client.post("/events", event_body())

    assert second.status_code == 202
    assert second.get_json() == {
        "id": first.get_json()["id"],
        "status": "accepted",
        "duplicate": True,
    }
    assert count(session, Event) == 1


def test_events_without_a_key_are_each_stored(api_client, session):
    for _ in range(2):
        body = event_body()
        del body["idempotency_key"]
        assert api_client.post("/events", body).status_code == 202
    assert count(session, Event) == 2


def test_key_reused_for_another_event_is_a_conflict(api_client, session):
    api_client.post("/events", event_body())

    other_name = api_client.post("/events", event_body(name="renewed"))
    other_customer = api_client.post(
        "/events", event_body(customer={"external_id": "crm-2", "email": "bo@example.com"})
    )

    assert "idempotency_key" in assert_error(other_name, 409, "conflict")["fields"]
    assert_error(other_customer, 409, "conflict")
    assert count(session, Event) == 1 and count(session, Customer) == 1


def test_occurred_at_defaults_to_now_and_properties_to_empty(api_client, session):
    response = api_client.post(
        "/events", {"customer": {"external_id": "crm-3"}, "name": "signed_up"}
    )

    assert response.status_code == 202
    event = session.scalars(select(Event)).one()
    assert event.occurred_at == NOW and event.properties == {}


def test_mapped_event_moves_the_stage_after_the_commit(api_client, session):
    make_customer(session, external_id="crm-4", stage="active")
    session.commit()

    body = {"customer": {"external_id": "crm-4"}, "name": "cancelled"}
    event_id = api_client.post("/events", body).get_json()["id"]

    customer = api_client.get("/customers/crm-4").get_json()
    assert customer["stage"] == "churned"
    assert customer["stage_history"] == [
        {
            "from": "active",
            "to": "churned",
            "cause": "event",
            "detail": "cancelled",
            "event": event_id,
            "response": None,
            "at": NOW.isoformat(),
        }
    ]


def test_event_runs_the_trigger_rules_on_the_stage_it_set(api_client, session):
    survey = make_survey(session)
    filters = [{"field": "stage", "op": "equals", "value": "active"}]
    rule = TriggerRule(survey=survey, event_name="onboarding_completed", filters=filters)
    session.add(rule)
    make_customer(session, external_id="crm-5", stage="onboarding", timezone="UTC")
    session.commit()

    body = {
        "customer": {"external_id": "crm-5"},
        "name": "onboarding_completed",
        "occurred_at": "2025-06-02T11:00:00Z",
    }
    event_id = api_client.post("/events", body).get_json()["id"]

    invitation = session.scalars(select(Invitation)).one()
    assert invitation.event_id == event_id and invitation.trigger_rule_id == rule.id
    assert invitation.survey_id == survey.id and invitation.status == "scheduled"


def _deep(levels: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(levels):
        value = {"x": value}
    return value


BAD_INPUT = [
    pytest.param({"name": None}, "name", id="name-null"),
    pytest.param({"name": ""}, "name", id="name-empty"),
    pytest.param({"name": "   "}, "name", id="name-blank"),
    pytest.param({"name": "x" * 101}, "name", id="name-too-long"),
    pytest.param({"name": "signed\nup"}, "name", id="name-control-character"),
    pytest.param({"name": 7}, "name", id="name-number"),
    pytest.param({"properties": ["a"]}, "properties", id="properties-list"),
    pytest.param({"properties": None}, "properties", id="properties-null"),
    pytest.param(
        {"properties": {f"k{i}": i for i in range(101)}}, "properties", id="properties-too-many"
    ),
    pytest.param({"properties": _deep(5)}, "properties", id="properties-too-deep"),
    pytest.param({"properties": {"blob": "x" * 17000}}, "properties", id="properties-too-big"),
    pytest.param({"properties": {"": 1}}, "properties", id="properties-empty-key"),
    pytest.param({"occurred_at": "2025-06-02T14:30:00"}, "occurred_at", id="occurred-no-zone"),
    pytest.param({"occurred_at": "yesterday"}, "occurred_at", id="occurred-not-a-date"),
    pytest.param({"occurred_at": 1748867400}, "occurred_at", id="occurred-unix-number"),
    pytest.param({"occurred_at": "2025-06-04T12:00:00Z"}, "occurred_at", id="occurred-future"),
    pytest.param({"occurred_at": "1970-01-01T00:00:00Z"}, "occurred_at", id="occurred-epoch"),
    pytest.param({"idempotency_key": ""}, "idempotency_key", id="key-empty"),
    pytest.param({"idempotency_key": "k" * 256}, "idempotency_key", id="key-too-long"),
    pytest.param({"idempotency_key": 17}, "idempotency_key", id="key-number"),
    pytest.param({"customer": None}, "customer", id="customer-null"),
    pytest.param({"customer": {"email": "a@example.com"}}, "customer.external_id", id="no-id"),
    pytest.param({"customer": {"external_id": ""}}, "customer.external_id", id="empty-id"),
    pytest.param(
        {"customer": {"external_id": "crm-9", "email": "nope"}}, "customer.email", id="email"
    ),
    pytest.param(
        {"customer": {"external_id": "crm-9", "locale": "x-1"}}, "customer.locale", id="locale"
    ),
    pytest.param(
        {"customer": {"external_id": "crm-9", "timezone": "Nowhere/Land"}},
        "customer.timezone",
        id="timezone",
    ),
    pytest.param(
        {"customer": {"external_id": "crm-9", "stage": "loyal"}}, "customer.stage", id="stage"
    ),
    pytest.param({"nmae": "typo"}, "nmae", id="unknown-field"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUT)
def test_bad_input_names_the_field_and_stores_nothing(api_client, session, change, field):
    response = api_client.post("/events", event_body(**change))

    error = assert_error(response, 422)
    assert field in error["fields"], error
    assert count(session, Event) == 0 and count(session, Customer) == 0


def test_missing_name_is_named(api_client, session):
    body = event_body()
    del body["name"]
    error = assert_error(api_client.post("/events", body), 422)
    assert error["fields"] == {"name": "required"}
    assert count(session, Event) == 0


def test_every_bad_field_is_named_at_once(api_client, session):
    body = event_body(name="", properties=[], occurred_at="soon")
    error = assert_error(api_client.post("/events", body), 422)
    assert {"name", "properties", "occurred_at"} <= set(error["fields"])


def test_bad_event_leaves_an_existing_customer_unchanged(api_client, session):
    make_customer(session, external_id="crm-1", email="keep@example.com")
    session.commit()

    body = event_body(customer={"external_id": "crm-1", "email": "new@example.com"}, name="")
    assert_error(api_client.post("/events", body), 422)

    session.expire_all()
    assert session.scalars(select(Customer)).one().email == "keep@example.com"


def test_slightly_future_event_is_accepted_as_clock_skew(api_client, session):
    soon = (NOW + timedelta(minutes=5)).isoformat()
    assert api_client.post("/events", event_body(occurred_at=soon)).status_code == 202


def test_body_must_be_json(api_client, session):
    response = api_client.send("POST", "/events", data="name=signed_up")
    assert_error(response, 415)
    assert count(session, Event) == 0


def test_events_need_an_api_key(client, session):
    response = client.post(f"{API}/events", json=event_body())
    assert_error(response, 401, "unauthorized")
    assert count(session, Event) == 0 and count(session, Customer) == 0
    assert count(session, StageChange) == 0


def test_event_customer_with_a_locale_kaiku_has_no_catalog_for_is_accepted(api_client, session):
    body = event_body(customer={"external_id": "crm-7", "locale": "de_AT"})

    assert api_client.post("/events", body).status_code == 202
    assert session.scalars(select(Customer)).one().locale == "de-AT"
