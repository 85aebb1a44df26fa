"""Staff pages in a real browser (Debian's chromium driven by Playwright) under their
Content-Security-Policy: the survey preview with its sandboxed frames (the email's inline
styles allowed by hash), the imports page's script, and signing out ending the session even
for a copied cookie. Any CSP violation fails the test (tests/browser/conftest.py)."""

from tests.factories.staff import PASSWORD, make_staff
from tests.factories.surveys import make_survey

EMAIL_BACKGROUND = "rgb(242, 244, 247)"  # #f2f4f7, set by the email's inline style


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def test_preview_frames_render_with_their_styles_and_no_csp_violation(
    live, live_server, browser, session
):
    admin = make_staff(session, "admin")
    survey = make_survey(session)
    session.commit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, admin.email)

    page.goto(f"{live_server}/admin/surveys/{survey.id}/preview")
    page.wait_for_load_state("load")

    email = page.frame_locator("iframe.preview-frame--email")
    email.locator("table").first.wait_for()
    background = email.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == EMAIL_BACKGROUND  # inline styles applied, by their hashes
    answer = page.frame_locator("iframe.preview-frame--answer")
    answer.get_by_role("group").first.wait_for()  # the answer page shows inside its frame
    assert page.locator("link[rel=stylesheet]").count() >= 2
    page.goto(f"{live_server}/admin/imports")
    page.wait_for_load_state("load")
    page.close()


def test_a_cookie_copied_before_signing_out_opens_nothing_after(
    live, live_server, browser, session
):
    agent = make_staff(session, "agent")
    session.commit()
    page = browser.new_page()
    sign_in(page, live_server, agent.email)
    cookies = page.context.cookies()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")

    thief = browser.new_context()
    thief.add_cookies(cookies)
    stolen = thief.new_page()
    stolen.goto(f"{live_server}/")
    assert "/login" in stolen.url
    thief.close()
    page.close()
