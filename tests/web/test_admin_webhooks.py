"""The admin's webhook pages: add an endpoint (its secret shown once), the delivery log with
attempts and the body sent, replay, switch off; edit, rotate the secret (shown once), re-send a
time range, delete behind a confirmation; admins only, every change behind the CSRF token."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from surveys.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from surveys.webhooks import emit
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint
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


# --- Editing, rotating the secret, re-sending a range, deleting ---------------------------------


def _endpoint(
    session, url="https://hooks.example.com/k", settings=None, **kwargs
) -> WebhookEndpoint:
    endpoint = create_endpoint(session, settings or WebhookSettings(), url=url, **kwargs)
    session.commit()
    return endpoint


def _local(moment: datetime) -> str:
    """A datetime-local input's value, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def test_the_edit_form_is_filled_in_and_saves_every_field(admin_client, session):
    endpoint = _endpoint(session, event_types=["referral.created"], description="CRM")
    page = admin_client.get(f"/admin/webhooks/{endpoint.id}/edit").get_data(as_text=True)
    assert 'value="https://hooks.example.com/k"' in page and 'value="CRM"' in page
    assert 'value="chosen" checked' in page or 'checked id="event_filter-1"' in page
    saved = admin_client.post(
        f"/admin/webhooks/{endpoint.id}/edit",
        data={"url": "https://other.example.com/in", "kind": "slack", "description": "Chat",
              "event_filter": "chosen", "event_types": ["response.created", "rescue_task.created"]},
    )  # fmt: skip
    assert saved.status_code == 303
    session.refresh(endpoint)
    assert (endpoint.url, endpoint.kind, endpoint.description) == (
        "https://other.example.com/in", "slack", "Chat",
    )  # fmt: skip
    assert endpoint.event_types == ["response.created", "rescue_task.created"]
    admin_client.post(
        f"/admin/webhooks/{endpoint.id}/edit",
        data={"url": endpoint.url, "kind": "standard", "event_filter": "all",
              "event_types": ["response.created"]},
    )  # fmt: skip
    session.refresh(endpoint)
    assert endpoint.event_types is None and endpoint.description is None


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"url": "http://10.1.2.3/", "event_filter": "all"}, "url", "not public"),
        ({"event_filter": "chosen"}, "event_types", "List at least one event type"),
        ({"url": ""}, "url", "This field is required"),
        ({"kind": "email"}, "kind", "Not a valid choice"),
    ],
)
def test_a_bad_edit_shows_the_error_on_its_field_and_saves_nothing(
    admin_client, session, data, field, text
):
    endpoint = _endpoint(session, description="CRM")
    form = {"url": "https://new.example.com/", "kind": "slack", "description": "Changed",
            "event_filter": "all", **data}  # fmt: skip
    page = admin_client.post(f"/admin/webhooks/{endpoint.id}/edit", data=form)
    body = page.get_data(as_text=True)
    assert page.status_code == 422
    assert f'id="{field}-error"' in body and text in body
    assert "error-summary" in body and f'href="#{field}"' in body
    session.expire_all()
    endpoint = session.get(WebhookEndpoint, endpoint.id)
    assert (endpoint.url, endpoint.kind, endpoint.description) == (
        "https://hooks.example.com/k", "standard", "CRM",
    )  # fmt: skip


def test_a_bad_url_and_an_empty_choice_are_both_shown_at_once(admin_client, session):
    endpoint = _endpoint(session)
    page = admin_client.post(
        f"/admin/webhooks/{endpoint.id}/edit",
        data={"url": "http://10.1.2.3/", "kind": "standard", "event_filter": "chosen"},
    )
    body = page.get_data(as_text=True)
    assert page.status_code == 422 and "There are 2 problems" in body
    assert 'id="url-error"' in body and 'id="event_types-error"' in body


def test_rotating_shows_the_new_secret_once_with_the_old_ones_expiry(admin_client, session):
    endpoint = _endpoint(session)
    old = endpoint.secret
    detail = admin_client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert 'name="grace_hours"' in detail and 'value="24"' in detail  # the setting's default
    before = datetime.now(UTC)
    page = admin_client.post(f"/admin/webhooks/{endpoint.id}/rotate", data={"grace_hours": "2"})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    session.refresh(endpoint)
    body = page.get_data(as_text=True)
    assert endpoint.secret != old and endpoint.secret in body and old not in body
    assert endpoint.previous_secret == old
    expiry = endpoint.previous_secret_expires_at
    assert timedelta(hours=2) <= expiry - before < timedelta(hours=2, minutes=1)
    assert "also signs every request until" in body
    for url in ("/admin/webhooks", f"/admin/webhooks/{endpoint.id}"):
        assert endpoint.secret not in admin_client.get(url).get_data(as_text=True)


def test_a_rotation_with_no_grace_says_the_old_secret_stopped(admin_client, session):
    endpoint = _endpoint(session)
    page = admin_client.post(f"/admin/webhooks/{endpoint.id}/rotate", data={"grace_hours": "0"})
    assert "stopped signing at once" in page.get_data(as_text=True)


@pytest.mark.parametrize("grace", ["-1", "169", "soon", ""])
def test_a_bad_grace_period_is_refused_and_the_secret_kept(admin_client, session, grace):
    endpoint = _endpoint(session)
    old = endpoint.secret
    page = admin_client.post(f"/admin/webhooks/{endpoint.id}/rotate", data={"grace_hours": grace})
    assert page.status_code == 422
    assert 'id="grace_hours-error"' in page.get_data(as_text=True)
    session.refresh(endpoint)
    assert endpoint.secret == old and endpoint.previous_secret is None


def test_re_sending_a_range_queues_its_deliveries(app, admin_client, session, receiver):
    settings = WebhookSettings.from_mapping(app.config)
    endpoint = _endpoint(session, url=receiver.url, settings=settings)
    emit(session, "referral.created", {"id": 1})
    emit(session, "referral.created", {"id": 2})
    session.commit()
    detail = admin_client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert 'type="datetime-local"' in detail and "UTC" in detail
    now = datetime.now(UTC)
    page = admin_client.post(
        f"/admin/webhooks/{endpoint.id}/resend",
        data={"start": _local(now - timedelta(hours=1)), "end": _local(now + timedelta(hours=1))},
        follow_redirects=True,
    )
    assert page.status_code == 200 and "2 deliveries queued." in page.get_data(as_text=True)
    assert session.scalar(select(func.count(WebhookDelivery.id))) == 4


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"start": "2026-05-02T10:00", "end": "2026-05-01T10:00"}, "end", "must be after"),
        ({"start": "2026-05-01T10:00", "end": "2026-05-01T10:00"}, "end", "must be after"),
        ({"start": "yesterday", "end": "2026-05-01T10:00"}, "start", "Not a valid datetime"),
        ({"start": "2026-05-01T10:00"}, "end", "This field is required"),
    ],
)
def test_a_bad_range_is_refused_on_its_field(admin_client, session, data, field, text):
    endpoint = _endpoint(session)
    page = admin_client.post(f"/admin/webhooks/{endpoint.id}/resend", data=data)
    body = page.get_data(as_text=True)
    assert page.status_code == 422
    assert f'id="{field}-error"' in body and text in body
    assert session.scalar(select(func.count(WebhookDelivery.id))) == 0


def test_a_disabled_endpoint_is_not_re_sent_to(admin_client, session):
    endpoint = _endpoint(session, enabled=False)
    page = admin_client.post(
        f"/admin/webhooks/{endpoint.id}/resend",
        data={"start": "2026-05-01T10:00", "end": "2026-05-02T10:00"},
    )
    assert page.status_code == 422
    assert "enable it first" in page.get_data(as_text=True)


def test_deleting_asks_first_naming_it_then_removes_its_log(admin_client, session):
    endpoint = _endpoint(session, description="CRM")
    other = _endpoint(session, url="https://stays.example.com/")
    emit(session, "referral.created", {"id": 1})
    session.commit()
    ask = admin_client.get(f"/admin/webhooks/{endpoint.id}/delete").get_data(as_text=True)
    assert "Delete https://hooks.example.com/k?" in ask and "1 delivery" in ask
    assert session.get(WebhookEndpoint, endpoint.id) is not None
    done = admin_client.post(f"/admin/webhooks/{endpoint.id}/delete", follow_redirects=True)
    assert "is deleted, with its delivery log" in done.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(WebhookEndpoint.id)).all() == [other.id]
    assert session.scalars(select(WebhookDelivery.endpoint_id)).all() == [other.id]


EDIT_ROUTES = [
    ("get", "/edit"),
    ("post", "/edit"),
    ("post", "/rotate"),
    ("post", "/resend"),
    ("get", "/delete"),
    ("post", "/delete"),
]


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_only_admins_edit_rotate_resend_or_delete(client, session, role):
    endpoint = _endpoint(session)
    old = endpoint.secret
    user = make_staff(session, role)
    session.commit()
    sign_in(client, user)
    for method, suffix in EDIT_ROUTES:
        response = getattr(client, method)(
            f"/admin/webhooks/{endpoint.id}{suffix}", data={"grace_hours": "1"}
        )
        assert response.status_code == 403, (method, suffix)
    session.refresh(endpoint)
    assert endpoint.secret == old


def test_the_changing_posts_need_the_csrf_token(app, admin_client, session):
    endpoint = _endpoint(session)
    old = endpoint.secret
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = admin_client.get(f"/admin/webhooks/{endpoint.id}/edit").get_data(as_text=True)
        assert 'name="csrf_token"' in page
        base = f"/admin/webhooks/{endpoint.id}"
        edit = admin_client.post(
            f"{base}/edit", data={"url": "https://x.example.com/", "kind": "standard"}
        )
        rotate = admin_client.post(f"{base}/rotate", data={"grace_hours": "1"})
        resend = admin_client.post(
            f"{base}/resend", data={"start": "2026-05-01T10:00", "end": "2026-05-02T10:00"}
        )
        delete = admin_client.post(f"{base}/delete")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    # CSRFProtect refuses each before the view runs, as on the other admin forms
    assert [r.status_code for r in (edit, rotate, resend, delete)] == [400, 400, 400, 400]
    session.expire_all()
    endpoint = session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.url == "https://hooks.example.com/k" and endpoint.secret == old
