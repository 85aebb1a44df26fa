"""Privacy in a real browser: an admin downloads a customer's data from the customer page,
opens "Erase…", is stopped by a wrong id, types the right one and lands on the directory
without them. The customer page, the confirmation page and the survey's retention section fit
a 375 px phone and a 1280 px desktop (screenshots in test-artifacts/)."""

import json

from surveys.models import Survey
from tests.browser.test_explorer_in_browser import fits
from tests.browser.test_staff_pages_in_browser import sign_in
from tests.factories.privacy import EXTERNAL_ID, NAME, make_person
from tests.factories.staff import make_staff


def test_an_admin_exports_then_erases_a_customer(live, live_server, browser, session, settings):
    admin = make_staff(session, "admin", email="privacy-admin@example.com")
    person = make_person(session, settings)
    customer_url = f"{live_server}/customers/{person.customer.id}"
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    sign_in(page, live_server, admin.email)

    page.goto(customer_url)
    fits(page, 1280, "privacy-customer")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export data").click()
    document = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert document["customer"]["external_id"] == EXTERNAL_ID

    page.get_by_role("link", name="Erase…").click()
    page.wait_for_url(f"{customer_url}/erase")
    assert page.get_by_role("heading", level=1).inner_text() == f"Erase {NAME}?"
    fits(page, 1280, "privacy-erase")
    page.get_by_label("Type the customer's id to confirm").fill("crm-wrong")
    page.get_by_role("button", name=f"Erase {NAME}").click()
    assert "nothing was erased" in page.locator(".field-error").inner_text()
    fits(page, 1280, "privacy-erase-refused")
    page.get_by_label("Type the customer's id to confirm").fill(EXTERNAL_ID)
    page.get_by_role("button", name=f"Erase {NAME}").click()
    page.wait_for_url(f"{live_server}/customers")
    assert "The customer was erased" in page.content() and NAME not in page.content()
    page.close()


def test_the_privacy_pages_fit_a_phone(live, live_server, browser, session, settings):
    admin = make_staff(session, "admin", email="privacy-phone@example.com")
    person = make_person(session, settings)
    session.get(Survey, person.survey_id).retention_months = 6
    session.commit()
    phone = browser.new_page(viewport={"width": 375, "height": 800})
    sign_in(phone, live_server, admin.email)

    phone.goto(f"{live_server}/customers/{person.customer.id}")
    assert phone.get_by_role("link", name="Erase…").is_visible()
    fits(phone, 375, "privacy-customer")
    phone.goto(f"{live_server}/customers/{person.customer.id}/erase")
    fits(phone, 375, "privacy-erase")
    phone.goto(f"{live_server}/admin/surveys/{person.survey_id}")
    phone.locator("#retention-title").scroll_into_view_if_needed()
    dry_run = phone.locator("#retention-dry-run").inner_text()
    assert "would delete 0 comments, 0 rescue notes and 0 emails older than" in dry_run
    fits(phone, 375, "privacy-survey-retention")
    phone.close()
    desktop = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(desktop, live_server, admin.email)
    desktop.goto(f"{live_server}/admin/surveys/{person.survey_id}")
    fits(desktop, 1280, "privacy-survey-retention")
    desktop.close()
