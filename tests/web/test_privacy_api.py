"""Privacy over the API: GET /customers/<id>/export holds every kind of row Kaiku keeps about
the person; DELETE /customers/<id> erases them (204, idempotent, 404 unknown), leaving nothing
findable by name, email or external id in any table; admin keys only."""

import pytest
from sqlalchemy import select

from surveys.models import (
    Customer,
    Erasure,
    Invitation,
    RescueTask,
    Response,
    WebhookDelivery,
    WebhookEvent,
)
from surveys.privacy.erasure import ERASED_EXTERNAL_ID
from surveys.staff.apikeys import create_api_key
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint
from tests.factories.privacy import EMAIL, EXTERNAL_ID, NAME, find_everywhere, make_person
from tests.web.conftest import API, assert_error

KINDS = (
    "customer", "stage_changes", "events", "invitations", "responses", "rescue_tasks",
    "referrals", "emails", "replies", "widget_visits", "widget_refusals",
)  # fmt: skip


@pytest.fixture
def person(session, settings):
    return make_person(session, settings)


def key_of(session, role: str) -> dict[str, str]:
    _, raw = create_api_key(session, f"{role} key", role=role)
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_the_export_holds_every_kind_of_row_about_the_person(api_client, person):
    answer = api_client.get(f"/customers/{EXTERNAL_ID}/export")

    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()
    assert document["schema_version"] == 1
    empty = [kind for kind in KINDS if not document[kind]]
    assert empty == [], f"empty in the export: {empty}"
    assert document["customer"]["email"] == EMAIL and document["customer"]["name"] == NAME
    response = document["responses"][0]
    assert NAME in response["comment"] and "price" in response["themes"]
    assert response["category"] == "detractor" and response["sentiment_label"]
    task = document["rescue_tasks"][0]
    assert task["notes"][0]["body"].startswith("Called") and task["history"]
    assert document["referrals"][0]["code"] == "HILKKA-1"
    assert document["referrals"][0]["clicks"] == 4
    assert {email["kind"] for email in document["emails"]} >= {"invitation", "reply"}
    assert "token_hash" not in document["invitations"][0]


def test_an_unknown_customer_has_no_export(api_client):
    assert_error(api_client.get("/customers/nobody/export"), 404, "not_found")


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_only_admin_keys_export_or_erase(client, session, person, role):
    headers = key_of(session, role)

    exported = client.get(f"{API}/customers/{EXTERNAL_ID}/export", headers=headers)
    erased = client.delete(f"{API}/customers/{EXTERNAL_ID}", headers=headers)

    assert "admin role" in assert_error(exported, 403, "forbidden")["message"]
    assert_error(erased, 403, "forbidden")
    assert session.scalar(select(Customer.id).where(Customer.external_id == EXTERNAL_ID))


def test_erasure_leaves_nothing_findable_by_name_email_or_id(api_client, session, person):
    assert find_everywhere(session, NAME, EMAIL, EXTERNAL_ID)  # the scan sees them before

    answer = api_client.send("DELETE", f"/customers/{EXTERNAL_ID}")

    assert answer.status_code == 204 and answer.get_data() == b""
    session.expire_all()
    assert find_everywhere(session, NAME, EMAIL, EXTERNAL_ID) == {}
    # What stays, without identity: the score, its invitation and the rescue task.
    erased = session.scalars(
        select(Customer).where(Customer.external_id == ERASED_EXTERNAL_ID)
    ).one()
    kept = session.get(Response, person.task.response_id)
    assert kept.customer_id == erased.id and kept.score == 3 and kept.comment is None
    assert kept.stage == person.task.response.stage and kept.category == "detractor"
    task = session.get(RescueTask, person.task.id)
    assert task.customer_id == erased.id and task.status == "resolved" and not task.notes
    invitation = session.get(Invitation, kept.invitation_id)
    assert invitation.customer_id == erased.id and invitation.status == "answered"


def test_the_audit_record_names_no_one(api_client, session, person):
    api_client.send("DELETE", f"/customers/{EXTERNAL_ID}")

    audit = session.scalars(select(Erasure)).one()
    assert audit.actor_kind == "api_key" and audit.actor_label == "API key tests"
    assert audit.counts["events"] == 1 and audit.counts["responses_kept"] == 1
    assert audit.counts["comments"] == 1 and audit.counts["rescue_notes"] == 1
    assert audit.counts["outbox_emails"] >= 3 and audit.counts["customers"] == 1
    assert len(audit.subject_hash) == 64 and EXTERNAL_ID not in audit.subject_hash


def test_erasure_is_idempotent_and_an_unknown_id_is_404(api_client, session, person):
    first = api_client.send("DELETE", f"/customers/{EXTERNAL_ID}")
    again = api_client.send("DELETE", f"/customers/{EXTERNAL_ID}")

    assert first.status_code == 204 and again.status_code == 204
    assert len(session.scalars(select(Erasure)).all()) == 1
    assert_error(api_client.send("DELETE", "/customers/never-known"), 404, "not_found")


def test_kaikus_own_records_cannot_be_erased(api_client, person):
    api_client.send("DELETE", f"/customers/{EXTERNAL_ID}")  # makes kaiku:erased

    assert_error(api_client.send("DELETE", f"/customers/{ERASED_EXTERNAL_ID}"), 422)
    assert_error(api_client.get(f"/customers/{ERASED_EXTERNAL_ID}/export"), 404)


def test_a_later_event_makes_a_fresh_customer_without_the_old_data(api_client, session, person):
    api_client.send("DELETE", f"/customers/{EXTERNAL_ID}")

    sent = api_client.post(
        "/events",
        {
            "customer": {"external_id": EXTERNAL_ID, "email": EMAIL},
            "name": "renewed",
            "idempotency_key": f"{EXTERNAL_ID}-purchase",  # the erased event's own key
        },
    )

    assert sent.status_code == 202, sent.get_json()
    document = api_client.get(f"/customers/{EXTERNAL_ID}/export").get_json()
    assert document["customer"]["name"] is None and document["customer"]["attributes"] == {}
    assert [event["name"] for event in document["events"]] == ["renewed"]
    for kind in ("responses", "rescue_tasks", "referrals", "replies", "widget_visits"):
        assert document[kind] == [], kind
    assert [i for i in document["invitations"] if i["status"] == "answered"] == []


@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST", "PATCH"])
def test_only_get_reaches_the_export(api_client, method):
    answer = api_client.send(method, "/customers/0/export", json={})
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_erasure_removes_webhook_bodies_about_the_person_and_fires_customer_erased(
    api_client, session, settings
):
    hook = create_endpoint(
        session, WebhookSettings(allowed_hosts=frozenset({"127.0.0.1:9"})),
        url="http://127.0.0.1:9/hook",
    )  # fmt: skip
    session.commit()
    make_person(session, settings)  # its answer, task and stage moves are webhook events now
    session.commit()
    assert find_everywhere(session, NAME, EMAIL, EXTERNAL_ID).get("webhook_events.body")

    assert api_client.send("DELETE", f"/customers/{EXTERNAL_ID}").status_code == 204

    session.expire_all()
    assert find_everywhere(session, NAME, EMAIL, EXTERNAL_ID) == {}
    erased = session.scalars(
        select(WebhookEvent).where(WebhookEvent.type == "customer.erased")
    ).one()
    body = erased.payload["data"]
    assert set(body) == {"erasure_id", "erased_at"}
    assert (
        session.scalars(select(WebhookDelivery).where(WebhookDelivery.event_id == erased.id))
        .one()
        .endpoint_id
        == hook.id
    )
