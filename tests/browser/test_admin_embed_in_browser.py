"""The Embed tab in a real browser: its copy buttons copy (a static script under the page's
CSP), settings save, and a new secret is shown once with a button to copy it; at 375 and 1280
px without sideways scrolling. Screenshots go to test-artifacts/screenshots/."""

import re
from datetime import timedelta

import pytest

from surveys.kernel import clock
from surveys.models import EmbedRefusal
from tests.browser.test_staff_pages_in_browser import sign_in
from tests.factories.embeds import HOST, make_embed
from tests.factories.staff import make_staff
from tests.servers import ARTIFACTS

SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture
def embedded(live, session):
    admin = make_staff(session, "admin")
    survey, _ = make_embed(session, mode="report_only")
    now = clock.now()
    for minutes, reason, customer in [(5, "bad_signature", "cust-1042"), (90, "unsigned", None)]:
        session.add(
            EmbedRefusal(
                survey_id=survey.id,
                at=now - timedelta(minutes=minutes),
                reason=reason,
                enforced=False,
                origin=HOST,
                claimed_customer=customer,
            )
        )
    session.commit()
    return admin, survey


def no_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [375, 1280])
def test_embed_tab_copies_saves_and_shows_a_new_secret_once(live_server, browser, embedded, width):
    admin, survey = embedded
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, admin.email)

    page.goto(f"{live_server}/admin/surveys/{survey.id}/embed")
    page.wait_for_load_state("load")
    assert no_overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / f"admin-embed-{width}.png"), full_page=True)
    page.get_by_role("button", name="Copy the script tag", exact=True).click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith('<script async src="') and f'data-survey="{survey.key}"' in copied
    assert page.locator("[data-copy-status]").first.text_content() == "Copied to the clipboard."

    assert errors == []
    page.get_by_label("After this many seconds on the page").fill("5000")
    page.get_by_label("Allowed origins").fill(f"{HOST}\nhttps://*.example.com")
    page.get_by_role("button", name="Save embed settings").click()
    page.wait_for_load_state("load")
    summary = page.locator("[data-error-summary]")
    assert "wildcards are not allowed" in summary.text_content()
    assert "must be between 0 and 3600" in summary.text_content().replace("Number ", "")
    assert no_overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / f"admin-embed-errors-{width}.png"), full_page=True)

    errors.clear()  # the refused form's 422, which Chromium logs as a failed load
    page.get_by_role("button", name="Create a new secret").click()
    page.wait_for_url(re.compile(r".*/embed/secrets$"))
    secret = page.locator("#new-secret").text_content()
    assert secret.startswith("kes_")
    page.get_by_role("button", name="Copy the secret").click()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert no_overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / f"admin-embed-secret-{width}.png"), full_page=True)
    page.get_by_role("link", name="Done").click()
    page.wait_for_load_state("load")
    assert secret not in page.content()
    assert errors == []
    context.close()
