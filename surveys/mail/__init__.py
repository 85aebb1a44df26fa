"""Email: composing the survey invitation and delivering it through the outbox to SMTP.

``compose`` renders an email and adds it to the outbox with the invitation (same transaction);
``delivery`` hands outbox rows to SMTP exactly once, from the ``deliver_email`` task;
``smtp`` holds the connection settings and the one call to smtplib.
"""

from surveys.mail.compose import queue_invitation_email, render_invitation
from surveys.mail.delivery import build_message, deliver, record_failure, stalled_outbox_ids
from surveys.mail.smtp import SmtpSettings

__all__ = [
    "SmtpSettings",
    "build_message",
    "deliver",
    "queue_invitation_email",
    "record_failure",
    "render_invitation",
    "stalled_outbox_ids",
]
