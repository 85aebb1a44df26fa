"""Staff sign-in and sign-out: generic failures, safe redirects, POST-only sign-out, roles."""

import pytest
from sqlalchemy import select

from app import create_app
from app.auth.routes import safe_next
from config import TestConfig
from surveys.kernel.errors import ConflictError, ValidationError
from surveys.models import StaffUser
from surveys.staff.accounts import authenticate, create_staff
from tests.conftest import use_celery_of

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(session):
    user = create_staff(session, "Agent@Example.com", PASSWORD, role="agent", name="Aino")
    session.commit()
    return user


def login(client, email="agent@example.com", password=PASSWORD, next_url=None):
    query = {"next": next_url} if next_url is not None else {}
    return client.post("/login", data={"email": email, "password": password}, query_string=query)


def test_login_with_right_password_opens_the_overview(client, staff):
    response = login(client, email="AGENT@example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "agent@example.com" in page.get_data(as_text=True)


def test_failed_login_says_the_same_thing_for_unknown_email_and_wrong_password(client, staff):
    wrong_password = login(client, email="agent@example.com", password="wrong password!")
    unknown_email = login(client, email="nobody@example.com", password=PASSWORD)

    pages = []
    for response, email in ((wrong_password, "agent"), (unknown_email, "nobody")):
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert "Email or password is wrong" in body
        pages.append(body.replace(f'value="{email}@example.com"', ""))
    assert pages[0] == pages[1]  # nothing tells which addresses have accounts
    assert client.get("/").status_code == 302  # still signed out


def test_inactive_staff_cannot_sign_in(client, session, staff):
    staff.active = False
    session.commit()

    response = login(client)

    assert "Email or password is wrong" in response.get_data(as_text=True)
    assert authenticate(session, "agent@example.com", PASSWORD) is None


def test_deactivating_a_signed_in_user_ends_their_session(client, session, staff):
    login(client)
    staff.active = False
    session.commit()

    assert client.get("/").status_code == 302


def test_password_is_stored_as_a_salted_hash(session, staff):
    stored = session.scalars(select(StaffUser.password_hash)).one()

    assert PASSWORD not in stored
    assert stored.startswith("scrypt:")
    other = create_staff(session, "analyst@example.com", PASSWORD, role="analyst")
    assert other.password_hash != stored  # salted: same password, different hash


def test_create_staff_refuses_duplicates_short_passwords_and_bad_input(session, staff):
    with pytest.raises(ConflictError):
        create_staff(session, "AGENT@example.com", PASSWORD)
    with pytest.raises(ValidationError):
        create_staff(session, "new@example.com", "short")
    with pytest.raises(ValidationError):
        create_staff(session, "not-an-email", PASSWORD)
    with pytest.raises(ValidationError):
        create_staff(session, "new@example.com", PASSWORD, role="owner")


def test_login_follows_a_relative_next_path(client, staff):
    response = login(client, next_url="/?tab=rescue")

    assert response.headers["Location"] == "/?tab=rescue"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_login_refuses_to_redirect_off_site(client, staff, target):
    response = login(client, next_url=target)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert safe_next(target) is None


def test_anonymous_visitor_of_the_overview_is_sent_to_login_with_next(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_page_renders_a_form_with_email_and_password(client):
    page = client.get("/login")

    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="email"' in body and 'name="password"' in body and 'type="password"' in body


def test_logout_is_post_only_and_signs_out(client, staff):
    login(client)

    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200

    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


@pytest.fixture(scope="module")
def csrf_app(app):
    """The app with CSRF protection on, as in production (the shared TestConfig turns it off)."""

    class CsrfConfig(TestConfig):
        WTF_CSRF_ENABLED = True

    csrf_app = create_app(CsrfConfig)
    use_celery_of(app)  # creating an app made its Celery current; tasks stay on the test app
    return csrf_app


def test_login_and_logout_without_csrf_token_are_refused(csrf_app, engine, session, staff):
    client = csrf_app.test_client()

    assert login(client).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post(
        "/login", data={"email": "agent@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302

    assert client.post("/logout").status_code == 400  # a forged sign-out does nothing
    assert client.get("/").status_code == 200


@pytest.fixture(scope="module")
def probe_app(app):
    """A fresh app with an admin-only route added before its first request."""
    from app.auth.decorators import role_required

    probe_app = create_app(TestConfig)
    probe_app.add_url_rule(
        "/_probe/admin-only", "admin_only_probe", role_required("admin")(lambda: "admin page")
    )
    use_celery_of(app)
    return probe_app


def test_role_required_lets_only_the_named_roles_in(probe_app, engine, session):
    create_staff(session, "analyst@example.com", PASSWORD, role="analyst")
    create_staff(session, "admin@example.com", PASSWORD, role="admin")
    session.commit()
    analyst, admin = probe_app.test_client(), probe_app.test_client()
    login(analyst, email="analyst@example.com")
    login(admin, email="admin@example.com")

    assert probe_app.test_client().get("/_probe/admin-only").status_code == 302
    assert analyst.get("/_probe/admin-only").status_code == 403
    assert admin.get("/_probe/admin-only").get_data(as_text=True) == "admin page"


def test_role_required_rejects_unknown_roles_when_decorating():
    from app.auth.decorators import role_required

    with pytest.raises(ValueError):
        role_required("owner")
