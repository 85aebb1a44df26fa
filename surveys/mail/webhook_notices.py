"""The staff notice that a webhook endpoint was disabled (410, or failing for days), one email
per active admin. It lives here rather than in ``surveys.webhooks`` because that package sits
below ``mail`` in the layers (every domain package emits events through it)."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.kernel.settings import Settings
from surveys.mail.outbox import deliver_after_commit
from surveys.mail.render import email_env, new_message_id
from surveys.models import OutboxEmail, StaffUser, WebhookEndpoint

DISABLED_KIND = "webhook_disabled"


def queue_endpoint_disabled_emails(
    session: Session, endpoint_ids: Iterable[int], settings: Settings
) -> list[OutboxEmail]:
    """Tell every active admin which endpoints were just disabled and why; flushes, delivered
    after the caller's commit."""
    endpoints = list(
        session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.id.in_(list(endpoint_ids)))
            .order_by(WebhookEndpoint.id)
        )
    )
    if not endpoints:
        return []
    admins = session.scalars(
        select(StaffUser)
        .where(StaffUser.active.is_(True), StaffUser.role == "admin")
        .order_by(StaffUser.id)
    ).all()
    noun = "endpoint was" if len(endpoints) == 1 else "endpoints were"
    subject = f"{len(endpoints)} webhook {noun} disabled"
    context = {
        "subject": subject,
        "endpoints": [
            {"id": e.id, "url": e.url, "reason": e.disabled_reason or "disabled"} for e in endpoints
        ],
        "api_url": f"{settings.base_url}/api/v1/webhooks",
    }
    templates = email_env("en")  # staff emails are English
    text = templates.get_template("email/webhook_disabled.txt").render(context)
    html = templates.get_template("email/webhook_disabled.html").render(context)
    emails = [
        OutboxEmail(
            kind=DISABLED_KIND,
            to_address=admin.email,
            from_address=settings.mail_from,
            subject=subject,
            text_body=text,
            html_body=html,
            headers={},
            message_id=new_message_id(settings),
            status="queued",
        )
        for admin in admins
    ]
    session.add_all(emails)
    session.flush()
    deliver_after_commit(session, [email.id for email in emails])
    return emails
