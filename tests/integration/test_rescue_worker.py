"""Rescue work that happens in the background, on real services: a real Celery worker on
PostgreSQL and Redis processes the answers, runs the escalation and the dispatch, and hands
every email to a real SMTP server (aiosmtpd).

- an urgent answer given over HTTP becomes a task whose assignee gets an email, sent by the
  worker after the commit that made the task;
- the periodic escalation emails the admins once and flags the task in the queue;
- a re-survey asked for at resolution is dispatched as a real invitation email when due, and
  the customer's answer of 7 through its link wins them back.

The app served here and the worker run on a queue of their own (``queue_worker``), so no other
worker of the test session takes their messages, and the worker's SMTP server and base URL are
known only at run time.
"""

import os
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select, update
from werkzeug.serving import make_server

from app import create_app
from surveys.kernel.actor import Actor
from surveys.models import Customer, Invitation, OutboxEmail, RescueTask
from surveys.rescue import actions as rescue_actions
from tests.conftest import use_celery_of
from tests.factories.rescue import make_task
from tests.factories.staff import PASSWORD, make_staff
from tests.factories.surveys import make_invitation
from tests.live import daytime_zone, wait_for, worker_env
from tests.servers import celery_worker, free_port
from worker.delivery_tasks import dispatch_due_invitations
from worker.rescue_tasks import escalate_overdue_rescue_tasks

pytestmark = [pytest.mark.integration, pytest.mark.worker]

QUEUE = f"kaiku-rescue-worker-{os.getpid()}"
NEGATIVE = "Terrible, awful service. Nobody answered for two weeks and I am furious."


@pytest.fixture(scope="module")
def web_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def rescue_app(live_config, web_port):
    """The live app (Redis broker, not eager) whose tasks go to QUEUE."""

    class RescueWorkerConfig(live_config):
        BASE_URL = f"http://127.0.0.1:{web_port}"
        CELERY = {**live_config.CELERY, "task_default_queue": QUEUE}

    return create_app(RescueWorkerConfig)


@pytest.fixture(scope="module")
def web(rescue_app, web_port):
    server = make_server("127.0.0.1", web_port, rescue_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{web_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def worker(live_config, redis_url, smtp_port, web_port):
    """A real worker on QUEUE (and every task it enqueues goes to QUEUE too), mailing to
    ``inbox``; yields its log path."""
    env = worker_env(live_config) | {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "BASE_URL": f"http://127.0.0.1:{web_port}",
        "KAIKU_TEST_QUEUE": QUEUE,
    }
    with celery_worker(
        "celery-rescue-worker", env, "-Q", QUEUE, app="tests.integration.queue_worker"
    ) as log_path:
        yield log_path


@pytest.fixture
def rescue(rescue_app, engine, inbox):
    """Use this module's app for the test; rows are wiped after it (``engine``)."""
    use_celery_of(rescue_app)
    inbox.messages.clear()
    inbox.recipients.clear()
    yield rescue_app


def mail_to(inbox, address: str) -> list:
    return [m for m in inbox.messages if m["To"] == address]


def fresh(session, model, row_id):
    return session.get(model, row_id, populate_existing=True)


def test_an_urgent_answer_over_http_emails_the_assignee_from_the_worker(
    rescue, web, worker, inbox, session
):
    settings = rescue.extensions["kaiku_settings"]
    agent = make_staff(session, "agent", email="aino@example.com", name="Aino Agent")
    new = make_invitation(session, settings, name="Ville", email="ville@example.com")
    session.commit()

    # As the answer page does it: the score first, then the comment (two processing runs).
    http = requests.Session()
    assert http.post(f"{web}/s/{new.token}", data={"score": 1}, allow_redirects=False).is_redirect
    why = http.post(f"{web}/s/{new.token}/why", data={"comment": NEGATIVE}, allow_redirects=False)
    assert why.is_redirect

    message = wait_for(lambda: next(iter(mail_to(inbox, agent.email)), None), timeout=60)
    task = session.scalars(select(RescueTask)).one()
    assert (task.priority, task.assignee_id) == ("high", agent.id)
    assert message["Subject"].startswith(f"Urgent rescue task #{task.id} is yours")
    assert f"{web}/rescue/{task.id}" in message.get_body(("plain",)).get_content()
    email = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "task_assigned")).one()
    wait_for(lambda: fresh(session, OutboxEmail, email.id).status == "sent")
    assert len(mail_to(inbox, agent.email)) == 1  # both runs together: one email


def test_the_escalation_job_emails_the_admins_once_and_flags_the_queue(
    rescue, web, worker, inbox, session
):
    settings = rescue.extensions["kaiku_settings"]
    admin = make_staff(session, "admin", email="ada@example.com", name="Ada Admin")
    make_staff(session, "admin", email="former@example.com").active = False
    agent = make_staff(session, "agent", email="aino@example.com")
    task = make_task(session, settings, name="Late Oy", assignee=agent)
    task.due_at = datetime.now(UTC) - timedelta(hours=2)
    session.commit()

    escalate_overdue_rescue_tasks.apply_async()
    message = wait_for(lambda: next(iter(mail_to(inbox, admin.email)), None), timeout=60)
    assert message["Subject"] == "1 rescue task is overdue"
    assert f"{web}/rescue/{task.id}" in message.get_body(("plain",)).get_content()
    assert fresh(session, RescueTask, task.id).escalated_at is not None

    escalate_overdue_rescue_tasks.apply_async()  # the next beat tick: nothing new to say
    done = re.compile(r"escalate_overdue_rescue_tasks\[[0-9a-f-]+\] succeeded in [0-9.]+s: 0")
    wait_for(lambda: done.search(worker.read_text()), timeout=60)
    assert [m["To"] for m in inbox.messages] == [admin.email]  # not the inactive admin, once

    # The queue shows the task overdue and escalated to the agent who signs in.
    http = requests.Session()
    login = http.get(f"{web}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)
    form = {"email": agent.email, "password": PASSWORD}
    if token:
        form["csrf_token"] = token.group(1)
    assert http.post(f"{web}/login", data=form, allow_redirects=False).status_code == 302
    queue = http.get(f"{web}/rescue/?overdue=y").text
    row = re.search(rf'<tr class="[^"]*" data-task-id="{task.id}">.*?</tr>', queue, re.S)
    assert row and "queue-row--overdue" in row.group(0)
    assert "Overdue" in row.group(0) and "Escalated" in row.group(0)


def test_a_resurvey_is_dispatched_and_a_good_answer_wins_the_customer_back(
    rescue, web, worker, inbox, session
):
    settings = rescue.extensions["kaiku_settings"]
    agent = make_staff(session, "agent", email="aino@example.com")
    task = make_task(
        session, settings, email="ville@example.com", timezone=daytime_zone(), assignee=agent
    )
    rescue_actions.change_status(
        session,
        task,
        "resolved",
        actor=Actor.of_staff(agent),
        outcome="satisfied",
        note="Refunded the double charge.",
        resurvey_after_days=7,
        settings=settings,
    )
    session.commit()
    resurvey = session.get(Invitation, task.resurvey_invitation_id)
    assert resurvey.status == "scheduled"
    assert resurvey.scheduled_for > datetime.now(UTC) + timedelta(days=6)

    dispatch_due_invitations.apply_async()  # not due yet: nothing goes out
    done = re.compile(r"dispatch_due_invitations\[[0-9a-f-]+\] succeeded")
    wait_for(lambda: done.search(worker.read_text()), timeout=60)
    assert fresh(session, Invitation, resurvey.id).status == "scheduled"

    # Seven days later (the row's time moved back, the worker's clock is the real one).
    session.execute(
        update(Invitation)
        .where(Invitation.id == resurvey.id)
        .values(
            scheduled_for=datetime.now(UTC) - timedelta(minutes=1),
            expires_at=datetime.now(UTC) + timedelta(days=14),
        )
    )
    session.commit()
    dispatch_due_invitations.apply_async()

    message = wait_for(lambda: next(iter(mail_to(inbox, "ville@example.com")), None), timeout=60)
    links = re.findall(r"http://\S+/s/(\S+)\?score=7", message.get_body(("plain",)).get_content())
    assert links, "the re-survey email carries the score links"
    wait_for(lambda: fresh(session, Invitation, resurvey.id).status == "sent")

    answered = requests.post(f"{web}/s/{links[0]}", data={"score": 7}, allow_redirects=False)
    assert answered.status_code == 303

    won = wait_for(
        lambda: (t := fresh(session, RescueTask, task.id)).winback == "won_back" and t,
        timeout=60,
    )
    assert won.winback_at is not None
    # A passive answer moves no stage by itself: the win-back brings them back from at risk.
    assert fresh(session, Customer, task.customer_id).stage == "active"
