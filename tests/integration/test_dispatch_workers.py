"""Two real ``celery worker`` processes (two children each) run the periodic dispatch task on
the same due batch on PostgreSQL: each invitation is claimed by one of them only and emailed
exactly once, through a real SMTP server (aiosmtpd); invitations whose customer unsubscribed
after scheduling are skipped, not sent.

The workers run on a queue of their own (``tests/integration/queue_worker.py``), and so do the
deliveries they enqueue, so no other worker of the test session can take part.
"""

import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveys.delivery.scheduling import schedule_invitation
from surveys.models import Invitation, OutboxEmail
from tests.factories.surveys import make_customer, make_survey
from tests.live import daytime_zone, wait_for, worker_env
from tests.servers import celery_worker
from worker.delivery_tasks import dispatch_due_invitations

pytestmark = [pytest.mark.integration, pytest.mark.worker]

QUEUE = f"kaiku-dispatch-workers-{os.getpid()}"
INVITATIONS = 120
BATCH = 5  # small batches, so the four worker processes really contend for the same rows
RUNS = 8  # dispatch task runs enqueued at once (as overlapping beat ticks would)
DONE = re.compile(r"kaiku\.dispatch_due_invitations\[[0-9a-f-]+\] succeeded in [0-9.]+s: (\d+)")


@pytest.fixture(scope="module")
def two_workers(live_config, redis_url, smtp_port):
    """Two worker processes on QUEUE, both delivering to ``inbox``; yields their log paths."""
    env = worker_env(live_config) | {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "DISPATCH_BATCH_SIZE": str(BATCH),
        "KAIKU_TEST_QUEUE": QUEUE,
    }
    app = "tests.integration.queue_worker"
    with (
        celery_worker("celery-dispatch-a", env, "-Q", QUEUE, app=app) as log_a,
        celery_worker("celery-dispatch-b", env, "-Q", QUEUE, app=app) as log_b,
    ):
        yield log_a, log_b


def dispatched_counts(log_path: Path) -> list[int]:
    """What each finished dispatch run of one worker claimed, from its log."""
    return [int(n) for n in DONE.findall(log_path.read_text())]


def test_two_workers_dispatching_one_due_batch_send_each_invitation_once(
    live, two_workers, inbox, session
):
    settings = live.extensions["kaiku_settings"]
    survey = make_survey(session)
    zone = daytime_zone()
    due = datetime.now(UTC) - timedelta(minutes=1)
    customers = [
        make_customer(session, email=f"c{i}@example.com", timezone=zone) for i in range(INVITATIONS)
    ]
    invitations = [schedule_invitation(session, survey, c, settings, at=due) for c in customers]
    session.commit()
    assert {i.status for i in invitations} == {"scheduled"}
    for customer in customers[:2]:  # unsubscribed after scheduling: checked again at send time
        customer.unsubscribed = True
    session.commit()

    for _ in range(RUNS):
        dispatch_due_invitations.apply_async(queue=QUEUE)

    expected = sorted(f"c{i}@example.com" for i in range(2, INVITATIONS))
    wait_for(lambda: len(inbox.messages) >= len(expected), timeout=180, interval=0.2)
    log_a, log_b = two_workers
    wait_for(lambda: len(dispatched_counts(log_a) + dispatched_counts(log_b)) == RUNS, timeout=60)
    time.sleep(1.0)  # nothing more arrives

    runs_a, runs_b = dispatched_counts(log_a), dispatched_counts(log_b)
    assert sum(runs_a) > 0 and sum(runs_b) > 0, (runs_a, runs_b)  # both really dispatched
    assert sum(runs_a) + sum(runs_b) == INVITATIONS  # each claimed once, by one of them
    assert sorted(inbox.recipients) == expected
    assert len({m["Message-ID"] for m in inbox.messages}) == len(expected)

    per_invitation = session.execute(
        select(OutboxEmail.invitation_id, func.count()).group_by(OutboxEmail.invitation_id)
    ).all()
    assert sorted(per_invitation) == sorted((i.id, 1) for i in invitations[2:])

    def statuses():
        return dict(
            session.execute(
                select(Invitation.status, func.count())
                .group_by(Invitation.status)
                .execution_options(populate_existing=True)
            ).all()
        )

    wait_for(lambda: statuses() == {"sent": INVITATIONS - 2, "skipped": 2}, timeout=30)
    reasons = session.scalars(select(Invitation.reason).where(Invitation.status == "skipped")).all()
    assert reasons == ["skipped: unsubscribed"] * 2
