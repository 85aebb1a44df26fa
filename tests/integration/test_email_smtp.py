"""The invitation email end to end on real services: queued with the services on PostgreSQL,
delivered by a real Celery worker process to a real SMTP server (aiosmtpd), and its score link
followed over HTTP to the answer page. Also: SMTP down loses nothing and sends once when back.

This module starts a worker of its own, because the SMTP server's port is only known at run
time; it consumes a queue of its own, so a session-wide ``live_worker`` (which has no SMTP
configured) cannot take these emails.
"""

import os
import re
import time
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import requests
from sqlalchemy import func, select

from surveys.delivery.emails import queue_invitation_email
from surveys.mail import stalled_outbox_ids
from surveys.models import Invitation, OutboxEmail, Response
from tests.factories.surveys import make_invitation
from tests.live import wait_for, worker_env
from tests.servers import celery_worker
from worker.tasks import deliver_email

pytestmark = [pytest.mark.integration, pytest.mark.worker]

QUEUE = f"kaiku-mail-test-{os.getpid()}"


class AnswerPage(HTMLParser):
    """What the answer page offers: the form's action and hidden fields, the score that the
    page will submit by itself (``data-autosubmit``), and the score buttons shown selected."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.action: str | None = None
        self.hidden: dict[str, str] = {}
        self.autosubmit: tuple[str, str] | None = None
        self.selected: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action") or ""
        elif tag == "input" and attrs.get("type") == "hidden":
            self.hidden[attrs["name"]] = attrs.get("value") or ""
        elif tag == "button" and "data-autosubmit" in attrs:
            self.autosubmit = (attrs["name"], attrs["value"])
        elif tag == "button" and "is-selected" in (attrs.get("class") or "").split():
            self.selected.append(attrs["value"])


def hrefs(html: str) -> list[str]:
    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                found.append(dict(attrs)["href"])

    Links().feed(html)
    return found


@pytest.fixture(scope="module")
def mail_worker(live_config, redis_url, smtp_port):
    """A real ``celery -A worker worker`` on QUEUE whose SMTP server is ``smtp_port``; yields
    the path of its log."""
    env = worker_env(live_config) | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port)}
    with celery_worker("celery-mail-worker", env, "-Q", QUEUE) as log_path:
        yield log_path


def send(outbox_id: int) -> str:
    """Enqueue ``deliver_email`` for the mail worker; returns the task id."""
    return deliver_email.apply_async((outbox_id,), queue=QUEUE).id


def finished(log_path, task_id: str) -> bool:
    """Whether the worker's log shows the task (all its retries) ended."""
    return bool(re.search(rf"deliver_email\[{task_id}\] (succeeded|raised)", log_path.read_text()))


def status_of(session, outbox_id: int) -> OutboxEmail:
    return session.get(OutboxEmail, outbox_id, populate_existing=True)


def test_invitation_email_arrives_and_its_score_link_opens_the_answer_page(
    live, live_server, mail_worker, start_smtp, session
):
    settings = live.extensions["kaiku_settings"]
    inbox = start_smtp()
    new = make_invitation(session, settings, email="ann@example.com", name="Ann", locale="en")
    outbox = queue_invitation_email(session, new, settings)
    session.commit()

    send(outbox.id)

    message = wait_for(lambda: inbox.messages and inbox.messages[0], timeout=30)
    assert message["Message-ID"] == outbox.message_id
    assert message["From"] == settings.mail_from
    assert message["To"] == "ann@example.com"
    assert inbox.recipients == ["ann@example.com"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = (part.get_content() for part in message.iter_parts())
    links = [f"{live_server}/s/{new.token}?score={score}" for score in range(11)]
    assert [href for href in hrefs(html) if "/s/" in href] == links
    assert re.findall(r"http://\S+/s/\S+", text) == links
    assert "How likely are you to recommend us" in html and "Hi Ann," in text
    wait_for(lambda: status_of(session, outbox.id).status == "sent")
    assert session.get(Invitation, new.invitation.id, populate_existing=True).status == "sent"

    http = requests.Session()
    landing = http.get(links[9], timeout=10)  # what a link scanner or the customer does

    assert landing.status_code == 200
    page = AnswerPage(landing.text)
    assert page.autosubmit == ("score", "9") and page.selected == ["9"]
    recorded = select(Response).where(Response.invitation_id == new.invitation.id)
    assert session.scalars(recorded).first() is None

    name, value = page.autosubmit
    posted = http.post(
        urljoin(landing.url, page.action), data=page.hidden | {name: value}, timeout=10
    )

    assert posted.status_code == 200 and posted.url.endswith(f"/s/{new.token}/why")
    session.expire_all()
    response = session.scalars(recorded).one()
    assert (response.score, response.channel) == (9, "email")


def test_smtp_down_loses_nothing_and_the_email_goes_out_once_when_it_is_back(
    live, mail_worker, start_smtp, session
):
    settings = live.extensions["kaiku_settings"]
    new = make_invitation(session, settings)
    outbox = queue_invitation_email(session, new, settings)
    session.commit()

    first_task = send(outbox.id)  # nothing listens on the SMTP port yet

    row = wait_for(
        lambda: (r := status_of(session, outbox.id)).attempts >= 1 and r.status == "queued" and r
    )
    assert row.last_error.startswith("ConnectionRefusedError")
    assert session.get(Invitation, new.invitation.id, populate_existing=True).status == "queued"

    inbox = start_smtp()
    time.sleep(1.1)  # the failed attempt is now older than the sweeper's threshold below
    swept = stalled_outbox_ids(session, older_than=timedelta(seconds=1))
    session.commit()
    sweeper_tasks = [send(outbox_id) for outbox_id in swept]  # as kaiku.sweep_outbox does

    wait_for(lambda: status_of(session, outbox.id).status == "sent", timeout=60)
    for task_id in [first_task, *sweeper_tasks]:
        wait_for(lambda task_id=task_id: finished(mail_worker, task_id), timeout=60)
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["Message-ID"] == outbox.message_id
    assert session.scalar(select(func.count(OutboxEmail.id))) == 1
