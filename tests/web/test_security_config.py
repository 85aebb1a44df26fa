"""Session and CSRF security: cookie flags, idle expiry, session protection, CSRF on staff forms."""

import re
import time

import itsdangerous.timed
import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import login_manager
from config import Config, ProductionConfig, TestConfig
from surveys.models import StaffUser
from tests.conftest import use_celery_of
from tests.factories.rows import make_rows
from tests.factories.staff import PASSWORD, make_staff, sign_in

POST_FORM = re.compile(r"<form\b([^>]*method=\"post\"[^>]*)>(.*?)</form>", re.S | re.I)
TOKEN_FIELD = re.compile(r'name="(?:[\w-]+-)?csrf_token"')


def test_session_cookies_are_http_only_and_same_site():
    assert Config.SESSION_COOKIE_HTTPONLY is True
    assert Config.SESSION_COOKIE_SAMESITE == "Lax"
    assert Config.REMEMBER_COOKIE_HTTPONLY is True
    hours = Config.PERMANENT_SESSION_LIFETIME.total_seconds() / 3600
    assert 1 <= hours <= 24


def test_production_marks_cookies_secure_and_needs_a_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()

    monkeypatch.setenv("SECRET_KEY", "a real secret")
    config = ProductionConfig()
    assert config.SECRET_KEY == "a real secret"
    assert config.SESSION_COOKIE_SECURE is True
    assert config.REMEMBER_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax"


def test_session_protection_is_strong(app):
    assert login_manager.session_protection == "strong"


@pytest.fixture(scope="module")
def production_like_app(app):
    """ProductionConfig on the test database: what a browser gets from a real deployment."""

    class ProductionLike(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = TestConfig.SQLALCHEMY_DATABASE_URI
        REDIS_URL = TestConfig.REDIS_URL
        CELERY_EAGER = "1"
        CELERY = TestConfig.CELERY
        RATELIMIT_STORAGE_URI = "memory://"
        LOGIN_RATE_LIMIT_ENABLED = False
        WTF_CSRF_ENABLED = False  # CSRF has its own tests below

        def __init__(self) -> None:
            self.SECRET_KEY = "production-like secret"

    production = create_app(ProductionLike())
    use_celery_of(app)
    return production


def test_the_session_cookie_set_at_sign_in_has_the_flags(production_like_app, engine, session):
    make_staff(session, "agent")
    session.commit()

    response = production_like_app.test_client().post(
        "/login", data={"email": "agent@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if "session=" in value)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" in cookie
    assert "Expires=" not in cookie  # a browser-session cookie: gone when the browser closes


def test_a_session_ends_when_its_lifetime_is_over(app, client, session, monkeypatch):
    make_staff(session, "agent")
    session.commit()
    sign_in(client, "agent@example.com")
    assert client.get("/").status_code == 200  # the first page adds the CSRF token: re-signed
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    start = time.time()

    def at(seconds: float) -> None:
        monkeypatch.setattr(
            itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: int(start + seconds)
        )

    at(lifetime - 60)
    assert client.get("/").status_code == 200
    at(lifetime + 60)
    assert client.get("/").status_code == 302  # signed out: sign in again


def test_a_session_moved_to_another_browser_is_signed_out(client, session):
    make_staff(session, "agent")
    session.commit()
    client.environ_base["HTTP_USER_AGENT"] = "Firefox/1"
    sign_in(client, "agent@example.com")
    assert client.get("/").status_code == 200

    client.environ_base["HTTP_USER_AGENT"] = "curl/8"

    assert client.get("/").status_code == 302


# ---------- CSRF ----------


@pytest.fixture(scope="module")
def csrf_app(app):
    """CSRF protection on, as in production (the shared TestConfig turns it off)."""

    class CsrfConfig(TestConfig):
        WTF_CSRF_ENABLED = True

    protected = create_app(CsrfConfig)
    use_celery_of(app)
    return protected


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def csrf_admin(csrf_app, engine, session):
    make_staff(session, "admin")
    session.commit()
    client = csrf_app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": "admin@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def test_a_staff_form_post_without_the_token_is_refused_and_changes_nothing(csrf_admin, session):
    data = {"email": "forged@example.com", "role": "admin", "password": "forged password 1"}

    refused = csrf_admin.post("/admin/staff/new", data=data)

    assert refused.status_code == 400
    assert session.scalar(select(func.count(StaffUser.id))) == 1
    token = csrf_token(csrf_admin.get("/admin/staff/new").get_data(as_text=True))
    accepted = csrf_admin.post("/admin/staff/new", data=data | {"csrf_token": token})
    assert accepted.status_code == 302
    assert session.scalar(select(func.count(StaffUser.id))) == 2


def test_deactivation_without_the_token_is_refused(csrf_admin, session):
    agent = make_staff(session, "agent")
    session.commit()

    assert csrf_admin.post(f"/admin/staff/{agent.id}/deactivate").status_code == 400

    session.expire_all()
    assert session.get(StaffUser, agent.id).active is True


def posts_to_public_page(app, path: str) -> bool:
    try:
        endpoint, _ = app.url_map.bind("localhost").match(path, method="POST")
    except Exception:  # noqa: BLE001  (not a route of ours: treat as a staff form)
        return False
    return endpoint.startswith("respond.")


def test_every_post_form_on_every_staff_page_carries_the_token(
    csrf_app, csrf_admin, session, settings
):
    """Walks every GET staff page an admin may open; each POST form must carry csrf_token."""
    from tests.web.test_roles import staff_rules

    rows = make_rows(session, settings)
    checked, missing = 0, []
    for rule in staff_rules(csrf_app):
        if "GET" not in (rule.methods or set()):
            continue
        url = rows.url_for(rule)
        response = csrf_admin.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        for attributes, form in POST_FORM.findall(response.get_data(as_text=True)):
            action = re.search(r'action="([^"?]*)', attributes)
            if action and action.group(1) and posts_to_public_page(csrf_app, action.group(1)):
                continue  # a preview of a respondent page: those go by token, not cookie
            checked += 1
            if not TOKEN_FIELD.search(form):
                missing.append(url)

    assert missing == [], missing
    assert checked >= 3  # at least sign-out, and the staff pages' own forms
