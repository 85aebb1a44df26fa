"""Email: composing the survey invitation and delivering it through the outbox to SMTP.

``compose`` renders an email and adds it to the outbox with the invitation (same transaction);
``delivery`` hands one outbox row to SMTP at most once (the ``deliver_email`` task), ``batch``
many over one connection (``deliver_emails``, the bulk path); ``smtp`` holds the connection
settings and the connection to the server.
"""

from surveys.mail.batch import BatchOutcome, deliver_batch
from surveys.mail.compose import queue_invitation_email, render_invitation
from surveys.mail.delivery import build_message, deliver, record_failure, stalled_outbox_ids
from surveys.mail.smtp import SmtpConnection, SmtpSettings

__all__ = [
    "BatchOutcome",
    "SmtpConnection",
    "SmtpSettings",
    "build_message",
    "deliver",
    "deliver_batch",
    "queue_invitation_email",
    "record_failure",
    "render_invitation",
    "stalled_outbox_ids",
]
