"""The demo's past, replayed: moments run in time order with the domain clock stopped at each,
so every service writes the times, histories and emails it would have written then.

Emails made in the past (invitations, reminders, urgent-task notices, escalations) are handed
over at that same past moment the way Kaiku records an email with no SMTP server: "logged",
with ``sent_at`` then, and their invitation "sent". Why not suppress them, as an import would?
Because the product did send them: an invitation's ``sent_at`` and a task's notices are part of
what the demo shows. Why not leave them queued? Because the demo would then email today about
answers weeks old (and real SMTP, when configured, would get mail for example.com people).
The after-commit deliveries those emails registered find them logged and do nothing.
"""

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.mail.outbox import claim_outbox, send_claimed
from surveys.mail.smtp import SmtpConnection, SmtpSettings
from surveys.models import OutboxEmail

Moment = Callable[[], None]

# Log instead of sending: the past's emails are recorded, never handed to a server.
_NO_SMTP = SmtpSettings()


class Timeline:
    """Moments to replay, each a callable run at its time; a moment may add later ones."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._heap: list[tuple[datetime, int, Moment]] = []
        self._order = itertools.count()
        self._first_outbox_id = (session.scalar(select(func.max(OutboxEmail.id))) or 0) + 1

    def at(self, when: datetime, moment: Moment) -> None:
        """Run ``moment`` at ``when``; a time not before now is left out (it has not happened)."""
        if when < self.now:
            heapq.heappush(self._heap, (when, next(self._order), moment))

    def run(self) -> None:
        """Replay every moment in time order (ties in the order they were added)."""
        while self._heap:
            when, _, moment = heapq.heappop(self._heap)
            with clock.frozen_at(when):
                moment()
                self.session.flush()
                self._hand_over_emails()

    def _hand_over_emails(self) -> None:
        """Every email queued by the seed so far goes out now (this past moment), logged."""
        ids = list(
            self.session.scalars(
                select(OutboxEmail.id).where(
                    OutboxEmail.id >= self._first_outbox_id, OutboxEmail.status == "queued"
                )
            )
        )
        if not ids:
            return
        claim_outbox(self.session, ids)
        with SmtpConnection(_NO_SMTP) as connection:
            for row in self.session.scalars(select(OutboxEmail).where(OutboxEmail.id.in_(ids))):
                send_claimed(self.session, row, connection, _NO_SMTP)
        self.session.expire_all()  # send_claimed writes with statements
