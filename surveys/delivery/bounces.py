"""Bounces: an address that does not take mail is never sent to again.

A hard bounce reported by the mail provider marks every customer with that address (the match
ignores case and surrounding spaces). Eligibility then skips them ("skipped: bounced") and the
outbox refuses emails already queued for them.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.addresses import email_address
from surveys.kernel.errors import ValidationError
from surveys.models import Customer

MAX_REASON_LENGTH = 500


def record_bounce(session: Session, email: str, reason: str | None = None) -> list[Customer]:
    """Mark every customer whose address is ``email`` bounced, with ``reason``; returns them
    (possibly none). A customer already bounced keeps the first time and gets the new reason.
    Flushes; the caller commits.

    :raises ValidationError: ``email`` is not an email address, or ``reason`` is too long.
    """
    address = email_address(email)
    if address is None:
        raise ValidationError("Give the address that bounced.", fields={"email": "invalid"})
    if reason is not None:
        reason = reason.strip() or None
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            f"The reason is longer than {MAX_REASON_LENGTH} characters.",
            fields={"reason": "too long"},
        )
    customers = list(
        session.scalars(
            select(Customer)
            .where(func.lower(func.trim(Customer.email)) == address.lower())
            .order_by(Customer.id)
        )
    )
    now = clock.now()
    for customer in customers:
        if customer.bounced_at is None:
            customer.bounced_at = now
        customer.bounce_reason = reason or "bounced"
    session.flush()
    return customers
