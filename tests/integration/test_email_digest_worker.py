"""The weekly digest on real services: the beat's task run by a real Celery worker on
PostgreSQL and Redis hands the digest to a real SMTP server (aiosmtpd) for the staff member who
opted in, and for no one else; run again in the same week it sends nothing more.

The app and the worker use a queue of their own (``queue_worker``), so no other worker of the
test session takes the digest's delivery (a worker without SMTP would only log it).
"""

import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from surveys.kernel import clock
from surveys.models import OutboxEmail, WeeklyDigest
from surveys.reports.digest import digest_week
from tests.conftest import use_celery_of
from tests.factories.clock import at
from tests.factories.rescue import answer
from tests.factories.staff import make_staff
from tests.factories.surveys import make_survey
from tests.live import wait_for, worker_env
from tests.servers import celery_worker
from worker.report_tasks import send_weekly_digests

pytestmark = [pytest.mark.integration, pytest.mark.worker]

QUEUE = f"kaiku-digest-worker-{os.getpid()}"


@pytest.fixture(scope="module")
def digest_app(live_config):
    class DigestWorkerConfig(live_config):
        CELERY = {**live_config.CELERY, "task_default_queue": QUEUE}

    return create_app(DigestWorkerConfig)


@pytest.fixture(scope="module")
def worker(live_config, redis_url, smtp_port):
    """A real worker on QUEUE (every task it enqueues goes to QUEUE too), mailing to ``inbox``."""
    env = worker_env(live_config) | {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "KAIKU_TEST_QUEUE": QUEUE,
    }
    with celery_worker(
        "celery-digest-worker", env, "-Q", QUEUE, app="tests.integration.queue_worker"
    ) as log_path:
        yield log_path


@pytest.fixture
def digest(digest_app, engine, inbox):
    use_celery_of(digest_app)
    inbox.messages.clear()
    inbox.recipients.clear()
    yield digest_app


def test_the_opted_in_member_gets_the_digest_once_and_no_one_else_does(
    digest, worker, inbox, session
):
    settings = digest.extensions["kaiku_settings"]
    reader = make_staff(session, "analyst", email="ann@example.com", digest_opt_in=True)
    make_staff(session, "agent", email="aki@example.com")  # never opted in
    make_staff(session, "admin", email="gone@example.com", digest_opt_in=True, active=False)
    survey = make_survey(session, "nps", name="Support NPS")
    session.commit()
    start, _ = digest_week(clock.now())  # the week the worker's digest will cover
    at(start + timedelta(days=2))
    for score in (10, 10, 9, 3):
        answer(session, settings, survey, score, process=False)
    clock.set_source(None)

    send_weekly_digests.apply_async()  # as the beat does on Monday morning

    message = wait_for(lambda: inbox.messages and inbox.messages[0], timeout=60)
    assert message["To"] == reader.email
    assert message["Subject"].startswith("Kaiku weekly digest: ")
    text = message.get_body(("plain",)).get_content()
    assert "Support NPS: NPS 50.0 ± " in text and "n = 4 (too few answers to be sure)" in text
    assert f"{settings.base_url}/insights/dashboard" in text
    html = message.get_body(("html",)).get_content()
    assert f'href="{settings.base_url}/insights/dashboard"' in html
    email = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "weekly_digest")).one()
    wait_for(lambda: session.get(OutboxEmail, email.id, populate_existing=True).status == "sent")

    send_weekly_digests.apply_async()  # beat runs again in the same week (a restart, a retry)
    done = re.compile(r"send_weekly_digests\[[0-9a-f-]+\] succeeded in [0-9.]+s: 0")
    wait_for(lambda: done.search(worker.read_text()), timeout=60)

    assert inbox.recipients == [reader.email]
    assert len(session.scalars(select(WeeklyDigest)).all()) == 1
