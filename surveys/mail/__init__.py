"""Email transport: the outbox to SMTP, and what every email shares (``render``).

Emails are composed where their concept lives (``surveys.delivery.emails``,
``surveys.rescue.emails``) and added to the outbox in the caller's transaction, which sends
their delivery once it commits (``deliver_after_commit``). ``outbox``
hands one row to SMTP at most once (the ``deliver_email`` task), ``batch`` many over one
connection (``deliver_emails``, the bulk path); ``smtp`` holds the connection
settings and the connection to the server.
"""

from surveys.mail.batch import BatchOutcome, deliver_batch
from surveys.mail.outbox import (
    DELIVERY_BATCH,
    build_message,
    deliver,
    deliver_after_commit,
    record_failure,
    stalled_outbox_ids,
)
from surveys.mail.smtp import SmtpConnection, SmtpSettings

__all__ = [
    "DELIVERY_BATCH",
    "BatchOutcome",
    "SmtpConnection",
    "SmtpSettings",
    "build_message",
    "deliver",
    "deliver_after_commit",
    "deliver_batch",
    "record_failure",
    "stalled_outbox_ids",
]
