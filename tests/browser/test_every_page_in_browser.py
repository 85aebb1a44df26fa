"""Every page people open, in Chromium at 375 and 1280 px: no sideways scrolling, no console
error, and no serious or critical accessibility violation found by axe-core (vendored under
tests/browser/vendor, injected by Playwright).

The staff pages are every GET route of the app that renders HTML; a route with parameters
needs a sample below, so a page added later without one fails here instead of going unchecked.
The respondent pages are walked as a customer walks them: question, score, why, thanks,
unsubscribe. axe's summary is written to test-artifacts/axe-summary.json.
"""

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.demo.seed import seed_demo
from surveys.answers.processing import process_responses
from surveys.brand.logo import clean_logo
from surveys.brand.storage import save_brand, set_logo
from surveys.customers import imports
from surveys.delivery.invitations import create_invitation
from surveys.models import Customer, CustomerImport, RescueTask, StaffUser, Survey, TriggerRule
from surveys.staff.passwords import start_password_reset
from surveys.webhooks import emit
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint
from tests.factories.staff import PASSWORD, make_staff
from tests.factories.surveys import make_customer

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = (375, 1280)
# GET routes that are not pages: JSON polls, a CSV download, a redirect, the brand's logo image,
# the API, static files, the embed loader script.
NOT_PAGES = {
    "admin.import_status", "admin.reanalysis_status", "insights.explorer_csv",
    "respond.follow", "respond.referral_status", "respond.logo", "static", "embed.loader",
    "demo_shop",  # 404 outside `flask run-demo`; the company's page, not Kaiku's
    "customers.export",  # a JSON download (tests/web/test_privacy_pages.py)
}  # fmt: skip
# Walked as a customer (below), with a token of their own.
RESPONDENT = {"respond.question", "respond.why", "respond.thanks", "respond.unsubscribe_page"}
SERIOUS = ("serious", "critical")
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def demo(live, session, settings):
    """The demo's data, processed, plus what the samples need: an import, a fresh invitation."""
    summary = seed_demo(session, settings)
    session.commit()
    process_responses(session, list(summary.response_ids), settings)
    session.commit()
    imports.create_import(session, "people.csv", "external_id,email\nx-1,x1@example.com\n")
    # A house brand, so the respondent pages and emails are checked as a company's own.
    save_brand(
        session,
        {"company_name": "Acme Oy", "primary_color": "#1d4ed8",
         "postal_address": "Esimerkkikatu 1\n00100 Helsinki"},
    )  # fmt: skip
    set_logo(session, clean_logo(_png()))
    survey = session.scalars(select(Survey).order_by(Survey.id)).first()
    fresh = create_invitation(
        session, survey, make_customer(session, name="Ella Virtanen"), settings
    )
    session.commit()
    return fresh.token


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 40), (29, 78, 216)).save(out, format="PNG")
    return out.getvalue()


def samples(session) -> dict[str, str]:
    """One URL per route with parameters, from the seeded data."""
    survey = session.scalars(select(Survey).order_by(Survey.id)).first()
    rule = session.scalars(select(TriggerRule).where(TriggerRule.survey_id == survey.id)).first()
    agent = session.scalars(select(StaffUser).where(StaffUser.role == "agent")).first()
    task = session.scalars(select(RescueTask).order_by(RescueTask.id)).first()
    customer = session.scalars(select(Customer).order_by(Customer.id)).first()
    customer_import = session.scalars(select(CustomerImport)).first()
    _, reset_token = start_password_reset(session, agent.email)  # a link the agent was sent
    hook = create_endpoint(session, WebhookSettings(), url="https://hooks.example.com/kaiku")
    emit(session, "referral.created", {"id": 1})  # a delivery in its log
    session.commit()
    return {
        "auth.reset_password_page": f"/reset-password/{reset_token}",
        "admin.import_page": f"/admin/imports/{customer_import.id}",
        "admin.staff_edit": f"/admin/staff/{agent.id}",
        "admin.staff_deactivate": f"/admin/staff/{agent.id}/deactivate",
        "admin.staff_password": f"/admin/staff/{agent.id}/password",
        "admin.edit_survey": f"/admin/surveys/{survey.id}",
        "admin.preview": f"/admin/surveys/{survey.id}/preview",
        "admin.preview_answer": f"/admin/surveys/{survey.id}/preview/answer",
        "admin.preview_email_html": f"/admin/surveys/{survey.id}/preview/email",
        "admin.preview_thanks": f"/admin/surveys/{survey.id}/preview/thanks",
        "admin.survey_brand": f"/admin/surveys/{survey.id}/brand",
        "admin.survey_embed": f"/admin/surveys/{survey.id}/embed",
        "admin.edit_rule": f"/admin/surveys/{survey.id}/rules/{rule.id}",
        "admin.new_rule": f"/admin/surveys/{survey.id}/rules/new",
        "admin.webhook": f"/admin/webhooks/{hook.id}",
        "admin.edit_webhook": f"/admin/webhooks/{hook.id}/edit",
        "admin.delete_webhook": f"/admin/webhooks/{hook.id}/delete",
        "customers.customer": f"/customers/{customer.id}",
        "customers.erase": f"/customers/{customer.id}/erase",
        "embed.widget": f"/embed/{survey.key}?lang=fi",  # the widget's page, on its own
        "rescue.task": f"/rescue/{task.id}",
        "insights.theme_edit": "/themes/price/edit",
        "insights.theme_delete": "/themes/price/delete",
    }


def staff_pages(app, session) -> list[str]:
    """Every HTML page of the staff side: routes without parameters, and the samples."""
    sample = samples(session)
    pages, missing = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        endpoint = rule.endpoint
        if "GET" not in rule.methods or endpoint.startswith("api.") or endpoint in NOT_PAGES:
            continue
        if endpoint in RESPONDENT or endpoint == "auth.login":
            continue
        if rule.arguments:
            if endpoint not in sample:
                missing.append(endpoint)
            else:
                pages.append(sample[endpoint])
        else:
            pages.append(rule.rule)
    assert not missing, f"add a sample URL for {missing} to tests/browser/{Path(__file__).name}"
    return pages


def check(page, url: str, width: int, report: dict, errors: list[str], problems: list) -> None:
    """Open ``url`` and inspect it."""
    errors.clear()
    response = page.goto(url)
    page.wait_for_load_state("load")
    if response is None or response.status >= 400:
        problems.append(f"{url}: status {response and response.status}")
    inspect(page, url, width, report, errors, problems)


def inspect(page, url: str, width: int, report: dict, errors: list[str], problems: list) -> None:
    """Note in ``problems`` what is wrong with the open page, and axe's violations in ``report``."""
    overflow = settled(page, "document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{url} at {width} px scrolls sideways by {overflow} px")
    if errors:
        problems.append(f"{url} at {width} px: console errors {errors}")
    page.add_script_tag(path=str(AXE))
    report[f"{width} {url}"] = settled(page, AXE_RUN)
    errors.clear()


def settled(page, script: str):
    """Evaluate ``script``; a page that reloads itself (a finished import's poller) once more."""
    from playwright.sync_api import Error as PlaywrightError  # installed: the fixture checked

    try:
        return page.evaluate(script)
    except PlaywrightError as exc:
        if "Execution context was destroyed" not in str(exc):
            raise
        page.wait_for_load_state("load")
        if script == AXE_RUN:
            page.add_script_tag(path=str(AXE))
        return page.evaluate(script)


def test_every_page_at_375_and_1280_px(live_app, live_server, browser, session, demo):
    admin = make_staff(session, "admin")
    session.commit()
    pages = staff_pages(live_app, session)
    token = demo
    report: dict[str, list] = {}
    problems: list[str] = []
    for width in WIDTHS:
        # axe is injected as a script of its own: the page's CSP (checked by the other browser
        # tests) would refuse it, so this context bypasses CSP.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        page.goto(f"{live_server}/login")
        check(page, f"{live_server}/login", width, report, errors, problems)
        page.get_by_label("Email").fill(admin.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server}/")
        for path in pages:
            check(page, live_server + path, width, report, errors, problems)
        # The new embed secret's page answers a POST: reached by its button.
        page.goto(live_server + next(path for path in pages if path.endswith("/embed")))
        page.get_by_role("button", name=re.compile(r"Create (the first|a new) secret")).click()
        page.wait_for_load_state("load")
        inspect(page, page.url, width, report, errors, problems)
        # So is a webhook's rotated secret.
        page.goto(live_server + next(p for p in pages if re.search(r"/webhooks/\d+$", p)))
        page.get_by_role("button", name="Rotate the secret").click()
        page.wait_for_load_state("load")
        inspect(page, page.url, width, report, errors, problems)
        context.close()
        # The respondent's walk, signed out, in the customer's own browser.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
        seen = (report, errors, problems)
        check(page, f"{live_server}/s/{token}", width, *seen)
        page.goto(f"{live_server}/s/{token}?score=9")  # its script submits the score
        page.wait_for_url("**/why")
        inspect(page, page.url, width, *seen)
        page.get_by_role("button", name="Send").click()
        page.wait_for_url("**/thanks")
        inspect(page, page.url, width, *seen)
        check(page, f"{live_server}/u/{token}", width, *seen)
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-summary.json").write_text(json.dumps(report, indent=1))
    serious = {
        where: [v for v in violations if v["impact"] in SERIOUS]
        for where, violations in report.items()
    }
    serious = {where: found for where, found in serious.items() if found}
    assert problems == [] and serious == {}, "\n".join(problems) + json.dumps(serious, indent=1)
