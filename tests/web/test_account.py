"""My account: a staff member turns their own weekly digest on and off (CSRF, own row only)."""

import re

from surveys.models import StaffUser
from tests.factories.staff import make_staff, sign_in


def digest_box_checked(page: str) -> bool:
    [box] = re.findall(r'<input[^>]*name="digest_opt_in"[^>]*>', page)
    return re.search(r"\schecked[\s>]", box) is not None


def fresh(session, user: StaffUser) -> StaffUser:
    return session.get(StaffUser, user.id, populate_existing=True)


def test_the_digest_is_off_until_the_staff_member_turns_it_on(app, client, session):
    analyst = make_staff(session, "analyst", email="ann@example.com")
    session.commit()
    sign_in(client, analyst)

    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account"' in client.get("/").get_data(as_text=True)  # the header links it
    assert "My account" in page and "ann@example.com" in page
    assert not digest_box_checked(page)

    turned_on = client.post("/account", data={"digest_opt_in": "y"}, follow_redirects=True)
    assert "You will get the weekly digest on Mondays." in turned_on.get_data(as_text=True)
    assert fresh(session, analyst).digest_opt_in is True
    page = client.get("/account").get_data(as_text=True)
    assert digest_box_checked(page)

    turned_off = client.post("/account", data={}, follow_redirects=True)
    assert "You will not get the weekly digest." in turned_off.get_data(as_text=True)
    assert fresh(session, analyst).digest_opt_in is False


def test_the_toggle_changes_only_the_signed_in_members_own_account(client, session):
    agent = make_staff(session, "agent", email="aki@example.com")
    admin = make_staff(session, "admin", email="ada@example.com")
    session.commit()
    sign_in(client, agent)

    # No id to aim at another account: extra fields are ignored, the row is always one's own.
    client.post("/account", data={"digest_opt_in": "y", "id": admin.id, "user_id": admin.id})

    assert fresh(session, agent).digest_opt_in is True
    assert fresh(session, admin).digest_opt_in is False


def test_the_account_page_needs_sign_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/account", data={"digest_opt_in": "y"}).status_code == 302


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(app, client, session):
    agent = make_staff(session, "agent", email="aki@example.com")
    session.commit()
    sign_in(client, agent)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get("/account").get_data(as_text=True)
        assert 'name="csrf_token"' in page
        assert client.post("/account", data={"digest_opt_in": "y"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert fresh(session, agent).digest_opt_in is False
