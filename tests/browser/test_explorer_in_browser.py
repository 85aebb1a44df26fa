"""The themes report and the explorer in a real browser: an analyst opens the themes report,
clicks a theme, lands in the explorer filtered to it, searches, and downloads the CSV. Both
pages fit a 375 px phone and a 1280 px desktop without sideways scrolling (screenshots in
test-artifacts/). Any CSP violation fails the test (tests/browser/conftest.py)."""

import csv
import io
from datetime import timedelta
from pathlib import Path

from surveys.kernel import clock
from tests.browser.test_staff_pages_in_browser import sign_in
from tests.factories.explorer import make_response
from tests.factories.staff import make_staff
from tests.factories.surveys import make_survey

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def seed(session, settings):
    survey = make_survey(session, "nps", name="Product NPS")
    yesterday = clock.now() - timedelta(days=1)
    comments = [
        (1, "detractor", "The invoice was far too expensive this month", ("price",), "negative"),
        (2, "detractor", "Pricing changed without notice, expensive", ("price",), "negative"),
        (6, "detractor", "Price is fine but support was slow", ("price", "support"), "neutral"),
        (10, "promoter", "Support solved it in minutes", ("support",), "positive"),
        (9, "promoter", "=cmd|' /C calc'!A0 great support", ("support",), "positive"),
        (8, "passive", "Works as expected", (), "neutral"),
    ]
    for score, category, comment, themes, label in comments:
        make_response(session, settings, survey, score=score, category=category,
                      comment=comment, themes=themes, sentiment_label=label, language="en",
                      answered_at=yesterday)  # fmt: skip
    session.commit()
    return survey


def fits(page, width: int, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} scrolls sideways at {width} px ({scroll} px wide)"


def test_an_analyst_goes_from_a_theme_to_its_responses_and_downloads_them(
    live, live_server, browser, session, settings
):
    analyst = make_staff(session, "analyst")
    seed(session, settings)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    sign_in(page, live_server, analyst.email)

    page.get_by_role("link", name="Themes report").first.click()
    page.wait_for_url("**/insights/themes/report**")
    fits(page, 1280, "themes-report")
    page.locator('tr[data-theme="price"]').get_by_role("link", name="#price").click()
    page.wait_for_url("**/insights/responses?theme=price**")
    assert page.locator(".explorer-card").count() == 3
    assert page.get_by_label("Theme").input_value() == "price"

    page.get_by_label("Search comments").fill("expensive")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**q=expensive**")
    assert page.locator(".explorer-card").count() == 2
    assert "theme=price" in page.url
    fits(page, 1280, "explorer")

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download CSV").click()
    download = caught.value
    assert download.suggested_filename.startswith("kaiku-responses-")
    text = Path(download.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    comment = rows[0].index("comment")
    assert sorted(row[comment] for row in rows[1:]) == [
        "Pricing changed without notice, expensive",
        "The invoice was far too expensive this month",
    ]
    page.close()

    phone = browser.new_page(viewport={"width": 375, "height": 800})
    sign_in(phone, live_server, analyst.email)
    phone.goto(f"{live_server}/insights/themes/report")
    fits(phone, 375, "themes-report")
    phone.goto(f"{live_server}/insights/responses?theme=support")
    assert phone.locator(".explorer-card").count() == 3
    fits(phone, 375, "explorer")
    phone.close()


def test_an_admins_navigation_stays_on_one_line_at_1280_px(live, live_server, browser, session):
    admin = make_staff(session, "admin")
    session.commit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, admin.email)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview-admin-1280.png"))
    tops = page.locator("ul.nav > li").evaluate_all(
        "items => items.map(item => item.getBoundingClientRect().top)"
    )
    assert len(set(tops)) == 1, f"the navigation wraps at 1280 px: {tops}"
    page.close()
