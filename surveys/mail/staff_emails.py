"""Emails to staff about their own account: the "forgot your password" link.

Rendered with the English email environment and the staff layout, added to the outbox, and
delivered after the caller's commit (``deliver_after_commit``).
"""

from sqlalchemy.orm import Session

from surveys.kernel.settings import Settings
from surveys.mail.outbox import deliver_after_commit
from surveys.mail.render import email_env, new_message_id
from surveys.models import OutboxEmail, StaffUser

RESET_KIND = "password_reset"
RESET_SUBJECT = "Reset your Kaiku password"


def reset_url(settings: Settings, token: str) -> str:
    """The page a reset email links to."""
    return f"{settings.base_url}/reset-password/{token}"


def queue_password_reset_email(
    session: Session, user: StaffUser | None, token: str, settings: Settings, *, hours: int
) -> OutboxEmail | None:
    """The reset link for ``user``, into the outbox; with no ``user`` the email is rendered all
    the same (so an unknown address costs what a known one does) and nothing is added.
    Flushes; the caller commits."""
    context = {
        "subject": RESET_SUBJECT,
        "name": ((user.name or "").strip() if user else ""),
        "url": reset_url(settings, token),
        "hours": hours,
    }
    templates = email_env("en")  # staff emails are English
    text = templates.get_template("email/password_reset.txt").render(context)
    html = templates.get_template("email/password_reset.html").render(context)
    if user is None:
        return None
    outbox = OutboxEmail(
        kind=RESET_KIND,
        to_address=user.email,
        from_address=settings.mail_from,
        subject=RESET_SUBJECT,
        text_body=text,
        html_body=html,
        headers={},
        message_id=new_message_id(settings),
        status="queued",
    )
    session.add(outbox)
    session.flush()
    deliver_after_commit(session, [outbox.id])
    return outbox
