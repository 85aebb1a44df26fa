"""Delivering outbox emails: claim a row, hand it to SMTP once, record the outcome.

An outbox row moves queued → sending (claimed by one worker) → sent, or logged when no SMTP
server is configured. A transient failure puts it back to queued for the task's retry; the last
one, or a permanent rejection, leaves it failed. A redelivered task finds the row sent or
sending and does nothing, so an email goes out once.

``claimed_at`` is the time of the last claim; ``sent_at`` is when SMTP accepted the email.

A worker that dies leaves its rows "sending". Its delivery message comes back flagged
redelivered (the broker redelivers only what a dead worker held, ``worker.redelivery``), and a
redelivered delivery takes those rows over at once (``takeover``); the sweeper takes back
claims only after ``STALE_CLAIM``, far longer than any send of a living worker.
"""

import logging
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.aftercommit import run_after_commit
from surveys.mail.smtp import TRANSIENT_ERRORS, SmtpConnection, SmtpSettings, is_permanent
from surveys.models import Customer, Invitation, OutboxEmail, UTCDateTime
from surveys.models.rollups import mark_stale_from, utc_day

log = logging.getLogger(__name__)

DELIVER_TASK = "kaiku.deliver_email"
DELIVER_BATCH_TASK = "kaiku.deliver_emails"
# Emails per deliver_emails message: one SMTP connection each. Small enough that a dispatch run
# spreads over the worker processes, large enough that connection set-up hardly counts.
DELIVERY_BATCH = 50
CLAIMABLE = ("queued", "failed")
# A claim this old is a dead worker's, whatever the broker says: ten SMTP timeouts and more.
STALE_CLAIM = timedelta(minutes=10)
MAX_ERROR_LENGTH = 2000
_LAST_TOUCHED = func.coalesce(OutboxEmail.claimed_at, OutboxEmail.created_at, type_=UTCDateTime())


def deliver_after_commit(session: Session, outbox_ids: list[int], *, bulk: bool = False) -> None:
    """Register delivery of these outbox rows for after the commit: one ``deliver_email``
    message each (a single email: a follow-up, a notice), or with ``bulk`` ``deliver_emails``
    messages of DELIVERY_BATCH rows (dispatch, reminders, the sweeper)."""
    if bulk:
        run_after_commit(session, DELIVER_BATCH_TASK, outbox_ids, batch_size=DELIVERY_BATCH)
    else:
        run_after_commit(session, DELIVER_TASK, outbox_ids)


def build_message(outbox: OutboxEmail) -> EmailMessage:
    """The MIME message of an outbox row: multipart/alternative, plain text first, then HTML.

    :raises ValueError: a header value the row holds cannot be put in a message.
    """
    message = EmailMessage()
    message["From"] = outbox.from_address
    message["To"] = outbox.to_address
    message["Subject"] = outbox.subject
    message["Message-ID"] = outbox.message_id
    message["Date"] = format_datetime(clock.now())
    for name, value in (outbox.headers or {}).items():
        message[name] = value
    message.set_content(outbox.text_body)
    message.add_alternative(outbox.html_body, subtype="html")
    return message


def deliver(session: Session, outbox_id: int, smtp: SmtpSettings, *, takeover: bool = False) -> str:
    """Send one outbox email, at most once; returns the row's status afterwards.

    The claim (queued or failed → sending) is one conditional UPDATE, and it is COMMITTED here:
    this is the one service that commits, because the claim must be visible to every other
    worker before the network call, or a redelivered task could send the email a second time.
    A row already sent, logged or being sent by another worker is left alone (unless
    ``takeover``: see ``claim_outbox``). After the send
    the row is "sent" (or "logged" when ``smtp`` is not enabled) and its invitation "sent";
    that is flushed, and the caller commits. ``deliver_batch`` does the same for many rows over
    one connection, with the same ``claim_outbox`` and ``send_claimed``.

    The customer's unsubscribe is honoured here too; such a row, or one the server rejects
    for good (5xx), becomes "failed" with the reason in ``last_error``.

    :raises smtplib.SMTPException, OSError: a transient failure (``TRANSIENT_ERRORS``); the row
        stays "sending" for the caller to hand to ``record_failure`` and retry.
    """
    claimed = claim_outbox(session, [outbox_id], takeover=takeover)
    session.commit()
    outbox = session.get(OutboxEmail, outbox_id, populate_existing=True)
    if outbox is None:
        log.warning("outbox email %s no longer exists; nothing to send", outbox_id)
        return "missing"
    if not claimed:
        return outbox.status
    try:
        with SmtpConnection(smtp) as connection:
            return send_claimed(session, outbox, connection, smtp)
    finally:
        session.expire(outbox)  # send_claimed writes with statements: reload on next use


def claim_outbox(session: Session, ids: list[int], *, takeover: bool = False) -> list[int]:
    """Claim the rows of ``ids`` that are queued or failed (→ sending, one more attempt); returns
    the ids claimed. The caller commits before sending.

    ``takeover``: the caller's message was redelivered, so whoever held it (and claimed its
    rows) is dead; its rows still "sending" are claimed too. The one email the dead worker had
    in flight may then go out twice, if SMTP had taken it just before the kill.
    """
    statuses = (*CLAIMABLE, "sending") if takeover else CLAIMABLE
    return list(
        session.scalars(
            update(OutboxEmail)
            .where(OutboxEmail.id.in_(ids), OutboxEmail.status.in_(statuses))
            .values(
                {
                    "status": "sending",
                    "attempts": OutboxEmail.attempts + 1,
                    OutboxEmail.claimed_at: clock.now(),
                }
            )
            .returning(OutboxEmail.id)
            .execution_options(synchronize_session=False)
        )
    )


def send_claimed(
    session: Session, row: OutboxEmail, connection: SmtpConnection, smtp: SmtpSettings
) -> str:
    """Check, send and record one claimed row; returns its status. The refusal checks are read
    right before the send. Writes with statements (the row may be detached); the caller commits.

    :raises smtplib.SMTPException, OSError: a transient failure; the row stays "sending".
    """
    refusal = refusal_reason(session, row.kind, row.invitation_id)
    if refusal:
        return _fail(session, row.id, refusal)
    try:
        message = build_message(row)
    except ValueError as exc:
        return _fail(session, row.id, f"cannot build the message: {exc}")
    if smtp.enabled:
        try:
            connection.send(message)
        except TRANSIENT_ERRORS as exc:
            if is_permanent(exc):
                return _fail(session, row.id, f"rejected: {exc!r}")
            raise
        except Exception as exc:
            # Not a network or server problem (a bug, an address smtplib cannot encode): a
            # retry would fail the same way, and a row left "sending" would be swept forever.
            log.exception("sending outbox email %s failed", row.id)
            return _fail(session, row.id, f"cannot send: {exc!r}")
        status = "sent"
    else:
        log.info(
            "SMTP is not configured; email %s to %s only logged:\nSubject: %s\n\n%s",
            row.message_id, row.to_address, row.subject, row.text_body,
        )  # fmt: skip
        status = "logged"
    now = clock.now()
    set_claimed(session, [row.id], status=status, sent_at=now, last_error=None)
    if row.invitation_id is not None:
        invitations = Invitation.__table__
        sent = session.execute(
            update(invitations)
            .where(
                invitations.c.id == row.invitation_id,
                invitations.c.status.in_(("pending", "queued")),
            )
            .values(status="sent", sent_at=now)
        )
        if sent.rowcount:  # the response rate's delivered count of the day
            mark_stale_from(
                session,
                select(invitations.c.survey_id, utc_day(invitations.c.sent_at)).where(
                    invitations.c.id == row.invitation_id
                ),
            )
    return status


def record_failure(session: Session, outbox_id: int, exc: BaseException, final: bool) -> None:
    """Release a claim after a failed send: back to "queued" for a retry, or "failed" when
    ``final``; the error is kept in ``last_error``. Only a row still "sending" changes.

    Flushes, does not commit.
    """
    release_claims(session, [outbox_id], exc, final=final)
    session.flush()


def release_claims(session: Session, ids: list[int], exc: BaseException, *, final: bool) -> None:
    """Put claimed rows back after a transient error: queued for a retry, failed when
    ``final``; the error is kept in ``last_error``."""
    if ids:
        status = "failed" if final else "queued"
        set_claimed(session, ids, status=status, last_error=_error_text(exc))


def set_claimed(session: Session, ids: list[int], **values) -> None:
    """Update rows this worker holds (still "sending"); on the table, not the ORM entity (the
    rows may be detached, and the ORM's bulk-update path costs more than the statement)."""
    outbox = OutboxEmail.__table__
    session.execute(
        update(outbox).where(outbox.c.id.in_(ids), outbox.c.status == "sending").values(**values)
    )


def stalled_outbox_ids(
    session: Session,
    older_than: timedelta = timedelta(minutes=10),
    limit: int = 500,
    stale_claim: timedelta = STALE_CLAIM,
) -> list[int]:
    """Ids of emails the sweeper should enqueue again.

    Those are rows still queued whose last claim (or creation) is older than ``older_than``
    (a lost message, a dead broker, a worker killed between its commit and the publish), and
    rows claimed longer ago than ``stale_claim`` but never finished, whose message was lost
    as well: those are put back to "queued" here, so a new
    task can claim them. The email may then go out twice if the dead worker had handed it over
    already; that is rare, and better than losing it. Flushes, does not commit.
    """
    cutoff = clock.now() - older_than
    claim_cutoff = clock.now() - stale_claim
    session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.status == "sending", _LAST_TOUCHED < claim_cutoff)
        .values(status="queued", last_error="the worker stopped while sending; offered again")
        .execution_options(synchronize_session="fetch")
    )
    session.flush()
    return list(
        session.scalars(
            select(OutboxEmail.id)
            .where(OutboxEmail.status == "queued", _LAST_TOUCHED < cutoff)
            .order_by(OutboxEmail.id)
            .limit(limit)
        )
    )


def refusal_reason(session: Session, kind: str, invitation_id: int | None) -> str | None:
    """Why an email of ``kind`` must not go out any more, or None: the customer unsubscribed or
    their address bounced since it was queued, the invitation is gone (the customer's data was
    erased), or (a reminder) it was answered or closed meanwhile. Read from the database at
    the moment of the call (one query), so call it right before the send."""
    if kind not in ("invitation", "reminder"):
        return None
    row = None
    if invitation_id is not None:
        row = session.execute(
            select(Invitation.status, Customer.unsubscribed, Customer.bounced_at)
            .join(Customer, Customer.id == Invitation.customer_id)
            .where(Invitation.id == invitation_id)
        ).one_or_none()
    if row is None:
        return "not sent: the invitation no longer exists"
    status, unsubscribed, bounced_at = row
    if unsubscribed:
        return "not sent: the customer unsubscribed"
    if bounced_at is not None:
        return "not sent: the customer's address bounced"
    if kind == "reminder" and status != "sent":
        return f"not sent: the invitation is {status}"
    return None


def _fail(session: Session, outbox_id: int, reason: str) -> str:
    log.warning("outbox email %s not sent: %s", outbox_id, reason)
    set_claimed(session, [outbox_id], status="failed", last_error=reason[:MAX_ERROR_LENGTH])
    return "failed"


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
