"""Webhook delivery tasks: send claimed deliveries, record every attempt; the beat sweeper.

Emitting an event registers one ``kaiku.deliver_webhook`` message per delivery after the commit
(``surveys.webhooks.events``); the worker buffers them (up to 100, or 50 ms) and sends each
burst as one batch. The sweeper, replays, re-sends and short retries send id lists to
``kaiku.deliver_webhooks``. Both are idempotent behind the delivery row: ``claim`` lets exactly
one run send a due delivery (a redelivered message, ``acks_late``, finds it claimed or done);
a worker killed mid-attempt leaves a claim that a redelivery or the sweeper takes over, so at
worst an event arrives twice with the same ``webhook-id`` (receivers dedupe on it), never
not at all. Each run uses its own guarded ``requests`` sessions (``surveys.webhooks.ssrf``),
one per sending thread, so a slow receiver holds one thread, not the batch.
"""

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from celery import shared_task
from flask import current_app

from app.extensions import db
from surveys.kernel import clock
from surveys.mail.webhook_notices import queue_endpoint_disabled_emails
from surveys.webhooks import delivery
from surveys.webhooks.chat import body_for
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.events import DELIVER_LIST_TASK, DELIVER_TASK
from surveys.webhooks.pruning import prune_log
from surveys.webhooks.sending import Result, post
from surveys.webhooks.signing import headers
from surveys.webhooks.ssrf import guarded_session
from worker.app import FlaskBatchTask

log = logging.getLogger(__name__)

THREADS = 8
# A retry due this soon is sent as a message with a countdown; later ones wait for the sweeper.
COUNTDOWN_UNDER = 60


def _settings() -> WebhookSettings:
    return WebhookSettings.from_mapping(current_app.config)


@shared_task(name=DELIVER_TASK, base=FlaskBatchTask, flush_every=100, flush_interval=0.05)
def deliver_webhook(requests) -> int:
    """Send the buffered deliveries (one id per message) as one batch; returns how many
    succeeded."""
    redelivered = any((r.delivery_info or {}).get("redelivered") for r in requests)
    return send_deliveries([r.args[0] for r in requests], takeover=redelivered)


@shared_task(name=DELIVER_LIST_TASK, bind=True)
def deliver_webhooks(self, delivery_ids: list[int]) -> int:
    """Send a list of deliveries (the sweeper's, a replay's, a re-send's, a retry's)."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return send_deliveries(delivery_ids, takeover=redelivered)


def send_deliveries(delivery_ids: list[int], *, takeover: bool = False) -> int:
    """Claim, commit, send, record, commit; tell admins of endpoints disabled; send the short
    retries. Returns how many succeeded."""
    settings = _settings()
    try:
        claimed = delivery.claim(db.session, delivery_ids, takeover=takeover)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if not claimed:
        return 0
    results = _send_all(claimed, settings)
    try:
        decided = delivery.record(db.session, results, settings)
        if decided.disabled:
            log.warning("webhook endpoints disabled: %r", decided.disabled)
            queue_endpoint_disabled_emails(
                db.session, decided.disabled, current_app.extensions["kaiku_settings"]
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise  # the claims go stale and the sweeper offers them again
    _send_retries(decided.retries)
    return sum(result.ok for _, result in results)


def _send_all(
    claimed: list[delivery.Claimed], settings: WebhookSettings
) -> list[tuple[delivery.Claimed, Result]]:
    """Send every claimed delivery, THREADS at a time; each thread opens its own guarded
    session for this run (reused for its share of the batch), all closed at the end."""
    base_url = current_app.config["BASE_URL"]
    sessions: dict[int, object] = {}

    def one(item: delivery.Claimed) -> tuple[delivery.Claimed, Result]:
        thread = threading.get_ident()
        http = sessions.get(thread)
        if http is None:
            http = sessions[thread] = guarded_session(settings.allowed_hosts)
        body = body_for(item.kind, item.body, base_url)
        signed = headers(item.secrets, item.message_id, int(time.time()), body)
        result = post(
            http, item.url, signed, body,
            allowed=settings.allowed_hosts, timeout=settings.timeout,
        )  # fmt: skip
        return item, result

    try:
        if len(claimed) == 1:
            return [one(claimed[0])]
        return list(_pool().map(one, claimed))
    finally:
        for http in list(sessions.values()):
            http.close()


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _pool() -> ThreadPoolExecutor:
    """This process's sending threads (made again in a forked child): starting 8 threads per
    batch cost more than the batch's own work on the bench."""
    global _POOL
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (os.getpid(), ThreadPoolExecutor(THREADS, thread_name_prefix="webhooks"))
    return _POOL[1]


def _send_retries(retries: dict[int, float]) -> None:
    soon = [
        (delivery_id, delay) for delivery_id, delay in retries.items() if delay < COUNTDOWN_UNDER
    ]
    if not soon:
        return
    celery_app = current_app.extensions["celery"]
    if celery_app.conf.task_always_eager:
        return  # eager runs (tests, the demo) leave retries to the sweeper
    for delivery_id, delay in soon:
        try:
            celery_app.send_task(DELIVER_LIST_TASK, args=([delivery_id],), countdown=delay)
        except Exception:
            log.exception("could not schedule the retry of delivery %d", delivery_id)


@shared_task(name="kaiku.sweep_webhook_deliveries")
def sweep_webhook_deliveries() -> int:
    """Offer the deliveries that fell due (retries, lost messages, a dead worker's claims)."""
    ids = delivery.due_delivery_ids(db.session, _settings())
    db.session.commit()
    if not ids:
        return 0
    celery_app = current_app.extensions["celery"]
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        if celery_app.conf.task_always_eager:
            send_deliveries(chunk)
        else:
            try:
                celery_app.send_task(DELIVER_LIST_TASK, args=(chunk,))
            except Exception:
                log.exception("could not offer %d webhook deliveries", len(chunk))
    return len(ids)


@shared_task(name="kaiku.prune_webhook_log")
def prune_webhook_log() -> int:
    """Drop the delivery log older than WEBHOOK_LOG_DAYS (``surveys.webhooks.pruning``)."""
    pruned = prune_log(db.session, clock.now() - _settings().keep_log)
    db.session.commit()
    return pruned
