"""The support team's rescue flow in a real browser (Debian's chromium driven by Playwright),
against the app served over HTTP with CSRF on, PostgreSQL, and a real Celery worker that hands
the follow-up to a real SMTP server (aiosmtpd): what an agent sees and does.

The app and the worker here are this module's own: the web app's tasks go to a queue only this
worker consumes, and the worker's SMTP server is known only at run time.
"""

import os
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from surveys.models import OutboxEmail, RescueNote, RescueTask
from tests.conftest import use_celery_of
from tests.factories.rescue import make_task
from tests.factories.staff import PASSWORD, make_staff
from tests.live import wait_for, worker_env
from tests.servers import ARTIFACTS, celery_worker, free_port

pytestmark = [pytest.mark.integration, pytest.mark.worker]

SCREENSHOTS = ARTIFACTS / "screenshots"
QUEUE = f"kaiku-rescue-browser-{os.getpid()}"


@pytest.fixture(scope="module")
def rescue_app(live_config):
    """The live app as production runs it (CSRF on), its tasks sent to QUEUE."""

    class RescueBrowserConfig(live_config):
        WTF_CSRF_ENABLED = True
        CELERY = {**live_config.CELERY, "task_default_queue": QUEUE}

    return create_app(RescueBrowserConfig)


@pytest.fixture(scope="module")
def rescue_server(rescue_app):
    port = free_port()
    server = make_server("127.0.0.1", port, rescue_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="module")
def mail_worker(live_config, redis_url, smtp_port):
    env = worker_env(live_config) | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port)}
    with celery_worker("celery-rescue-browser-worker", env, "-Q", QUEUE) as log_path:
        yield log_path


@pytest.fixture
def rescue(rescue_app, engine):
    """Use this module's app for the test; rows are wiped after it (``engine``)."""
    use_celery_of(rescue_app)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield rescue_app


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"rescue-{name}.png"), full_page=True)


def focused(page) -> dict:
    """What has the keyboard focus: its id, tag, and whether a focus outline is drawn."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {id: el.id, tag: el.tagName, text: el.textContent.trim(), value: el.value,
                    outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'};
        }"""
    )


def tab_to(page, element_id: str, limit: int = 80) -> dict:
    """Press Tab until the element with ``element_id`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["id"] == element_id:
            return now
    pytest.fail(f"Tab never reached #{element_id}")


def reload(session, task_id: int) -> RescueTask:
    session.expire_all()
    return session.get(RescueTask, task_id)


def test_agent_works_a_task_from_queue_to_resolution(
    rescue, rescue_server, mail_worker, inbox, browser, session
):
    settings = rescue.extensions["kaiku_settings"]
    agent = make_staff(session, "agent", email="aino@example.com", name="Aino Agent")
    task = make_task(
        session,
        settings,
        score=2,
        comment="The invoice was wrong <b>twice</b> and nobody answered.",
        assignee=None,
        name="Ville Virtanen",
        email="ville@example.com",
    )
    task_id = task.id
    session.commit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    # Sign in, sent on to the queue.
    page.goto(f"{rescue_server}/rescue/")
    page.wait_for_url("**/login?next=*")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/rescue/")
    row = page.locator(f'tr[data-task-id="{task_id}"]')
    assert "The invoice was wrong <b>twice</b>" in row.inner_text()  # shown as text, escaped
    assert "Unassigned" in row.inner_text()
    shot(page, "1-queue")

    # Open the task and take it.
    row.get_by_role("link", name="Ville Virtanen").click()
    page.wait_for_url(f"**/rescue/{task_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Take it").click()
    assert "You took it" in page.inner_text("body")
    assert reload(session, task_id).assignee_id == agent.id

    # An internal note.
    page.get_by_label("Internal note").fill("Checked the invoices: two were doubled.")
    with page.expect_navigation():
        page.get_by_role("button", name="Add note").click()
    assert page.url.endswith(f"/rescue/{task_id}#notes")
    notes = page.locator("#notes").inner_text()
    assert "Checked the invoices: two were doubled." in notes and "Aino Agent" in notes
    shot(page, "2-task-with-note")

    # A follow-up email, delivered by the worker to the SMTP server.
    follow_up = page.locator("#follow-up")
    assert "ville@example.com" in follow_up.inner_text()
    follow_up.get_by_label("Subject").fill("Your invoices")
    follow_up.get_by_label("Message").fill("Hi Ville,\n\nWe credited the double charge today.")
    with page.expect_navigation():
        follow_up.get_by_role("button", name="Send follow-up").click()
    assert "Follow-up sent to ville@example.com" in page.inner_text("body")
    message = wait_for(
        lambda: next((m for m in inbox.messages if m["Subject"] == "Your invoices"), None),
        timeout=30,
    )
    assert message["To"] == "ville@example.com"
    assert "aino@example.com" in message["Reply-To"]
    text = message.get_body(("plain",)).get_content()
    assert "We credited the double charge today." in text
    outbox = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "follow_up")).one()
    wait_for(lambda: session.get(OutboxEmail, outbox.id, populate_existing=True).status == "sent")
    assert reload(session, task_id).status == "contacted"

    # Resolve it with the keyboard only: Tab through the page, arrows in the select, Enter.
    tab_to(page, "status-status")
    assert focused(page)["value"] == "resolved"  # the next step is offered first
    outcome = tab_to(page, "status-outcome")
    assert outcome["outline"], "the focused field shows a focus outline"
    page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == "satisfied"
    tab_to(page, "status-note")
    page.keyboard.type("Credited the double charge; Ville thanked us.")
    button = tab_to(page, "status-submit")
    assert button["text"] == "Change status" and button["outline"]
    shot(page, "3-keyboard-resolve")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    task = reload(session, task_id)
    assert (task.status, task.outcome) == ("resolved", "satisfied")
    assert task.resolution_note == "Credited the double charge; Ville thanked us."
    assert task.sla_met is True
    body = page.inner_text("body")
    assert "Status: Contacted → Resolved, outcome Customer satisfied (agent's view)" in body
    assert "Follow-up email sent" in body
    assert session.scalar(select(RescueNote.body).where(RescueNote.task_id == task_id))
    shot(page, "4-resolved")
    page.close()


def test_queue_and_task_fit_a_phone_screen(rescue, rescue_server, browser, session):
    settings = rescue.extensions["kaiku_settings"]
    agent = make_staff(session, "agent", email="aino@example.com", name="Aino Agent")
    task = make_task(
        session, settings, assignee=agent, comment="Slow support, " * 30, name="Long Name Oy"
    )
    session.commit()
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(f"{rescue_server}/login")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{rescue_server}/")

    for path, name in (
        ("/rescue/", "5-queue-phone"),
        (f"/rescue/{task.id}", "6-task-phone"),
        ("/rescue/report", "7-report-phone"),
    ):
        page.goto(f"{rescue_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways at 375px ({width}px)"
        shot(page, name)
    page.close()
