"""Batched delivery on real services: ``deliver_emails`` run by a real Celery worker process on
PostgreSQL, to a real SMTP server (aiosmtpd) that counts its connections. One connection per
batch; the same batch enqueued twice sends each email once; with SMTP down the task's retry
delivers everything once the server is back.
"""

import os
from collections import Counter

import pytest
from sqlalchemy import select

from surveys.delivery.emails import queue_invitation_email
from surveys.models import OutboxEmail
from tests.factories.surveys import make_invitation, make_survey
from tests.live import wait_for, worker_env
from tests.servers import celery_worker
from tests.web.test_mail_batch import Sink
from worker.tasks import deliver_emails

pytestmark = [pytest.mark.integration, pytest.mark.worker]

QUEUE = f"kaiku-batch-mail-test-{os.getpid()}"


@pytest.fixture
def start_sink(smtp_port):
    from aiosmtpd.controller import Controller

    controllers = []

    def start() -> Sink:
        sink = Sink()
        sink.controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        sink.controller.start()
        controllers.append(sink.controller)
        return sink

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="module")
def mail_worker(live_config, redis_url, smtp_port):
    env = worker_env(live_config) | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port)}
    with celery_worker("celery-batch-mail-worker", env, "-Q", QUEUE) as log_path:
        yield log_path


def queued(session, settings, n: int) -> list[OutboxEmail]:
    survey = make_survey(session)
    emails = [
        queue_invitation_email(
            session, make_invitation(session, settings, survey, email=f"c{i}@example.com"), settings
        )
        for i in range(n)
    ]
    session.commit()
    return emails


def statuses(session) -> Counter:
    return Counter(
        session.scalars(select(OutboxEmail.status).execution_options(populate_existing=True)).all()
    )


def test_a_batch_goes_over_one_connection_and_a_duplicate_task_sends_nothing_more(
    live, mail_worker, start_sink, session
):
    sink = start_sink()
    emails = queued(session, live.extensions["kaiku_settings"], 40)
    ids = [e.id for e in emails]

    deliver_emails.apply_async((ids,), queue=QUEUE)
    deliver_emails.apply_async((ids,), queue=QUEUE)  # a redelivery or the sweeper

    wait_for(lambda: statuses(session) == Counter({"sent": 40}), timeout=60)
    assert Counter(sink.message_ids) == Counter(e.message_id for e in emails)
    assert sink.connections <= 2  # one per task at most, never one per email


def test_smtp_down_then_back_loses_nothing_and_sends_nothing_twice(
    live, mail_worker, start_sink, session
):
    emails = queued(session, live.extensions["kaiku_settings"], 10)

    deliver_emails.apply_async(([e.id for e in emails],), queue=QUEUE)  # nothing listens

    def all_released():
        rows = session.scalars(select(OutboxEmail).execution_options(populate_existing=True)).all()
        return bool(rows) and all(r.status == "queued" and r.attempts >= 1 for r in rows)

    wait_for(all_released, timeout=30)
    rows = session.scalars(select(OutboxEmail).execution_options(populate_existing=True)).all()
    assert all("ConnectionRefusedError" in r.last_error for r in rows)

    sink = start_sink()  # the task's retry (within 10 s) finds it back

    wait_for(lambda: statuses(session) == Counter({"sent": 10}), timeout=60)
    assert Counter(sink.message_ids) == Counter(e.message_id for e in emails)
    assert sink.connections == 1
