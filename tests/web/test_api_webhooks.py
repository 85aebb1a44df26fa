"""The webhooks API: endpoints (the secret shown once), rotation, the delivery log, replay,
re-send, validation errors and who may write."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.api import webhook_models as hooks
from surveys.models import WebhookDelivery
from surveys.staff.apikeys import create_api_key
from surveys.webhooks import emit
from tests.factories.clock import T0, Clock
from tests.web.conftest import assert_error
from tests.webhook_receiver import Receiver


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    running = Receiver().start()
    yield running
    running.stop()


def create(api_client, url, **fields):
    response = api_client.post("/webhooks", {"url": url, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_creating_answers_the_secret_once(api_client):
    made = create(api_client, "https://hooks.example.com/kaiku", event_types=["referral.created"])
    assert made["secret"].startswith("whsec_")
    assert made["event_types"] == ["referral.created"] and made["enabled"] is True
    assert made["kind"] == "standard"
    listed = api_client.get("/webhooks").get_json()["items"]
    assert [item["id"] for item in listed] == [made["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api_client.get(f"/webhooks/{made['id']}").get_json()


def test_patch_changes_the_filter_and_switches_it_off_and_on(api_client):
    made = create(api_client, "https://hooks.example.com/kaiku")
    assert made["event_types"] is None  # every type
    changed = api_client.patch(
        f"/webhooks/{made['id']}", {"event_types": ["response.created"], "enabled": False}
    ).get_json()
    assert changed["event_types"] == ["response.created"] and changed["enabled"] is False
    back = api_client.patch(f"/webhooks/{made['id']}", {"event_types": None}).get_json()
    assert back["event_types"] is None and back["enabled"] is False


def test_delete_removes_it_with_its_log(api_client, session):
    made = create(api_client, "https://hooks.example.com/kaiku")
    emit(session, "referral.created", {"id": 1})
    session.commit()
    assert api_client.send("DELETE", f"/webhooks/{made['id']}").status_code == 204
    assert_error(api_client.get(f"/webhooks/{made['id']}"), 404, "not_found")
    assert session.scalars(select(WebhookDelivery)).all() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "https://user:pw@example.com/x"}, "url"),
        ({"url": "http://127.0.0.1:9/x"}, "url"),
        ({"url": "http://169.254.169.254/latest"}, "url"),
        ({"url": "http://[fd00::1]/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({}, "url"),
        ({"url": "https://example.com", "event_types": ["response.deleted"]}, "event_types.0"),
        ({"url": "https://example.com", "event_types": []}, "event_types"),
        ({"url": "https://example.com", "event_types": "response.created"}, "event_types"),
        ({"url": "https://example.com", "secret": "hunter2"}, "secret"),
        ({"url": "https://example.com", "kind": "carrier-pigeon"}, "kind"),
        ({"url": "https://example.com", "enabled": "yes"}, "enabled"),
        ({"url": "https://example.com", "colour": "red"}, "colour"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(api_client, body, field):
    error = assert_error(api_client.post("/webhooks", body), 422, "invalid")
    assert field in error["fields"], error


def test_patch_refuses_null_url_and_bad_values(api_client):
    made = create(api_client, "https://hooks.example.com/kaiku")
    error = assert_error(api_client.patch(f"/webhooks/{made['id']}", {"url": None}), 422)
    assert "url" in error["fields"]
    error = assert_error(
        api_client.patch(f"/webhooks/{made['id']}", {"url": "http://10.0.0.1/"}), 422
    )
    assert "url" in error["fields"]
    assert_error(api_client.patch("/webhooks/999999", {"enabled": True}), 404)


def test_rotation_answers_the_new_secret_and_keeps_the_old_for_the_grace(api_client):
    made = create(api_client, "https://hooks.example.com/kaiku")
    rotated = api_client.post(f"/webhooks/{made['id']}/secret", {"grace_hours": 2}).get_json()
    assert rotated["secret"] != made["secret"] and rotated["secret"].startswith("whsec_")
    assert rotated["previous_secret_expires_at"]
    error = assert_error(
        api_client.post(f"/webhooks/{made['id']}/secret", {"grace_hours": -1}), 422
    )
    assert "grace_hours" in error["fields"]


def test_the_log_shows_each_attempt_and_a_replay_sends_the_same_id(api_client, session, receiver):
    made = create(api_client, receiver.url)
    emit(session, "referral.created", {"id": 5})
    emit(session, "customer.stage_changed", {"customer": "c-1"})
    session.commit()
    from worker.webhook_tasks import send_deliveries

    with api_client.client.application.app_context():
        send_deliveries(list(session.scalars(select(WebhookDelivery.id))))
    log = api_client.get(f"/webhooks/{made['id']}/deliveries").get_json()
    hooks.DeliveryPage.model_validate(log)  # the spec's models say what the views answer
    hooks.WebhookWithSecret.model_validate(made)
    hooks.WebhookList.model_validate(api_client.get("/webhooks").get_json())
    assert [d["event_type"] for d in log["items"]] == ["customer.stage_changed", "referral.created"]
    item = log["items"][1]
    (sent,) = [r for r in receiver.received if r.headers["webhook-id"] == item["webhook_id"]]
    assert item["status"] == "succeeded" and item["body"] == sent.body
    (attempt,) = item["attempts"]
    assert attempt["status_code"] == 200 and attempt["latency_ms"] >= 0
    only = api_client.get(f"/webhooks/{made['id']}/deliveries", event="referral.created")
    assert len(only.get_json()["items"]) == 1
    assert (
        api_client.get(f"/webhooks/{made['id']}/deliveries", status="failed").get_json()["items"]
        == []
    )
    assert_error(api_client.get(f"/webhooks/{made['id']}/deliveries", status="lost"), 422)

    replayed = api_client.post(f"/webhook-deliveries/{item['id']}/replay", {})
    assert replayed.status_code == 202  # eager in the tests: sent already
    assert receiver.ids().count(item["webhook_id"]) == 2
    assert len(replayed.get_json()["attempts"]) == 2
    assert_error(api_client.post("/webhook-deliveries/999999/replay", {}), 404)


def test_resend_makes_new_deliveries_for_a_range(api_client, session, receiver):
    clock = Clock(T0)
    made = create(api_client, receiver.url)
    emit(session, "referral.created", {"id": 1})
    session.commit()
    clock.advance(hours=2)
    emit(session, "referral.created", {"id": 2})
    session.commit()
    sent = len(receiver.received)
    answer = api_client.post(
        f"/webhooks/{made['id']}/resend",
        {
            "from": (T0 - timedelta(minutes=5)).isoformat(),
            "to": (T0 + timedelta(hours=1)).isoformat(),
        },
    )
    assert answer.status_code == 202 and answer.get_json() == {"deliveries": 1}
    assert len(receiver.received) == sent + 1
    error = assert_error(
        api_client.post(
            f"/webhooks/{made['id']}/resend", {"from": T0.isoformat(), "to": T0.isoformat()}
        ),
        422,
    )
    assert "to" in error["fields"]
    assert_error(api_client.post(f"/webhooks/{made['id']}/resend", {"from": "yesterday"}), 422)
    error = assert_error(
        api_client.post(f"/webhooks/{made['id']}/resend", {"from": 0, "to": T0.isoformat()}), 422
    )
    assert "from" in error["fields"]


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_only_admin_keys_write(client, session, role):
    _, raw = create_api_key(session, f"{role} key", role=role)
    session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    body = {"url": "https://hooks.example.com/kaiku"}
    assert client.post("/api/v1/webhooks", json=body, headers=headers).status_code == 403
    assert client.get("/api/v1/webhooks", headers=headers).status_code == 200
