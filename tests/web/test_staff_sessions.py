"""Staff sessions end on the server: a copied session cookie replayed after sign-out,
deactivation, a password reset or SESSION_HOURS signs no one in, on a page or a POST."""

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from surveys.models import StaffSession, StaffUser
from tests.factories.clock import T0, Clock
from tests.factories.staff import make_staff, sign_in


@pytest.fixture
def admin(session) -> StaffUser:
    user = make_staff(session, "admin")
    session.commit()
    return user


@pytest.fixture
def agent(session) -> StaffUser:
    user = make_staff(session, "agent")
    session.commit()
    return user


def copied_cookie(client: FlaskClient) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str) -> FlaskClient:
    """A browser of its own that holds only the copied ``session`` cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def assert_signed_out(thief: FlaskClient, session) -> None:
    """Neither a page nor a write answers: both are sent to sign in, and nothing is written."""
    page = thief.get("/")
    assert page.status_code == 302 and page.location.startswith("/login"), page.status_code
    staff_before = session.scalar(select(func.count(StaffUser.id)))
    write = thief.post(
        "/admin/staff/new",
        data={"email": "planted@example.com", "role": "admin", "password": "typed password 1"},
    )
    assert write.status_code == 302 and write.location.startswith("/login"), write.status_code
    assert session.scalar(select(func.count(StaffUser.id))) == staff_before


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, session, admin):
    sign_in(client, admin)
    cookie = copied_cookie(client)
    assert replay(app, cookie).get("/").status_code == 200  # the copy works while signed in

    assert client.post("/logout").status_code == 302

    assert_signed_out(replay(app, cookie), session)


def test_signing_out_ends_only_that_browsers_session(app, session, admin):
    laptop = sign_in(app.test_client(), admin)
    phone = sign_in(app.test_client(), admin)

    laptop.post("/logout")

    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200


def test_deactivation_ends_every_session_of_the_colleague(app, client, session, admin, agent):
    colleague = sign_in(app.test_client(), agent)
    cookies = [copied_cookie(colleague), copied_cookie(sign_in(app.test_client(), agent))]
    sign_in(client, admin)

    assert client.post(f"/admin/staff/{agent.id}/deactivate").status_code == 302

    for cookie in cookies:
        assert_signed_out(replay(app, cookie), session)
    assert session.scalar(select(func.count()).select_from(StaffSession)) == 1  # the admin's
    # Reactivating does not bring the old sessions back: the colleague signs in anew.
    client.post(f"/admin/staff/{agent.id}/reactivate")
    assert replay(app, cookies[0]).get("/").status_code == 302


def test_a_password_reset_ends_every_session_of_the_colleague(app, client, session, admin, agent):
    cookie = copied_cookie(sign_in(app.test_client(), agent))
    sign_in(client, admin)

    client.post(f"/admin/staff/{agent.id}/password", data={"password": "a new password 2"})

    assert_signed_out(replay(app, cookie), session)
    assert client.get("/admin/staff").status_code == 200  # the admin's own session stays


def test_a_session_past_session_hours_is_refused_even_with_its_cookie(app, client, session, admin):
    clock = Clock(T0)
    hours = app.permanent_session_lifetime
    assert hours == timedelta(hours=12)
    sign_in(client, admin)
    cookie = copied_cookie(client)

    clock.set(T0 + hours - timedelta(minutes=1))
    assert client.get("/").status_code == 200
    clock.set(T0 + hours)

    assert client.get("/").status_code == 302
    assert_signed_out(replay(app, cookie), session)
    sign_in(client, admin)  # signing in again starts a new session
    assert client.get("/").status_code == 200


def test_a_forged_token_in_a_validly_signed_cookie_signs_no_one_in(app, session, admin):
    forger = app.test_client()
    with forger.session_transaction() as cookie_session:
        cookie_session["_user_id"] = str(admin.id)
        cookie_session["_kaiku_session"] = "guessed-token"

    assert forger.get("/").status_code == 302
