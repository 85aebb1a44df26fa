"""Staff passwords they look after themselves: "forgot your password" by email (one answer for
every address, a single-use link that lasts an hour, ending every session) and changing their
own on /account (current password required, other sessions ended, this one kept)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from surveys.mail import staff_emails
from surveys.models import OutboxEmail, PasswordResetToken, StaffSession, StaffUser
from tests.factories.clock import T0, Clock
from tests.factories.staff import PASSWORD, make_staff, sign_in

NEW_PASSWORD = "a brand new secret"


@pytest.fixture
def member(session) -> StaffUser:
    user = make_staff(session, "agent", email="aino@example.com", name="Aino")
    session.commit()
    return user


def reset_emails(session) -> list[OutboxEmail]:
    return session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "password_reset")).all()


def link_in(email: OutboxEmail) -> str:
    [url] = re.findall(r"http://kaiku\.test(/reset-password/[A-Za-z0-9_-]+)", email.text_body)
    assert url in email.html_body
    return url


def ask(client, email: str):
    return client.post("/forgot-password", data={"email": email})


def fresh(session, user: StaffUser) -> StaffUser:
    return session.get(StaffUser, user.id, populate_existing=True)


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_the_login_page_links_to_the_forgot_form(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in page and "Forgot your password?" in page
    assert "Send the link" in client.get("/forgot-password").get_data(as_text=True)


def test_a_known_and_an_unknown_address_get_the_same_page_and_only_the_known_an_email(
    client, session, member, monkeypatch
):
    rendered: list[str] = []
    real = staff_emails.email_env

    def counting_env(language):
        env = real(language)
        original = env.get_template

        class Spy:
            def get_template(self, name):
                rendered.append(name)
                return original(name)

        return Spy()

    monkeypatch.setattr(staff_emails, "email_env", counting_env)
    known = ask(client, "AINO@example.com")
    unknown = ask(client, "nobody@example.com")

    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known.get_data(as_text=True)) == without_csrf(
        unknown.get_data(as_text=True)
    )
    assert "If an active staff account uses that address" in known.get_data(as_text=True)
    # The same work: the email is rendered for the unknown address too, and not added.
    assert rendered.count("email/password_reset.txt") == 2
    [email] = reset_emails(session)
    assert email.to_address == "aino@example.com"
    assert email.status in ("logged", "sent")
    assert session.scalar(select(func.count(PasswordResetToken.id))) == 1


def test_a_deactivated_member_gets_no_link(client, session, member):
    member.active = False
    session.commit()
    page = ask(client, member.email)
    assert "If an active staff account uses that address" in page.get_data(as_text=True)
    assert reset_emails(session) == []


def test_the_email_is_in_the_staff_layout_and_the_token_is_stored_only_as_a_hash(
    client, session, member
):
    ask(client, member.email)
    [email] = reset_emails(session)
    url = link_in(email)
    token = url.rsplit("/", 1)[1]
    assert email.subject == "Reset your Kaiku password"
    assert "Hi Aino," in email.text_body and "works once, for 1 hour" in email.text_body
    assert "max-width:560px" in email.html_body  # the staff layout
    row = session.scalars(select(PasswordResetToken)).one()
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_the_link_sets_a_new_password_once_and_ends_every_session(app, client, session, member):
    elsewhere = sign_in(app.test_client(), member)
    ask(client, member.email)
    url = link_in(reset_emails(session)[0])

    form = client.get(url)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    done = client.post(url, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})

    assert done.status_code == 302 and done.location == "/login"
    assert check_password_hash(fresh(session, member).password_hash, NEW_PASSWORD)
    assert session.scalar(select(func.count(StaffSession.id))) == 0
    assert elsewhere.get("/").status_code == 302  # signed out there
    sign_in(client, member, NEW_PASSWORD)

    again = app.test_client().post(
        url, data={"new_password": "yet another one 1", "confirm_password": "yet another one 1"}
    )
    assert again.status_code == 400
    assert "has been used already" in again.get_data(as_text=True)
    assert check_password_hash(fresh(session, member).password_hash, NEW_PASSWORD)


def test_a_link_older_than_an_hour_has_expired(client, session, member):
    clock = Clock(T0)
    ask(client, member.email)
    url = link_in(reset_emails(session)[0])
    clock.advance(minutes=59)
    assert client.get(url).status_code == 200

    clock.advance(minutes=1)
    expired = client.post(
        url, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )

    assert expired.status_code == 400
    assert "has expired" in expired.get_data(as_text=True)
    assert check_password_hash(fresh(session, member).password_hash, PASSWORD)


def test_an_unknown_link_says_so(client):
    page = client.get("/reset-password/not-a-real-token")
    assert page.status_code == 400
    assert "This password reset link is not valid" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("new", "repeat", "message"),
    [
        ("short one", "short one", "at least 10 characters"),
        (NEW_PASSWORD, "something else", "The two new passwords are not the same."),
    ],
)
def test_a_bad_new_password_changes_nothing_and_keeps_the_link(
    client, session, member, new, repeat, message
):
    ask(client, member.email)
    url = link_in(reset_emails(session)[0])
    bad = client.post(url, data={"new_password": new, "confirm_password": repeat})
    assert bad.status_code == 422
    assert message in bad.get_data(as_text=True)
    assert check_password_hash(fresh(session, member).password_hash, PASSWORD)
    assert client.get(url).status_code == 200


def test_using_one_link_spends_the_others(client, session, member):
    ask(client, member.email)
    ask(client, member.email)
    first, second = (link_in(email) for email in reset_emails(session))
    client.post(first, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert client.get(second).status_code == 400


def test_changing_your_own_password_keeps_this_session_and_ends_the_others(
    app, client, session, member
):
    sign_in(client, member)
    other = sign_in(app.test_client(), member)

    changed = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        follow_redirects=True,
    )

    assert "Your password is changed" in changed.get_data(as_text=True)
    assert check_password_hash(fresh(session, member).password_hash, NEW_PASSWORD)
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    assert session.scalar(select(func.count(StaffSession.id))) == 1


def test_a_wrong_current_password_changes_nothing(app, client, session, member):
    sign_in(client, member)
    other = sign_in(app.test_client(), member)

    wrong = client.post(
        "/account/password",
        data={
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert wrong.status_code == 422
    assert "Your current password is not right." in wrong.get_data(as_text=True)
    assert check_password_hash(fresh(session, member).password_hash, PASSWORD)
    assert other.get("/account").status_code == 200


def test_a_too_short_new_password_is_refused_on_the_account_page(client, session, member):
    sign_in(client, member)
    short = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert short.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    assert check_password_hash(fresh(session, member).password_hash, PASSWORD)


def test_reset_links_last_an_hour():
    from surveys.staff.passwords import RESET_TTL

    assert RESET_TTL == timedelta(hours=1)
