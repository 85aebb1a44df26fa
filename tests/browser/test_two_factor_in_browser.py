"""A staff member sets up the TOTP second factor in a real browser and signs in with a code (from
pyotp, as their phone would show it), on pages that fit 375 px and 1280 px without sideways
scrolling (screenshots in test-artifacts/). Any CSP violation fails the test (the QR code is
inline SVG)."""

import pyotp

from surveys.staff.totp import begin_enrolment, confirm_enrolment
from tests.browser.test_explorer_in_browser import fits
from tests.factories.clock import T0, Clock
from tests.factories.staff import PASSWORD, make_staff


def password_step(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_member_sets_up_a_second_factor_and_signs_in_with_a_code(
    live, live_server, browser, session
):
    clock = Clock(T0)  # the live server runs in this process: its domain clock is this one
    member = make_staff(session, "agent", email="aino@example.com", name="Aino")
    session.commit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server}/forgot-password")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        fits(page, width, "forgot-password")
    password_step(page, live_server, member.email)
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Set up a second factor").click()
    page.wait_for_url("**/account/two-factor")
    assert page.get_by_role("img", name="Scan this with your authenticator app").is_visible()
    secret = page.locator("#totp-secret").inner_text()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        fits(page, width, "two-factor-enrol")
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(clock.now))
    page.get_by_role("button", name="Turn it on").click()
    page.get_by_role("heading", name="The second factor is on").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    fits(page, 1280, "recovery-codes")
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_url("**/account")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        fits(page, width, "account-two-factor")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")

    clock.advance(seconds=30)
    password_step(page, live_server, member.email)
    page.wait_for_url("**/login/code**")
    page.get_by_role("heading", name="Your code").wait_for()
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        fits(page, width, "login-code")
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(clock.now))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("link", name="My account").is_visible()
    page.close()


def test_the_staff_list_shows_the_second_factor_and_the_rule_at_both_widths(
    live, live_server, browser, session
):
    clock = Clock(T0)
    admin = make_staff(session, "admin", email="ada@example.com", name="Ada Admin")
    member = make_staff(session, "agent", email="aino.virtanen@example.com", name="Aino Virtanen")
    row = begin_enrolment(session, member)
    confirm_enrolment(session, member, pyotp.TOTP(row.secret).at(clock.now))
    session.commit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    password_step(page, live_server, admin.email)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/admin/staff")
    reset = page.get_by_role("button", name=f"Reset the second factor of {member.email}")
    assert reset.count() == 1
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        fits(page, width, "staff-list-two-factor")
    page.close()
