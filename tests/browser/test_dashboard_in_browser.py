"""The dashboard in Chromium: an analyst picks a quick range, then slices by agent; the choices
land in the URL, the leaderboard shows, and at 375 px nothing scrolls sideways. Any CSP
violation fails the test (tests/browser/conftest.py)."""

import os
from datetime import timedelta

from surveys.kernel import clock
from tests.browser.test_staff_pages_in_browser import sign_in
from tests.factories.dashboard import place
from tests.factories.staff import make_staff
from tests.factories.surveys import make_survey

SHOTS = os.environ.get("KAIKU_SCREENSHOTS")  # a directory: save the pages there to look at


def test_an_analyst_picks_a_range_and_a_slice(live, live_server, browser, session, settings):
    analyst = make_staff(session, "analyst")
    survey = make_survey(session, "nps", name="Product NPS")
    now = clock.now()
    # 34 answers now (one week with enough for a band), a few earlier, one agent 60 days ago.
    for index, score in enumerate([10] * 24 + [8] * 8 + [3] * 6):
        when = now if index < 34 else now - timedelta(days=10 * index - 320)
        place(session, settings, survey, score, when, agent=f"agent{index % 2}@kaiku.example")
    place(session, settings, survey, 10, now - timedelta(days=60), agent="new@kaiku.example")
    session.commit()

    for width in (1280, 375):
        page = browser.new_page(viewport={"width": width, "height": 900})
        sign_in(page, live_server, analyst.email)
        page.get_by_role("link", name="Dashboard").click()
        page.wait_for_url("**/insights/dashboard")
        page.get_by_role("link", name="Last 90 days").click()
        page.wait_for_url("**range=90**")
        page.get_by_label("Break down by").select_option("agent")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**by=agent**")

        assert "range=90" in page.url
        assert page.get_by_role("heading", name="Agent leaderboard").is_visible()
        ranked = page.locator(".dash-agents tbody tr")
        assert ranked.count() == 2
        assert "new@kaiku.example" in page.locator(".dash-few").inner_text()
        assert page.locator(".dash-band").count() >= 1
        assert page.locator(".dash-trend-table tbody tr").count() >= 13  # weeks of 90 days
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow} px of sideways scrolling at {width} px"
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/dashboard-{width}.png", full_page=True)
        page.close()
