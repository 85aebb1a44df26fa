"""The admin's webhook pages: add an endpoint (its secret shown once), the delivery log with
attempts and the body sent, replay, switch off; admins only."""

import pytest
from sqlalchemy import func, select

from surveys.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from surveys.webhooks import emit
from tests.factories.staff import make_staff, sign_in
from tests.webhook_receiver import Receiver


@pytest.fixture
def admin_client(client, session):
    admin = make_staff(session, "admin")
    session.commit()
    return sign_in(client, admin)


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    running = Receiver().start()
    yield running
    running.stop()


def test_adding_an_endpoint_shows_its_secret_once(admin_client, session):
    page = admin_client.post(
        "/admin/webhooks",
        data={"url": "https://hooks.example.com/k", "kind": "standard",
              "event_types": ["response.created", "referral.created"]},
    )  # fmt: skip
    assert page.status_code == 200
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    assert endpoint.secret in page.get_data(as_text=True)
    assert endpoint.event_types == ["response.created", "referral.created"]
    listing = admin_client.get("/admin/webhooks").get_data(as_text=True)
    assert "https://hooks.example.com/k" in listing and endpoint.secret not in listing
    assert endpoint.secret not in admin_client.get(f"/admin/webhooks/{endpoint.id}").get_data(
        as_text=True
    )


def test_a_private_address_is_refused_with_the_reason(admin_client, session):
    page = admin_client.post(
        "/admin/webhooks", data={"url": "http://10.1.2.3/", "kind": "standard"}
    )
    assert page.status_code == 422
    assert "not public" in page.get_data(as_text=True)
    assert session.scalar(select(func.count(WebhookEndpoint.id))) == 0


def test_the_log_shows_attempts_and_the_body_and_replays(admin_client, session, receiver):
    admin_client.post("/admin/webhooks", data={"url": receiver.url, "kind": "standard"})
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    emit(session, "referral.created", {"id": 77})
    session.commit()
    from worker.webhook_tasks import send_deliveries

    with admin_client.application.app_context():
        send_deliveries(list(session.scalars(select(WebhookDelivery.id))))
    page = admin_client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "referral.created" in page and "200" in page and "&#34;id&#34;:77" in page
    delivery_id = session.execute(select(WebhookAttempt.delivery_id)).scalar_one()
    replayed = admin_client.post(f"/admin/webhooks/deliveries/{delivery_id}/replay")
    assert replayed.status_code == 303
    assert session.scalar(select(func.count(WebhookAttempt.id))) == 2  # eager: sent again
    assert receiver.ids()[0] == receiver.ids()[1]


def test_switching_off_and_on(admin_client, session):
    admin_client.post(
        "/admin/webhooks", data={"url": "https://hooks.example.com/k", "kind": "slack"}
    )
    endpoint = session.scalars(select(WebhookEndpoint)).one()
    assert admin_client.post(f"/admin/webhooks/{endpoint.id}/toggle").status_code == 303
    session.refresh(endpoint)
    assert not endpoint.enabled
    admin_client.post(f"/admin/webhooks/{endpoint.id}/toggle")
    session.refresh(endpoint)
    assert endpoint.enabled


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_only_admins_open_the_pages(client, session, role):
    user = make_staff(session, role)
    session.commit()
    sign_in(client, user)
    assert client.get("/admin/webhooks").status_code == 403
    assert client.post("/admin/webhooks", data={"url": "https://x.example.com"}).status_code == 403
