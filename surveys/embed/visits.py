"""When the widget may open for a visitor, the display that opens it, and dismissals.

The same lifecycle rules hold here as for email (``surveys.delivery.eligibility``): an open
invitation from email is answered in the widget and not asked twice; the survey's and the global
recontact windows keep a customer who answered (or was shown the widget) from being asked again;
a dismissal keeps the widget away for the embed's ``dismiss_days``. Quiet hours do not apply:
the customer is in the company's app right now. Email opt-outs do: a customer who unsubscribed
asked not to be surveyed, and the widget respects that as well.

The anonymous visitor has no server-side history: the widget keeps visits and dismissals in the
host page's own storage (never a cookie), and the server only checks that the survey is open.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.delivery.eligibility import load_histories, window_reason
from surveys.delivery.handlers import handled_by
from surveys.delivery.invitations import insert_invitations, invitation_token, new_link
from surveys.embed.identity import Visitor
from surveys.kernel.db import insert_for
from surveys.kernel.settings import Settings
from surveys.models import OPEN_STATUSES, EmbedVisitor, Invitation, Survey, SurveyEmbed
from surveys.models.rollups import mark_stale

# Page loads closer together than this are one visit.
VISIT_GAP = timedelta(minutes=30)


@dataclass(frozen=True)
class Visit:
    """What a page load learns: whether the widget may open (``eligible``, with the reason in
    words when not), the customer's visit count (None for the anonymous visitor)."""

    eligible: bool
    reason: str
    visits: int | None


@dataclass(frozen=True)
class Display:
    """The widget opened: the invitation it answers and its secret token (None for an old
    email link made before tokens could be rebuilt: the answer then finds the invitation as
    the customer's open one)."""

    invitation: Invitation
    token: str | None


def record_visit(
    session: Session,
    survey: Survey,
    embed: SurveyEmbed,
    visitor: Visitor,
    *,
    now: datetime,
    settings: Settings,
) -> Visit:
    """Count the page load as a visit (unless the last one was under half an hour ago) and say
    whether the widget may open now. Flushes."""
    if visitor.anonymous:
        return Visit(survey.active, "" if survey.active else "survey paused", None)
    state = _state(session, survey, visitor)
    if state.last_seen_at is None or state.last_seen_at <= now - VISIT_GAP:
        state.visits += 1
    state.last_seen_at = now
    session.flush()
    return Visit(*_eligibility(session, survey, embed, visitor, state, now, settings), state.visits)


def open_display(
    session: Session,
    survey: Survey,
    embed: SurveyEmbed,
    visitor: Visitor,
    *,
    now: datetime,
    settings: Settings,
) -> Display | None:
    """The widget opens: the customer's open invitation to the survey (one from email, or the
    widget's own from an earlier page), else a new "embed" invitation sent now. None when the
    rules say no (the caller says why from ``record_visit``) or for the anonymous visitor, whose
    answer makes its own invitation (``surveys.embed.answers``). Flushes."""
    if visitor.anonymous:
        return None
    state = _state(session, survey, visitor)
    eligible, _ = _eligibility(session, survey, embed, visitor, state, now, settings)
    if not eligible:
        return None
    state.shown_at = now
    invitation = open_invitation(session, survey, visitor)
    if invitation is None:
        return new_embed_invitation(session, survey, visitor, now=now, settings=settings)
    return Display(invitation, invitation_token(invitation, settings))


def dismiss(
    session: Session,
    survey: Survey,
    visitor: Visitor,
    *,
    token_invitation: Invitation | None,
    now: datetime,
) -> None:
    """The customer closed the widget unanswered: counted, and the widget stays away for the
    embed's ``dismiss_days``. The widget's own invitation is closed ("dismissed"); one from
    email stays open, so its link still works. Flushes."""
    if visitor.anonymous:
        return
    state = _state(session, survey, visitor)
    state.dismissals += 1
    state.dismissed_at = now
    invitation = token_invitation or open_invitation(session, survey, visitor)
    if (
        invitation is not None
        and invitation.channel == "embed"
        and invitation.status in OPEN_STATUSES
    ):
        invitation.status = "dismissed"
        invitation.reason = "dismissed in the widget"
    session.flush()


def open_invitation(session: Session, survey: Survey, visitor: Visitor) -> Invitation | None:
    """The customer's open invitation to the survey (at most one exists), not yet expired."""
    return session.scalars(
        select(Invitation).where(
            Invitation.customer_id == visitor.customer.id,
            Invitation.survey_id == survey.id,
            Invitation.status.in_(("pending", "queued", "sent")),
        )
    ).first()


def _state(session: Session, survey: Survey, visitor: Visitor) -> EmbedVisitor:
    """The visitor's row for the survey, made on first use (safe when two pages race), locked
    for the rest of the transaction on PostgreSQL so two page loads count two visits."""
    key = {"survey_id": survey.id, "customer_id": visitor.customer.id}
    session.execute(
        insert_for(session, EmbedVisitor)
        .values(**key, visits=0, dismissals=0)
        .on_conflict_do_nothing(index_elements=list(key))
    )
    return session.scalars(
        select(EmbedVisitor)
        .filter_by(**key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _eligibility(
    session: Session,
    survey: Survey,
    embed: SurveyEmbed,
    visitor: Visitor,
    state: EmbedVisitor,
    now: datetime,
    settings: Settings,
) -> tuple[bool, str]:
    customer = visitor.customer
    if not survey.active:
        return False, "survey paused"
    if customer.unsubscribed:
        return False, "the customer unsubscribed from surveys"
    if state.dismissed_at is not None and embed.dismiss_days:
        until = state.dismissed_at + timedelta(days=embed.dismiss_days)
        if until > now:
            return (
                False,
                f"dismissed {state.dismissed_at:%Y-%m-%d}, not shown again until {until:%Y-%m-%d}",
            )
    if open_invitation(session, survey, visitor) is not None:
        return True, ""
    history = load_histories(session, [customer.id], settings, at=now).get(customer.id, [])
    reason = window_reason(survey, now, settings, history, None)
    if reason:
        return False, reason.removeprefix("skipped: ")
    return True, ""


def new_embed_invitation(
    session: Session,
    survey: Survey,
    visitor: Visitor,
    *,
    now: datetime,
    settings: Settings,
    status: str = "sent",
    link: tuple[dict[str, str], str] | None = None,
) -> Display:
    """A new invitation of the widget, sent now (its day's response rate counts it). Another
    request that made one for the same customer at the same moment wins: its invitation is
    returned instead (the open-invitation index). Flushes."""
    columns, token = link or new_link(settings)
    row = {
        "survey_id": survey.id,
        "customer_id": visitor.customer.id,
        **columns,
        "status": status,
        "channel": "embed",
        "created_at": now,
        "sent_at": now,
        "expires_at": now + timedelta(days=survey.expire_days),
        "handled_by": handled_by(None, visitor.customer.attributes),
    }
    if status == "answered":
        row["answered_at"] = now
    landed = insert_invitations(session, [row])
    if not landed:  # the same token landed first (an anonymous answer's retry)
        same = select(Invitation).where(Invitation.token_hash == columns["token_hash"])
        return Display(session.scalars(same).one(), token)
    invitation = landed[0]
    if invitation.status == "skipped":  # lost the race: answer the one that won
        session.delete(invitation)
        winner = open_invitation(session, survey, visitor)
        if winner is not None:
            return Display(winner, invitation_token(winner, settings))
    mark_stale(session, [(survey.id, now.astimezone(UTC).date())])
    return Display(invitation, token)
