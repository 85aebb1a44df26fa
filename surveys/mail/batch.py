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

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.mail.outbox import claim_outbox, release_claims, send_claimed, set_claimed
from surveys.mail.smtp import TRANSIENT_ERRORS, SmtpConnection, SmtpSettings
from surveys.models import OutboxEmail

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
    session: Session,
    outbox_ids: list[int],
    smtp: SmtpSettings,
    *,
    final: bool = False,
    takeover: bool = False,
) -> BatchOutcome:
    """Send the outbox emails ``outbox_ids`` over one SMTP connection, each at most once.

    Commits: the claim before the first send, then each row's outcome (like ``deliver``, the
    claim must be visible to other workers before the network call). Rows another worker holds
    or has finished are left alone. ``final``: a transient failure now fails the row instead of
    queueing it again (the caller's last retry). ``takeover``: the caller's message was
    redelivered, its rows still "sending" are a dead worker's (``claim_outbox``).

    :raises Exception: a database error; the rows not tried yet are released first, so only
        the row in flight (if any) waits for ``stalled_outbox_ids``.
    """
    outcome = BatchOutcome()
    ids = sorted(set(outbox_ids))
    if not ids:
        return outcome
    claimed = set(claim_outbox(session, ids, takeover=takeover))
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
                    status = send_claimed(session, row, connection, smtp)
                except TRANSIENT_ERRORS as exc:
                    session.rollback()
                    outcome.error = exc
                    release_claims(session, [row.id], exc, final=final)
                    outcome.retry_ids.append(row.id)
                    outcome.statuses[row.id] = "failed" if final else "queued"
                    if not connection.connected and connection.carried == 0:
                        # A new connection got nothing through: the server is down or
                        # refusing. The rest wait for the retry instead of each timing out.
                        release_claims(session, untried, exc, final=final)
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


def _release_quietly(session: Session, ids: list[int]) -> None:
    """After an unexpected error: give the untried rows back, if the database lets us."""
    if not ids:
        return
    try:
        set_claimed(session, ids, status="queued")
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not release outbox emails %s; the sweeper will offer them", ids)
