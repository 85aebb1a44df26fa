"""The customer directory and the reply in a real browser: an agent searches the directory,
opens a customer, replies to their answer, and sees the reply on the timeline; the rescue task
page shows the customer's attributes. Every page fits a 375 px phone and a 1280 px desktop
without sideways scrolling (screenshots in test-artifacts/), and the staff navigation, with its
new "Customers" entry, stays on one line at 1280 px for an admin (the most entries)."""

from sqlalchemy import select

from surveys.models import OutboxEmail
from surveys.reports.segments import set_segments
from tests.browser.test_explorer_in_browser import fits
from tests.browser.test_staff_pages_in_browser import sign_in
from tests.factories.explorer import make_response
from tests.factories.rescue import make_task
from tests.factories.staff import make_staff
from tests.factories.surveys import make_customer, make_survey


def seed(session, settings):
    """A promoter among other customers, two segments, and a detractor with a rescue task."""
    set_segments(session, ["plan", "segment"])
    survey = make_survey(session, "nps", name="Product NPS")
    promoter = make_response(
        session, settings, survey, score=10, category="promoter", language="en",
        comment="Support sorted out our invoices in an afternoon. Brilliant.",
        customer={"name": "Harry Davies", "email": "harry.davies@example-company.co.uk",
                  "external_id": "crm-2002-a-rather-long-id", "stage": "loyal",
                  "attributes": {"plan": "enterprise", "segment": "mid-market", "mrr": 1490}},
    )  # fmt: skip
    for n, name in enumerate(["Anna Andersson", "Maija Meikäläinen", "Pekka Virtanen"]):
        make_customer(session, name=name, stage=["active", "at_risk", "onboarding"][n],
                      attributes={"plan": "basic", "segment": "smb"})  # fmt: skip
    task = make_task(session, settings, survey=survey, score=2, name="Harriet Jones",
                     email="harriet@example.com",
                     attributes={"plan": "pro", "mrr": 490, "segment": "smb"})  # fmt: skip
    session.commit()
    return promoter, task


def nav_lines(page) -> int:
    tops = page.evaluate(
        "[...document.querySelectorAll('.staff-header .nav li')].map(li => li.offsetTop)"
    )
    return len(set(tops))


def test_an_agent_searches_the_directory_opens_a_customer_and_replies(
    live, live_server, browser, session, settings
):
    agent = make_staff(session, "agent", name="Aino Agent")
    admin = make_staff(session, "admin")
    promoter, task = seed(session, settings)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, agent.email)

    page.get_by_role("link", name="Customers", exact=True).click()
    page.wait_for_url("**/customers")
    page.get_by_label("Name, email or id").fill("harr")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/customers?q=harr*")
    assert page.locator(".directory__row").count() == 2  # Harry and Harriet
    fits(page, 1280, "directory")
    page.get_by_role("link", name="Harry Davies").click()
    page.wait_for_url(f"**/customers/{promoter.customer_id}")

    page.locator(f'.response[data-response-id="{promoter.id}"]').get_by_role(
        "link", name="Reply"
    ).click()
    page.wait_for_url(f"**/customers/{promoter.customer_id}?reply={promoter.id}#reply")
    reply = page.locator("#reply")
    assert reply.get_by_label("Subject").input_value() == "Thank you for your feedback"
    assert "Hi Harry Davies," in reply.locator("#reply-greeting").inner_text()
    fits(page, 1280, "customer-reply")
    reply.get_by_label("Message").fill("Thank you, that made our week.\n\nAino")
    reply.get_by_role("button", name="Send reply").click()
    page.wait_for_url(f"**/customers/{promoter.customer_id}#timeline")
    assert "Reply sent to harry.davies@example-company.co.uk." in page.content()
    assert (
        "Reply from Aino Agent: Thank you for your feedback"
        in page.locator("#timeline").inner_text()
    )
    email = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "reply")).one()
    assert email.to_address == "harry.davies@example-company.co.uk"

    page.goto(f"{live_server}/rescue/{task.id}")
    assert "490" in page.locator("#attributes").inner_text()
    fits(page, 1280, "task-attributes")
    page.close()

    phone = browser.new_page(viewport={"width": 375, "height": 800})
    sign_in(phone, live_server, agent.email)
    phone.goto(f"{live_server}/customers?q=harr")
    fits(phone, 375, "directory")
    phone.goto(f"{live_server}/customers/{promoter.customer_id}?reply={promoter.id}#reply")
    fits(phone, 375, "customer-reply")
    phone.goto(f"{live_server}/rescue/{task.id}")
    fits(phone, 375, "task-attributes")
    phone.close()

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, live_server, admin.email)
    desk.goto(f"{live_server}/customers")
    assert nav_lines(desk) == 1, "the staff navigation wraps at 1280 px"
    desk.close()
