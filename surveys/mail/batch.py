"""Delivering many outbox emails over one SMTP connection, with the guarantees of ``deliver``.

The rows of a batch are claimed together (queued or failed → sending) and the claim is
committed before anything goes over the network, so a second worker given the same ids finds
them taken and sends nothing. Then, row by row: the unsubscribe, bounce and reminder checks are
read again, the message goes over the shared connection, and the outcome is committed at once,
so at most the one email in flight is in doubt if the worker dies.

Outcomes per row: sent (or logged without SMTP); failed for a refusal, a message that cannot be
built, or a permanent (5xx) rejection of that recipient, while the rest carry on; back to
queued (or failed on the ``final`` attempt) after a transient error, for the caller to retry.
A connection lost mid-batch is opened again for the next row; when a new connection cannot get
a message through either (the server is down), the batch stops and every row it has not tried
is released as well. ``attempts`` counts the runs that claimed a row.
"""

import logging
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from surveys import clock
from surveys.mail.delivery import CLAIMABLE, MAX_ERROR_LENGTH, build_message, refusal_reason
from surveys.mail.smtp import TRANSIENT_ERRORS, SmtpConnection, SmtpSettings, is_permanent
from surveys.models import Invitation, OutboxEmail

log = logging.getLogger(__name__)


@dataclass
class BatchOutcome:
    """What ``deliver_batch`` did.

    ``statuses`` maps every id asked for to its status afterwards: sent, logged, failed, queued
    (released for a retry), sending (another worker holds it) or missing. ``retry_ids`` are the
    rows released after a transient error, ``error`` the last such error; ``connections`` is
    how many SMTP connections were opened.
    """

    statuses: dict[int, str] = field(default_factory=dict)
    retry_ids: list[int] = field(default_factory=list)
    error: BaseException | None = None
    connections: int = 0

    def count(self, status: str) -> int:
        return sum(1 for value in self.statuses.values() if value == status)


def deliver_batch(
    session: Session, outbox_ids: list[int], smtp: SmtpSettings, *, final: bool = False
) -> BatchOutcome:
    """Send the outbox emails ``outbox_ids`` over one SMTP connection, each at most once.

    Commits: the claim before the first send, then each row's outcome (like ``deliver``, the
    claim must be visible to other workers before the network call). Rows another worker holds
    or has finished are left alone. ``final``: a transient failure now fails the row instead of
    queueing it again (the caller's last retry).

    :raises Exception: a database error; the rows not tried yet are released first, so only
        the row in flight (if any) waits for ``stalled_outbox_ids``.
    """
    outcome = BatchOutcome()
    ids = sorted(set(outbox_ids))
    if not ids:
        return outcome
    claimed = set(_claim(session, ids))
    session.commit()
    rows = []
    if claimed:
        rows = session.scalars(
            select(OutboxEmail)
            .where(OutboxEmail.id.in_(claimed))
            .order_by(OutboxEmail.id)
            .execution_options(populate_existing=True)
        ).all()
        for row in rows:
            session.expunge(row)  # plain values from here on: commits do not reload them
    others = [i for i in ids if i not in claimed]
    if others:
        found = dict(
            session.execute(
                select(OutboxEmail.id, OutboxEmail.status).where(OutboxEmail.id.in_(others))
            ).all()
        )
        outcome.statuses.update({i: found.get(i, "missing") for i in others})

    untried = [row.id for row in rows]
    with SmtpConnection(smtp) as connection:
        try:
            for row in rows:
                untried.remove(row.id)
                try:
                    status = _deliver_claimed(session, row, connection, smtp)
                except TRANSIENT_ERRORS as exc:
                    session.rollback()
                    outcome.error = exc
                    _release(session, [row.id], exc, final=final)
                    outcome.retry_ids.append(row.id)
                    outcome.statuses[row.id] = "failed" if final else "queued"
                    if not connection.connected and connection.carried == 0:
                        # A new connection got nothing through: the server is down or
                        # refusing. The rest wait for the retry instead of each timing out.
                        _release(session, untried, exc, final=final)
                        outcome.retry_ids += untried
                        outcome.statuses.update(
                            {i: "failed" if final else "queued" for i in untried}
                        )
                        untried = []
                    session.commit()
                    if not untried:
                        break
                    continue
                session.commit()
                outcome.statuses[row.id] = status
        except BaseException:
            session.rollback()
            _release_quietly(session, untried)
            raise
        finally:
            outcome.connections = connection.connections
    return outcome


def _claim(session: Session, ids: list[int]) -> list[int]:
    return list(
        session.scalars(
            update(OutboxEmail)
            .where(OutboxEmail.id.in_(ids), OutboxEmail.status.in_(CLAIMABLE))
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


def _deliver_claimed(
    session: Session, row: OutboxEmail, connection: SmtpConnection, smtp: SmtpSettings
) -> str:
    """Check, send and record one claimed row; flushes. Transient errors propagate."""
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
    _set(session, [row.id], status=status, sent_at=now, last_error=None)
    if row.invitation_id is not None:
        invitations = Invitation.__table__
        session.execute(
            update(invitations)
            .where(
                invitations.c.id == row.invitation_id,
                invitations.c.status.in_(("pending", "queued")),
            )
            .values(status="sent", sent_at=now)
        )
    return status


def _fail(session: Session, outbox_id: int, reason: str) -> str:
    log.warning("outbox email %s not sent: %s", outbox_id, reason)
    _set(session, [outbox_id], status="failed", last_error=reason[:MAX_ERROR_LENGTH])
    return "failed"


def _release(session: Session, ids: list[int], exc: BaseException, *, final: bool) -> None:
    """Put claimed rows back after a transient error: queued for a retry, failed when
    ``final``; the error is kept in ``last_error``."""
    if ids:
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
        _set(session, ids, status="failed" if final else "queued", last_error=error)


def _release_quietly(session: Session, ids: list[int]) -> None:
    """After an unexpected error: give the untried rows back, if the database lets us."""
    if not ids:
        return
    try:
        _set(session, ids, status="queued")
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not release outbox emails %s; the sweeper will offer them", ids)


def _set(session: Session, ids: list[int], **values) -> None:
    """Update rows this worker holds (still "sending"); on the table, not the ORM entity (the
    rows are detached, and the ORM's bulk-update path costs more than the statement)."""
    outbox = OutboxEmail.__table__
    session.execute(
        update(outbox).where(outbox.c.id.in_(ids), outbox.c.status == "sending").values(**values)
    )
