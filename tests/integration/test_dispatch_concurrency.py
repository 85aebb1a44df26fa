"""Dispatch on real services: two dispatchers with their own PostgreSQL connections claim the
same due batch at once and each invitation is emailed exactly once, delivered by a real Celery
worker to a real SMTP server (aiosmtpd); with SMTP down nothing is lost, and nothing is sent
twice once it is back.
"""

import os
import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.delivery.dispatch import dispatch_due
from surveys.delivery.scheduling import schedule_invitation
from surveys.mail import stalled_outbox_ids
from surveys.models import Invitation, OutboxEmail
from tests.factories.clock import Clock, utc
from tests.factories.surveys import make_customer, make_survey
from tests.live import wait_for, worker_env
from tests.servers import celery_worker
from worker.tasks import deliver_email

pytestmark = [pytest.mark.integration, pytest.mark.worker]

QUEUE = f"kaiku-dispatch-test-{os.getpid()}"
NOON = utc(2026, 3, 2, 12, 0)


@pytest.fixture(scope="module")
def mail_worker(live_config, redis_url, smtp_port):
    """A real worker on QUEUE whose SMTP server is ``smtp_port``."""
    env = worker_env(live_config) | {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port)}
    with celery_worker("celery-dispatch-worker", env, "-Q", QUEUE) as log_path:
        yield log_path


def send(outbox_id: int) -> str:
    return deliver_email.apply_async((outbox_id,), queue=QUEUE).id


def schedule_due(session, settings, n: int) -> list[Invitation]:
    """``n`` invitations of ``n`` customers, due a minute ago; committed."""
    survey = make_survey(session)
    invitations = [
        schedule_invitation(
            session,
            survey,
            make_customer(session, email=f"c{i}@example.com", timezone="UTC"),
            settings,
            at=NOON - timedelta(minutes=1),
        )
        for i in range(n)
    ]
    session.commit()
    assert {i.status for i in invitations} == {"scheduled"}
    return invitations


def dispatcher(engine, settings, barrier, claimed: list[int], outbox_ids: list[int]) -> None:
    """One dispatcher on a connection of its own: small batches, each held open a moment so
    the other one runs into the locked rows."""
    with Session(bind=engine) as session:
        barrier.wait()
        while True:
            result = dispatch_due(session, settings, now=NOON, limit=7)
            ids = list(result.outbox_ids)
            time.sleep(0.05)
            session.commit()
            claimed.append(result.claimed)
            outbox_ids.extend(ids)
            if result.claimed == 0:
                return


def test_two_dispatchers_send_each_invitation_exactly_once(
    live, engine, mail_worker, start_smtp, session
):
    settings = live.extensions["kaiku_settings"]
    Clock(NOON)
    invitations = schedule_due(session, settings, 60)
    inbox = start_smtp()
    barrier = threading.Barrier(2)
    claims: list[list[int]] = [[], []]
    outboxes: list[list[int]] = [[], []]
    threads = [
        threading.Thread(
            target=dispatcher, args=(engine, settings, barrier, claims[i], outboxes[i])
        )
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sum(claims[0]) > 0 and sum(claims[1]) > 0  # both really dispatched
    assert not set(outboxes[0]) & set(outboxes[1])
    assert len(outboxes[0]) + len(outboxes[1]) == 60
    per_invitation = session.execute(
        select(OutboxEmail.invitation_id, func.count()).group_by(OutboxEmail.invitation_id)
    ).all()
    assert sorted(per_invitation) == sorted((i.id, 1) for i in invitations)

    for outbox_id in outboxes[0] + outboxes[1]:
        send(outbox_id)

    wait_for(lambda: len(inbox.messages) >= 60, timeout=90)
    time.sleep(0.5)  # nothing more arrives
    assert len(inbox.messages) == 60
    assert sorted(inbox.recipients) == sorted(f"c{i}@example.com" for i in range(60))
    assert len({m["Message-ID"] for m in inbox.messages}) == 60
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in inbox.messages)
    wait_for(
        lambda: (
            session.scalar(
                select(func.count()).select_from(Invitation).where(Invitation.status == "sent")
            )
            == 60
        )
    )


def finished(log_path, task_id: str) -> bool:
    return bool(re.search(rf"deliver_email\[{task_id}\] (succeeded|raised)", log_path.read_text()))


def test_smtp_down_then_up_loses_nothing_and_sends_nothing_twice(
    live, mail_worker, start_smtp, session
):
    settings = live.extensions["kaiku_settings"]
    Clock(NOON)
    invitations = schedule_due(session, settings, 3)
    result = dispatch_due(session, settings, now=NOON)
    session.commit()
    assert len(result.outbox_ids) == 3

    first_tasks = [send(outbox_id) for outbox_id in result.outbox_ids]  # SMTP is down

    def all_failed_once():
        rows = session.scalars(select(OutboxEmail).execution_options(populate_existing=True)).all()
        return all(r.attempts >= 1 and r.status == "queued" for r in rows)

    wait_for(all_failed_once, timeout=30)
    statuses = session.scalars(
        select(Invitation.status).execution_options(populate_existing=True)
    ).all()
    assert set(statuses) == {"queued"}

    inbox = start_smtp()
    time.sleep(1.1)
    swept = stalled_outbox_ids(session, older_than=timedelta(seconds=1))
    session.commit()
    sweeper_tasks = [send(outbox_id) for outbox_id in swept]

    for task_id in first_tasks + sweeper_tasks:
        wait_for(lambda task_id=task_id: finished(mail_worker, task_id), timeout=90)
    assert sorted(inbox.recipients) == ["c0@example.com", "c1@example.com", "c2@example.com"]
    assert len(inbox.messages) == 3
    sent = session.scalars(
        select(Invitation.status)
        .where(Invitation.id.in_([i.id for i in invitations]))
        .execution_options(populate_existing=True)
    ).all()
    assert sent == ["sent"] * 3
