"""The themes page in a real browser: an analyst edits a theme's terms at phone width, and the
page then says that earlier answers keep their themes until re-tagged. Any CSP violation fails
the test (tests/browser/conftest.py)."""

from pathlib import Path

from sqlalchemy import select

from surveys.models import Theme
from tests.browser.test_staff_pages_in_browser import sign_in
from tests.factories.staff import make_staff

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_an_analyst_edits_a_themes_terms_on_a_phone(live, live_server, browser, session):
    analyst = make_staff(session, "analyst")
    session.commit()
    page = browser.new_page(viewport={"width": 375, "height": 800})
    sign_in(page, live_server, analyst.email)

    page.goto(f"{live_server}/themes")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "themes-list-375.png"))
    page.get_by_role("link", name="Edit price").click()
    page.screenshot(path=str(ARTIFACTS / "theme-edit-375.png"))
    terms = page.get_by_label("Terms in English")
    terms.fill(terms.input_value() + "\ntariff")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/themes?changed=price")

    assert page.get_by_role("status").filter(has_text="until they are re-tagged").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / "themes-saved-375.png"))
    assert width <= 375, f"the page scrolls sideways at 375 px ({width} px wide)"
    session.expire_all()
    assert "tariff" in session.scalar(select(Theme.terms).where(Theme.key == "price"))["en"]
    page.close()

    wide = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(wide, live_server, analyst.email)
    wide.goto(f"{live_server}/themes")
    wide.screenshot(path=str(ARTIFACTS / "themes-list-1280.png"))
    wide.goto(f"{live_server}/themes/price/edit")
    wide.screenshot(path=str(ARTIFACTS / "theme-edit-1280.png"), full_page=True)
    assert wide.evaluate("document.documentElement.scrollWidth") <= 1280
    wide.close()
