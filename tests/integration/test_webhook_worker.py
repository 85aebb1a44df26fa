"""Webhooks through a real worker and beat: a worker killed -9 mid-delivery loses no event,
and a receiver down for a while gets every event once it is back (both counted by distinct
``webhook-id``, every signature verified with ``standardwebhooks``)."""

import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from app import create_app
from app.extensions import db
from surveys.models import WebhookDelivery, WebhookEvent
from surveys.webhooks import emit_many
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.endpoints import create_endpoint
from tests.conftest import use_celery_of
from tests.live import wait_for, worker_env
from tests.servers import ROOT, CeleryWorker
from tests.webhook_receiver import Receiver

pytestmark = [pytest.mark.integration, pytest.mark.worker]

QUEUE = f"kaiku-webhooks-{os.getpid()}"
EVENTS = 200


@pytest.fixture(scope="module")
def hook_app(live_config):
    class HookConfig(live_config):
        CELERY = {**live_config.CELERY, "task_default_queue": QUEUE}
        WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"

    return create_app(HookConfig)


@pytest.fixture
def workers(hook_app, engine, live_config, tmp_path):
    use_celery_of(hook_app)
    env = worker_env(live_config) | {
        "KAIKU_TEST_QUEUE": QUEUE,
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "WEBHOOK_SWEEP_EVERY_SECONDS": "2",
        "SWEEP_AFTER_SECONDS": "10",
        "REDELIVER_AFTER_SECONDS": "10",
    }
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.integration.queue_worker", "beat",
         "--loglevel=WARNING", "-s", str(tmp_path / "beat-schedule")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    started = []

    def start(name: str) -> CeleryWorker:
        worker = CeleryWorker(
            name, env, "-Q", QUEUE, "--prefetch-multiplier=64",
            app="tests.integration.queue_worker",
        )  # fmt: skip
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    beat.terminate()
    beat.wait(timeout=20)


def commit_events(app, n: int, receiver: Receiver) -> str:
    """An endpoint for ``receiver`` and ``n`` events, committed (which sends their delivery);
    returns the endpoint's secret."""
    with app.app_context():
        endpoint = create_endpoint(
            db.session, WebhookSettings.from_mapping(app.config), url=receiver.url
        )
        db.session.commit()
        for start in range(0, n, 20):
            emit_many(db.session, "response.created",
                      [{"response_id": i} for i in range(start, start + 20)])  # fmt: skip
            db.session.commit()
        return endpoint.secret


def check_every_event_once(session, receiver: Receiver, secret: str) -> None:
    for got in receiver.received:
        Webhook(secret).verify(got.body, got.headers)
    sent = set(session.scalars(select(WebhookEvent.message_id)))
    assert len(sent) == EVENTS
    assert set(receiver.ids()) == sent  # every event arrived; duplicates share an id
    session.expire_all()
    assert (
        session.scalar(
            select(func.count(WebhookDelivery.id)).where(WebhookDelivery.status != "succeeded")
        )
        == 0
    )


def test_a_worker_killed_mid_delivery_loses_no_event(hook_app, workers, session):
    receiver = Receiver()
    receiver.answer = lambda _: (time.sleep(0.05), (200, {}))[1]  # slow: the kill lands mid-send
    receiver.start()
    try:
        first = workers("hook-worker-a")
        first.wait_ready()
        secret = commit_events(hook_app, EVENTS, receiver)
        wait_for(lambda: len(receiver.received) >= 20, timeout=30)
        first.kill()
        in_flight = len(receiver.received)
        assert in_flight < EVENTS  # killed before the end
        second = workers("hook-worker-b")
        second.wait_ready()
        wait_for(lambda: set(receiver.ids()) >= set(session.scalars(
            select(WebhookEvent.message_id))), timeout=120, interval=0.2)  # fmt: skip
        time.sleep(1)  # let the last records commit
        check_every_event_once(session, receiver, secret)
        print(f"killed after {in_flight} receipts; {len(receiver.received)} requests for "
              f"{EVENTS} events")  # fmt: skip
    finally:
        receiver.stop()


def test_a_receiver_down_for_a_while_gets_every_event_once_back_up(hook_app, workers, session):
    receiver = Receiver()  # not started: connections refused
    worker = workers("hook-worker-c")
    worker.wait_ready()
    secret = commit_events(hook_app, EVENTS, receiver)
    wait_for(
        lambda: (
            session.scalar(
                select(func.count(WebhookDelivery.id)).where(WebhookDelivery.attempts >= 1)
            )
            == EVENTS
        ),
        timeout=60,
    )  # every first attempt failed
    receiver.start()
    try:
        wait_for(lambda: len(set(receiver.ids())) == EVENTS, timeout=60, interval=0.2)
        time.sleep(1)
        check_every_event_once(session, receiver, secret)
        assert len(receiver.received) == EVENTS  # exactly once each
    finally:
        receiver.stop()
