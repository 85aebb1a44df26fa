"""Delivering: claim due deliveries, record each attempt, schedule the next or give up.

A delivery is one event to one endpoint, so a retry re-sends only to the endpoint that failed.
``claim`` moves rows from pending (and due) to sending in one statement, so of two workers (or
a worker and the sweeper's offer) exactly one sends; a claim older than ``STALE_CLAIM`` (a
worker killed mid-attempt) may be taken over. ``record`` writes the attempt and moves the row:
a 2xx succeeded; 410 failed and the endpoint disabled; anything else (3xx included) pending
again on the schedule, or failed after the last attempt. An endpoint that has not succeeded
for ``disable_after`` is disabled; the caller tells the admins (``surveys.mail``).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, insert, or_, select, true, update
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from surveys.webhooks.config import WebhookSettings
from surveys.webhooks.schedule import THROTTLE_CODES, next_delay, parse_retry_after
from surveys.webhooks.sending import Result

# Longer than an attempt can take (the 15 s timeout, resolving, recording).
STALE_CLAIM = timedelta(seconds=60)
# A retry message may arrive this much before its row is due (clocks, rounding).
EARLY = timedelta(seconds=1)


@dataclass(frozen=True)
class Claimed:
    """What a worker needs to send one delivery, read when it was claimed."""

    delivery_id: int
    endpoint_id: int
    kind: str
    url: str
    secrets: tuple[str, ...]
    message_id: str
    body: str
    attempts: int


@dataclass
class Recorded:
    """What ``record`` decided: retries by delivery id (seconds from now) and the endpoints
    it disabled, with the reason."""

    retries: dict[int, float] = field(default_factory=dict)
    disabled: dict[int, str] = field(default_factory=dict)


def claim(session: Session, delivery_ids: list[int], *, takeover: bool = False) -> list[Claimed]:
    """Claim the due, pending deliveries among ``delivery_ids`` (and stale claims; any claim
    with ``takeover``, for a redelivered message whose worker died); returns what to send.
    Deliveries to a disabled endpoint fail here. Flushes; the caller commits before sending."""
    if not delivery_ids:
        return []
    now = clock.now()
    stale = WebhookDelivery.claimed_at < now - STALE_CLAIM
    claimable = or_(
        and_(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now + EARLY),
        and_(WebhookDelivery.status == "sending", true() if takeover else stale),
    )
    claimed_ids = list(
        session.scalars(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(delivery_ids), claimable)
            .values(status="sending", claimed_at=now)
            .returning(WebhookDelivery.id),
            execution_options={"synchronize_session": False},
        )
    )
    if not claimed_ids:
        return []
    rows = session.execute(
        select(
            WebhookDelivery.id, WebhookDelivery.attempts, WebhookEndpoint.id.label("endpoint_id"),
            WebhookEndpoint.url, WebhookEndpoint.kind, WebhookEndpoint.enabled,
            WebhookEndpoint.secret,
            WebhookEndpoint.previous_secret, WebhookEndpoint.previous_secret_expires_at,
            WebhookEvent.message_id, WebhookEvent.body,
        )
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id.in_(claimed_ids))
        .order_by(WebhookDelivery.id)
    ).all()  # fmt: skip
    off = [row.id for row in rows if not row.enabled]
    if off:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(off))
            .values(status="failed", claimed_at=None, finished_at=now,
                    last_error="the endpoint is disabled"),
            execution_options={"synchronize_session": False},
        )  # fmt: skip
    return [
        Claimed(row.id, row.endpoint_id, row.kind, row.url, _secrets(row, now), row.message_id,
                row.body, row.attempts)
        for row in rows if row.enabled
    ]  # fmt: skip


def _secrets(row, now: datetime) -> tuple[str, ...]:
    expires = row.previous_secret_expires_at
    if row.previous_secret and expires is not None and expires > now:
        return (row.secret, row.previous_secret)
    return (row.secret,)


def record(
    session: Session, results: list[tuple[Claimed, Result]], settings: WebhookSettings
) -> Recorded:
    """Write one attempt per result and move each delivery and its endpoint on. Flushes."""
    now = clock.now()
    decided = Recorded()
    if not results:
        return decided
    session.execute(
        insert(WebhookAttempt),
        [
            {"delivery_id": c.delivery_id, "attempted_at": now, "status_code": r.status_code,
             "latency_ms": r.latency_ms, "response_excerpt": r.excerpt, "error": r.error}
            for c, r in results
        ],
    )  # fmt: skip
    updates = []
    # Successes share their new values but for the attempt count and code: one UPDATE per
    # (attempts, code) group, so a burst of successes costs a statement, not one per row.
    successes: dict[tuple[int, int], list[int]] = {}
    succeeded: set[int] = set()
    failing: set[int] = set()
    for claimed, result in results:
        attempts = claimed.attempts + 1
        if result.ok:
            successes.setdefault((attempts, result.status_code), []).append(claimed.delivery_id)
            succeeded.add(claimed.endpoint_id)
            continue
        row = {"id": claimed.delivery_id, "attempts": attempts, "claimed_at": None,
               "last_status_code": result.status_code, "last_error": result.error}  # fmt: skip
        if result.status_code == 410:
            row |= {"status": "failed", "finished_at": now}
            decided.disabled[claimed.endpoint_id] = "the receiver answered 410 Gone"
        else:
            failing.add(claimed.endpoint_id)
            wait = None
            if result.status_code in THROTTLE_CODES:
                wait = parse_retry_after(result.retry_after, now)
            delay = next_delay(attempts, retry_after=wait)
            if delay is None:
                row |= {"status": "failed", "finished_at": now}
            else:
                row |= {"status": "pending", "next_attempt_at": now + timedelta(seconds=delay)}
                decided.retries[claimed.delivery_id] = delay
        updates.append(row)
    for (attempts, code), ids in successes.items():
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids))
            .values(status="succeeded", attempts=attempts, claimed_at=None, finished_at=now,
                    last_status_code=code, last_error=None),
            execution_options={"synchronize_session": False},
        )  # fmt: skip
    if updates:
        session.execute(update(WebhookDelivery), updates)
    _track_endpoints(session, succeeded, failing - succeeded, decided, settings, now)
    session.flush()
    return decided


def _track_endpoints(
    session: Session,
    succeeded: set[int],
    failing: set[int],
    decided: Recorded,
    settings: WebhookSettings,
    now: datetime,
) -> None:
    if succeeded:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id.in_(succeeded), WebhookEndpoint.failing_since.is_not(None))
            .values(failing_since=None),
            execution_options={"synchronize_session": False},
        )
    if failing:
        session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id.in_(failing), WebhookEndpoint.failing_since.is_(None))
            .values(failing_since=now),
            execution_options={"synchronize_session": False},
        )
        days = settings.disable_after.total_seconds() / 86400
        for endpoint_id in session.scalars(
            select(WebhookEndpoint.id).where(
                WebhookEndpoint.id.in_(failing),
                WebhookEndpoint.enabled.is_(True),
                WebhookEndpoint.failing_since <= now - settings.disable_after,
            )
        ):
            decided.disabled.setdefault(endpoint_id, f"every delivery failed for {days:g} days")
    for endpoint_id, reason in list(decided.disabled.items()):
        done = session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.enabled.is_(True))
            .values(enabled=False, disabled_reason=reason[:200], updated_at=now),
            execution_options={"synchronize_session": False},
        )
        if done.rowcount == 0:  # switched off meanwhile (another batch, an admin): no email
            del decided.disabled[endpoint_id]


def due_delivery_ids(session: Session, settings: WebhookSettings, limit: int = 1000) -> list[int]:
    """Deliveries the sweeper offers again: retries that fell due, first attempts whose message
    was lost (pending ``sweep_after`` past their creation), and stale claims."""
    now = clock.now()
    stmt = (
        select(WebhookDelivery.id)
        .where(
            or_(
                and_(
                    WebhookDelivery.status == "pending",
                    WebhookDelivery.next_attempt_at <= now,
                    or_(
                        WebhookDelivery.attempts > 0,
                        WebhookDelivery.created_at <= now - settings.sweep_after,
                    ),
                ),
                and_(
                    WebhookDelivery.status == "sending",
                    WebhookDelivery.claimed_at < now - STALE_CLAIM,
                ),
            )
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))
