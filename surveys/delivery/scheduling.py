"""Scheduling an invitation: decide eligibility once, and record the outcome either way.

An invitation that may go out is "scheduled" for the decided time (quiet hours may have moved
it); one that may not is kept as "skipped" with its reason, so "why was this customer not
asked?" always has an answer. The dispatcher sends scheduled ones when they fall due.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from surveys.delivery.eligibility import SKIP, Decision, decide
from surveys.delivery.emails import queue_invitation_email
from surveys.delivery.handlers import record_handlers
from surveys.delivery.invitations import (
    NewInvitation,
    ensure_active,
    insert_invitations,
    invitation_token,
    new_link,
    with_cause,
)
from surveys.kernel.errors import ValidationError
from surveys.kernel.settings import Settings
from surveys.models import CHANNELS, Customer, Event, Invitation, OutboxEmail, Survey, TriggerRule


def schedule_invitation(
    session: Session,
    survey: Survey,
    customer: Customer,
    settings: Settings,
    *,
    at: datetime,
    channel: str = "email",
    event: Event | None = None,
    rule: TriggerRule | None = None,
    check_windows: bool = True,
    cause: str | None = None,
) -> Invitation:
    """Add an invitation of ``customer`` to ``survey`` wanted at ``at`` (aware), "scheduled" or
    "skipped" as ``eligibility.decide`` says, with the reason kept. Flushes; the caller commits.

    ``cause`` is a few words on why it was made ("win-back re-survey"); it prefixes the reason.
    Win-back re-surveys pass ``check_windows=False`` (they are meant to re-ask), yet never open
    a second invitation: one that meets an open one is skipped (``insert_invitations``).

    :raises ValidationError: an unknown channel, or a naive ``at``.
    """
    if channel not in CHANNELS:
        raise ValidationError(f"Unknown channel {channel!r}.", fields={"channel": "unknown"})
    if at.tzinfo is None:
        raise ValidationError("The time must carry a time zone.", fields={"at": "naive"})
    decision = decide(
        session,
        customer,
        survey,
        at=at,
        settings=settings,
        check_windows=check_windows,
        channel=channel,
    )
    row = invitation_row(
        survey,
        customer.id,
        decision,
        settings,
        channel=channel,
        event_id=event.id if event is not None else None,
        rule_id=rule.id if rule is not None else None,
        cause=cause,
    )
    (invitation,) = insert_invitations(session, [row], cause=cause)
    return invitation


def invite_by_email(
    session: Session, survey: Survey, customer: Customer, settings: Settings, *, at: datetime
) -> tuple[Invitation, OutboxEmail | None]:
    """Invite ``customer`` to ``survey`` by email as of ``at`` (aware), the way every send is
    decided: ``schedule_invitation`` with the windows and quiet hours. Flushes; the caller's
    commit sends the returned outbox email, if any (its delivery is registered).

    Returns the invitation and its outbox email: "queued" with the email when it may go out
    now; "scheduled" for the next allowed minute (quiet hours; the dispatcher sends it) or
    "skipped" for good (an open invitation, a recontact window), each with its reason and no
    email. A caller that must refuse the unsubscribed or bounced (rather than record them
    skipped) checks ``customers.ensure_can_email`` first.

    :raises ValidationError: the survey is paused, or the address is refused by the mailer.
    """
    ensure_active(survey)
    invitation = schedule_invitation(session, survey, customer, settings, at=at)
    if invitation.status != "scheduled" or invitation.scheduled_for > at:
        return invitation, None
    token = invitation_token(invitation, settings)
    outbox = queue_invitation_email(session, NewInvitation(invitation, token), settings)
    record_handlers(session, [invitation])
    return invitation, outbox


def invitation_row(
    survey: Survey,
    customer_id: int,
    decision: Decision,
    settings: Settings,
    *,
    channel: str,
    event_id: int | None = None,
    rule_id: int | None = None,
    cause: str | None = None,
) -> dict[str, Any]:
    """The column values of an invitation for ``decision`` (also used for bulk inserts).

    Every row gets its own link token (only the nonce and the hash are stored). A scheduled
    invitation expires ``survey.expire_days`` after its planned time (re-set when it is sent);
    a skipped one is closed from the start.
    """
    link, _ = new_link(settings)
    skipped = decision.action == SKIP
    return {
        "survey_id": survey.id,
        "customer_id": customer_id,
        **link,
        "status": "skipped" if skipped else "scheduled",
        "channel": channel,
        "event_id": event_id,
        "trigger_rule_id": rule_id,
        "reason": with_cause(cause, decision.reason or None),
        "scheduled_for": None if skipped else decision.at,
        "expires_at": decision.at if skipped else expiry(survey, decision.at),
    }


def expiry(survey: Survey, sent_at: datetime) -> datetime:
    """When an invitation sent at ``sent_at`` stops taking answers."""
    return sent_at + timedelta(days=survey.expire_days or 14)
