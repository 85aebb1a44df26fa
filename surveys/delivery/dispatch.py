"""Dispatch: send the scheduled invitations that fell due, one reminder, then expiry.

Claims are row locks: on PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED``, so any number of
workers can dispatch at once and each due invitation is taken by exactly one of them, until its
transaction commits with the new status. (SQLite has one writer at a time; there the claim is
a plain select.) Eligibility is checked again at send time, since an unsubscribe, a bounce or
quiet hours may have come up since the invitation was scheduled.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from surveys.delivery.eligibility import POSTPONE, SKIP, Decision, decide
from surveys.delivery.emails import outbox_email
from surveys.delivery.handlers import record_handlers
from surveys.delivery.invitations import invitation_token
from surveys.delivery.scheduling import expiry
from surveys.kernel import clock
from surveys.kernel.errors import ValidationError
from surveys.kernel.settings import Settings
from surveys.mail.outbox import deliver_after_commit
from surveys.models import Customer, Invitation, OutboxEmail, Survey


@dataclass
class Dispatched:
    """What one batch did; the delivery of ``outbox_ids`` is registered for after the commit."""

    claimed: int = 0
    outbox_ids: list[int] = field(default_factory=list)
    links: int = 0
    skipped: int = 0
    postponed: int = 0


def dispatch_due(
    session: Session, settings: Settings, *, now: datetime | None = None, limit: int | None = None
) -> Dispatched:
    """Claim up to ``limit`` (default ``settings.dispatch_batch_size``) due scheduled invitations
    of active surveys (a paused survey's wait) and act on each: queue its email (status
    "queued"), make its link available (link channel, "pending"), skip it for good (also when it
    expired before it could go out), or postpone it (quiet hours) with the reason recorded.

    Flushes, does not commit: the caller commits, which releases the claims and sends the
    emails' delivery (registered here in ``deliver_emails`` batches).
    """
    now = now or clock.now()
    claimed = _claim(
        session,
        select(Invitation.id)
        .join(Survey, Survey.id == Invitation.survey_id)
        .where(
            Invitation.status == "scheduled",
            Invitation.scheduled_for <= now,
            Survey.active.is_(True),  # a paused survey's invitations wait for its resume
        )
        .order_by(Invitation.scheduled_for, Invitation.id)
        .limit(limit or settings.dispatch_batch_size),
        lock_of=Invitation,
    )
    result = Dispatched(claimed=len(claimed))
    emails: list[OutboxEmail] = []
    going_out: list[Invitation] = []
    brands: dict = {}  # each survey's brand, read once per run
    for invitation in claimed:
        if not invitation.survey.active:
            result.claimed -= 1  # paused since the claim: it waits like the others
            continue
        if invitation.expires_at is not None and invitation.expires_at <= now:
            # Held too long (a pause, a dispatcher that was down): the moment has passed.
            _skip(invitation, "skipped: not sent before it expired")
            result.skipped += 1
            continue
        decision = _decide_at_send(session, invitation, now, settings)
        if decision.action == POSTPONE:
            invitation.scheduled_for = decision.at
            invitation.reason = decision.reason
            result.postponed += 1
            continue
        if decision.action == SKIP:
            _skip(invitation, decision.reason)
            result.skipped += 1
            continue
        invitation.expires_at = expiry(invitation.survey, now)
        if invitation.channel != "email":
            invitation.status = "pending"  # the link is the delivery: the API shows it
            result.links += 1
            going_out.append(invitation)
            continue
        token = invitation_token(invitation, settings)
        try:
            if token is None:
                raise ValidationError("This invitation has no link token.")
            emails.append(outbox_email(invitation, token, settings, brands=brands))
        except ValidationError as exc:
            _skip(invitation, f"skipped: {exc.message.rstrip('.').lower()}")
            result.skipped += 1
            continue
        invitation.status = "queued"
        going_out.append(invitation)
    record_handlers(session, going_out)
    session.add_all(emails)
    session.flush()
    result.outbox_ids = [email.id for email in emails]
    deliver_after_commit(session, result.outbox_ids, bulk=True)
    return result


def remind_due(
    session: Session,
    settings: Settings,
    *,
    now: datetime | None = None,
    limit: int | None = None,
    after_id: int = 0,
) -> tuple[list[int], int | None]:
    """Queue the one reminder of sent, unanswered email invitations whose survey's
    ``reminder_days`` have passed since sending, for customers still eligible; records
    ``reminded_at``. In quiet hours a reminder simply waits for a later run.

    Takes up to ``limit`` candidates with ids above ``after_id``; returns the outbox ids (their
    delivery is registered for after the commit) and the last candidate id (None: no more
    candidates), so the caller can walk past ones held by quiet hours. Flushes, does not commit.
    """
    now = now or clock.now()
    limit = limit or settings.dispatch_batch_size
    due = [
        and_(Survey.reminder_days == days, Invitation.sent_at <= now - timedelta(days=days))
        for days in _reminder_days(session)
    ]
    if not due:
        return [], None
    candidates = _claim(
        session,
        select(Invitation.id)
        .join(Survey, Survey.id == Invitation.survey_id)
        .join(Customer, Customer.id == Invitation.customer_id)
        .where(
            Invitation.id > after_id,
            Invitation.status == "sent",
            Invitation.channel == "email",
            Invitation.reminded_at.is_(None),
            Invitation.token_nonce.is_not(None),
            Invitation.expires_at > now,
            or_(*due),
            Survey.active.is_(True),
            Customer.unsubscribed.is_(False),
            Customer.bounced_at.is_(None),
        )
        .order_by(Invitation.id)
        .limit(limit),
        lock_of=Invitation,
    )
    if not candidates:
        return [], None
    emails = []
    brands: dict = {}
    for invitation in candidates:
        decision = _decide_at_send(session, invitation, now, settings)
        token = invitation_token(invitation, settings)
        if not decision.send or token is None:
            continue
        try:
            emails.append(outbox_email(invitation, token, settings, kind="reminder", brands=brands))
        except ValidationError:
            continue
        invitation.reminded_at = now
    session.add_all(emails)
    session.flush()
    outbox_ids = [email.id for email in emails]
    deliver_after_commit(session, outbox_ids, bulk=True)
    return outbox_ids, max(inv.id for inv in candidates)


def expire_overdue(session: Session, *, now: datetime | None = None) -> int:
    """Close unanswered invitations past their ``expires_at`` (sent, or link-only pending);
    returns how many. Flushes, does not commit."""
    now = now or clock.now()
    expired = session.execute(
        update(Invitation)
        .where(Invitation.status.in_(("sent", "pending")), Invitation.expires_at <= now)
        .values(status="expired", reason="expired: not answered in time")
        .execution_options(synchronize_session=False)
    ).rowcount
    session.flush()
    return expired


def _claim(session: Session, ids_stmt, *, lock_of=None) -> list[Invitation]:
    """The invitations ``ids_stmt`` selects, locked for this transaction on PostgreSQL (rows
    another transaction holds are skipped), with their customer and survey loaded."""
    if session.get_bind().dialect.name == "postgresql":
        ids_stmt = ids_stmt.with_for_update(skip_locked=True, of=lock_of)
    ids = list(session.scalars(ids_stmt))
    if not ids:
        return []
    rows = session.scalars(
        select(Invitation)
        .where(Invitation.id.in_(ids))
        .order_by(Invitation.id)
        .execution_options(populate_existing=True)
    ).unique()
    return list(rows)


def _skip(invitation: Invitation, reason: str) -> None:
    invitation.status = "skipped"
    invitation.reason = reason[:300]


def _reminder_days(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(Survey.reminder_days)
            .where(Survey.reminder_days.is_not(None), Survey.active.is_(True))
            .distinct()
            .order_by(Survey.reminder_days)
        )
    )


def _decide_at_send(
    session: Session, invitation: Invitation, now: datetime, settings: Settings
) -> Decision:
    """The eligibility of an invitation (or its reminder) right before it goes out: the windows
    were decided when it was scheduled; unsubscribe, bounce, pause and quiet hours are now."""
    return decide(
        session,
        invitation.customer,
        invitation.survey,
        at=now,
        settings=settings,
        check_windows=False,
        ignore_invitation_id=invitation.id,
        channel=invitation.channel,
    )
