"""The TOTP second factor: setting it up on /account (QR code and secret, a code to confirm, ten
recovery codes shown once), the code step of sign-in (nobody signed in before the code is right;
one step of drift; no code twice; recovery codes once), turning it off, the house rule that
requires it of everyone, and an admin's reset."""

import re

import pyotp
import pytest
from sqlalchemy import func, select

from surveys.models import RecoveryCode, StaffSession, StaffTotp, StaffUser
from surveys.staff.policy import set_totp_required
from tests.factories.clock import T0, Clock
from tests.factories.staff import PASSWORD, make_staff, sign_in


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def member(session) -> StaffUser:
    user = make_staff(session, "agent", email="aino@example.com")
    session.commit()
    return user


def enrol(client, session, user: StaffUser, clock: Clock) -> tuple[str, list[str]]:
    """Set up TOTP through the pages; returns the secret and the recovery codes shown."""
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    [secret] = re.findall(r'<code id="totp-secret">([A-Z2-7]+)</code>', body)
    done = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).at(clock.now)})
    assert done.status_code == 200, done.get_data(as_text=True)
    assert done.headers["Cache-Control"] == "no-store"
    codes = re.findall(
        r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.get_data(as_text=True)
    )
    return secret, codes


def password_step(client, user: StaffUser, password: str = PASSWORD):
    return client.post("/login", data={"email": user.email, "password": password})


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def enrolled(app, session, member, clock) -> tuple[StaffUser, str, list[str]]:
    browser = sign_in(app.test_client(), member)
    secret, codes = enrol(browser, session, member, clock)
    session.execute(StaffSession.__table__.delete())
    session.commit()
    clock.advance(seconds=30)  # the next sign-in's code is a new one
    return member, secret, codes


def test_the_enrol_page_shows_a_qr_code_as_inline_svg_and_the_secret(client, session, member):
    sign_in(client, member)
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert '<svg role="img" aria-label="Scan this with your authenticator app"' in page
    assert "otpauth://totp/Kaiku:aino%40example.com?secret=" in page
    assert "<img" not in page.split('class="totp-qr"')[1].split("</div>")[0]


def test_enrolling_needs_a_right_code_and_shows_ten_recovery_codes_once(
    client, session, member, clock
):
    sign_in(client, member)
    client.get("/account/two-factor")
    wrong = client.post("/account/two-factor", data={"code": "000000"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.get_data(as_text=True)
    assert session.get(StaffTotp, member.id).confirmed_at is None

    secret, codes = enrol(client, session, member, clock)

    assert len(codes) == len(set(codes)) == 10
    stored = session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in stored for code in codes)
    account = client.get("/account").get_data(as_text=True)
    assert 'data-field="totp-status">On' in account and "Recovery codes left: 10" in account
    assert client.get("/account/two-factor").status_code == 302  # enrolled: no second secret


def test_sign_in_asks_for_the_code_and_signs_in_only_when_it_is_right(client, enrolled, clock):
    member, secret, _ = enrolled
    step = password_step(client, member)
    assert step.status_code == 302 and step.location.startswith("/login/code")
    assert not signed_in(client)  # the password alone signs no one in
    assert "Your code" in client.get("/login/code").get_data(as_text=True)

    wrong = client.post("/login/code", data={"code": "123456"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.get_data(as_text=True)
    assert not signed_in(client)

    right = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(clock.now)})
    assert right.status_code == 302 and right.location == "/"
    assert signed_in(client)


def test_a_code_one_step_early_or_late_works_two_steps_does_not(app, enrolled, clock):
    member, secret, _ = enrolled
    totp = pyotp.TOTP(secret)
    for offset, works in ((-60, False), (-30, True), (30, True), (90, False)):
        clock.advance(seconds=120)
        browser = app.test_client()
        password_step(browser, member)
        code = totp.at(clock.now.timestamp() + offset)
        browser.post("/login/code", data={"code": code})
        assert signed_in(browser) is works, offset


def test_a_code_is_not_accepted_twice(app, enrolled, clock):
    member, secret, _ = enrolled
    code = pyotp.TOTP(secret).at(clock.now)
    first = app.test_client()
    password_step(first, member)
    first.post("/login/code", data={"code": code})
    assert signed_in(first)

    thief = app.test_client()
    password_step(thief, member)
    replayed = thief.post("/login/code", data={"code": code})
    assert "That code is not right" in replayed.get_data(as_text=True)
    assert not signed_in(thief)


def test_a_recovery_code_signs_in_once(app, session, enrolled):
    member, _, codes = enrolled
    first = app.test_client()
    password_step(first, member)
    first.post("/login/code", data={"code": codes[0].upper()})
    assert signed_in(first)

    second = app.test_client()
    password_step(second, member)
    second.post("/login/code", data={"code": codes[0]})
    assert not signed_in(second)
    assert session.scalar(select(func.count()).where(RecoveryCode.used_at.isnot(None))) == 1


def test_the_code_step_lasts_five_minutes(client, enrolled, clock):
    member, secret, _ = enrolled
    password_step(client, member)
    clock.advance(minutes=6)
    late = client.post("/login/code", data={"code": pyotp.TOTP(secret).at(clock.now)})
    assert late.status_code == 302 and late.location.startswith("/login")
    assert not signed_in(client)


def test_the_code_step_without_a_password_sends_to_sign_in(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_turning_it_off_needs_the_password_and_a_code(client, session, enrolled, clock):
    member, secret, _ = enrolled
    password_step(client, member)
    client.post("/login/code", data={"code": pyotp.TOTP(secret).at(clock.now)})
    clock.advance(seconds=30)
    code = pyotp.TOTP(secret).at(clock.now)

    wrong = client.post(
        "/account/two-factor/disable", data={"password": "not it at all", "code": code}
    )
    assert wrong.status_code == 422 and "Your password is not right." in wrong.get_data(
        as_text=True
    )
    assert session.get(StaffTotp, member.id) is not None

    off = client.post(
        "/account/two-factor/disable",
        data={"password": PASSWORD, "code": code},
        follow_redirects=True,
    )
    assert "The second factor is off" in off.get_data(as_text=True)
    session.expire_all()
    assert session.get(StaffTotp, member.id) is None
    assert session.scalar(select(func.count(RecoveryCode.id))) == 0


def test_when_required_a_member_without_it_reaches_only_the_set_up_page(
    client, session, member, clock
):
    set_totp_required(session, True)
    session.commit()
    sign_in(client, member)

    for path in ("/", "/account", "/rescue/"):
        response = client.get(path)
        assert response.status_code == 302 and response.location == "/account/two-factor", path
    assert client.post("/account", data={"digest_opt_in": "y"}).location == "/account/two-factor"
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "Every staff account here needs a second factor" in page
    assert "Not now" not in page

    enrol(client, session, member, clock)
    assert client.get("/").status_code == 200


def test_when_required_it_cannot_be_turned_off(client, session, enrolled, clock):
    member, secret, _ = enrolled
    password_step(client, member)
    client.post("/login/code", data={"code": pyotp.TOTP(secret).at(clock.now)})
    set_totp_required(session, True)
    session.commit()
    clock.advance(seconds=30)
    refused = client.post(
        "/account/two-factor/disable",
        data={"password": PASSWORD, "code": pyotp.TOTP(secret).at(clock.now)},
    )
    assert refused.status_code == 409
    assert session.get(StaffTotp, member.id) is not None


def test_api_keys_are_not_sent_to_enrol(client, session, api):
    set_totp_required(session, True)
    session.commit()
    assert client.get("/api/v1/surveys", headers=api).status_code == 200


def test_an_admin_sets_the_rule_on_the_staff_page(client, session):
    admin = make_staff(session, "admin")
    session.commit()
    sign_in(client, admin)
    page = client.get("/admin/staff").get_data(as_text=True)
    assert "Require a second factor for every staff member" in page

    client.post("/admin/staff/policy", data={"require_totp": "y"})
    assert client.get("/admin/staff").location == "/account/two-factor"  # admins too


def test_the_staff_list_shows_who_has_it_and_an_admin_resets_it(
    app, client, session, enrolled, clock
):
    member, secret, _ = enrolled
    theirs = app.test_client()
    password_step(theirs, member)
    theirs.post("/login/code", data={"code": pyotp.TOTP(secret).at(clock.now)})
    admin = make_staff(session, "admin")
    session.commit()
    sign_in(client, admin)

    listing = client.get("/admin/staff").get_data(as_text=True)
    row = listing.split(f'data-staff-id="{member.id}"')[1].split("</tr>")[0]
    assert 'data-field="two-factor">\n          <span class="badge badge-good">On' in row

    client.post(f"/admin/staff/{member.id}/two-factor/reset")

    session.expire_all()
    assert session.get(StaffTotp, member.id) is None
    assert not signed_in(theirs)  # signed out
    again = app.test_client()
    sign_in(again, member)  # the password alone again, and they may enrol anew
    assert again.get("/account/two-factor").status_code == 200
