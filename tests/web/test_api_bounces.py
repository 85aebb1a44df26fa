"""POST /api/v1/bounces: an address that bounced is never sent to again."""

from sqlalchemy import select

from surveys.delivery.triggers import evaluate_events
from surveys.models import Customer
from tests.factories.clock import Clock, utc
from tests.factories.surveys import make_customer, make_survey
from tests.factories.triggers import make_event, make_rule
from tests.web.conftest import assert_error


def test_a_bounce_marks_every_customer_with_the_address(api_client, session):
    Clock(utc(2026, 3, 2, 12, 0))
    make_customer(session, external_id="a", email="shared@example.com")
    make_customer(session, external_id="b", email="Shared@Example.com")
    make_customer(session, external_id="c", email="other@example.com")
    session.commit()

    response = api_client.post(
        "/bounces", {"email": " SHARED@example.com ", "reason": "550 5.1.1 user unknown"}
    )

    assert response.status_code == 200
    assert response.get_json() == {
        "email": "SHARED@example.com",
        "customers": 2,
        "marked": ["a", "b"],
    }
    rows = session.scalars(select(Customer).order_by(Customer.external_id)).all()
    assert [(c.external_id, c.bounce_reason) for c in rows] == [
        ("a", "550 5.1.1 user unknown"),
        ("b", "550 5.1.1 user unknown"),
        ("c", None),
    ]
    assert rows[0].bounced_at == utc(2026, 3, 2, 12, 0) and rows[2].bounced_at is None


def test_later_sends_to_a_bounced_customer_are_skipped(api_client, session, settings):
    make_rule(session, make_survey(session))
    person = make_customer(session, email="gone@example.com")
    session.commit()
    api_client.post("/bounces", {"email": "gone@example.com"})

    session.expire_all()
    (invitation,) = evaluate_events(session, [make_event(session, person)], settings)

    assert (invitation.status, invitation.reason) == ("skipped", "skipped: bounced")
    assert session.get(Customer, person.id).bounce_reason == "bounced"


def test_an_address_nobody_has_is_fine_and_changes_nothing(api_client, session):
    make_customer(session, email="kept@example.com")
    session.commit()

    response = api_client.post("/bounces", {"email": "unknown@example.com"})

    assert response.status_code == 200 and response.get_json()["customers"] == 0
    assert session.scalars(select(Customer.bounced_at)).one() is None


def test_bad_input_is_a_4xx_and_marks_nobody(api_client, session):
    make_customer(session, email="kept@example.com")
    session.commit()

    assert "email" in assert_error(api_client.post("/bounces", {}), 422)["fields"]
    assert "email" in assert_error(api_client.post("/bounces", {"email": "nope"}), 422)["fields"]
    assert "email" in assert_error(api_client.post("/bounces", {"email": 5}), 422)["fields"]
    long_reason = {"email": "kept@example.com", "reason": "x" * 501}
    assert "reason" in assert_error(api_client.post("/bounces", long_reason), 422)["fields"]
    extra = {"email": "kept@example.com", "hard": True}
    assert "hard" in assert_error(api_client.post("/bounces", extra), 422)["fields"]
    assert_error(api_client.send("POST", "/bounces", data="email=x"), 415)
    assert session.scalars(select(Customer.bounced_at)).one() is None


def test_reporting_a_bounce_needs_a_key(client):
    assert_error(client.post("/api/v1/bounces", json={"email": "a@example.com"}), 401)
