"""The customer page in a real browser: an analyst clicks a customer's name on an explorer card,
reads the customer page, and follows "All answers in the explorer" back to that customer's
answers. The page fits a 375 px phone and a 1280 px desktop without sideways scrolling
(screenshots in test-artifacts/). Any CSP violation fails the test (tests/browser/conftest.py)."""

from datetime import timedelta

from surveys.kernel import clock
from surveys.models import StageChange
from tests.browser.test_explorer_in_browser import fits
from tests.browser.test_staff_pages_in_browser import sign_in
from tests.factories.explorer import make_response
from tests.factories.staff import make_staff
from tests.factories.surveys import make_survey


def seed(session, settings):
    """Two answers of one customer with a long attribute list, and one of another customer."""
    survey = make_survey(session, "nps", name="Product NPS")
    yesterday = clock.now() - timedelta(days=1)
    first = make_response(
        session, settings, survey, score=3, category="detractor", language="en",
        comment="The new invoice layout hides the VAT breakdown we need every month",
        themes=("billing", "usability"), sentiment_label="negative", answered_at=yesterday,
        customer={"name": "Maija Meikäläinen", "external_id": "crm-1001-a-rather-long-id",
                  "email": "maija.meikalainen@example-company.fi",
                  "attributes": {"plan": "enterprise", "mrr": 1490, "segment": "mid-market",
                                 "account_manager": "pekka.virtanen@example.com"}},
    )  # fmt: skip
    earlier = yesterday - timedelta(days=40)
    second = make_response(session, settings, survey, score=9, category="promoter",
                           comment="Support was quick", answered_at=earlier)  # fmt: skip
    second.customer_id = first.customer_id
    first.customer.stage = "at_risk"
    session.add(StageChange(customer_id=first.customer_id, from_stage="active", to_stage="at_risk",
                            cause="feedback", detail="detractor answer to Product NPS",
                            changed_at=yesterday))  # fmt: skip
    make_response(session, settings, survey, score=10, category="promoter", comment="Great",
                  answered_at=yesterday, customer={"name": "Someone Else"})  # fmt: skip
    session.commit()
    return first


def test_an_analyst_goes_from_an_explorer_card_to_the_customer_page(
    live, live_server, browser, session, settings
):
    analyst = make_staff(session, "analyst")
    first = seed(session, settings)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, analyst.email)

    page.goto(f"{live_server}/insights/responses")
    card = page.locator(f'.explorer-card[data-response-id="{first.id}"]')
    card.get_by_role("link", name="Maija Meikäläinen").click()
    page.wait_for_url(f"**/customers/{first.customer_id}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Maija Meikäläinen")
    assert page.locator("#answers .response").count() == 2
    assert "enterprise" in page.locator("#attributes").inner_text()
    assert "Active → At risk" in page.locator("#stages").inner_text()
    fits(page, 1280, "customer")

    page.get_by_role("link", name="All answers in the explorer").click()
    page.wait_for_url("**/insights/responses?customer=crm-1001-a-rather-long-id")
    assert page.locator(".explorer-card").count() == 2
    page.close()

    phone = browser.new_page(viewport={"width": 375, "height": 800})
    sign_in(phone, live_server, analyst.email)
    phone.goto(f"{live_server}/customers/{first.customer_id}")
    assert phone.locator("#answers .response").count() == 2
    fits(phone, 375, "customer")
    phone.close()
