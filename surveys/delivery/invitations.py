"""Invitations: create one with its secret link, and find it again from the link's token."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from surveys.delivery.eligibility import open_reason
from surveys.delivery.handlers import handled_by
from surveys.kernel import clock
from surveys.kernel.db import insert_for
from surveys.kernel.errors import (
    ConflictError,
    InvitationExpiredError,
    NotFoundError,
    ValidationError,
)
from surveys.kernel.settings import Settings
from surveys.kernel.tokens import derive_token, hash_token, new_nonce
from surveys.models import OPEN_STATUSES, Customer, Invitation, Survey

# Inserts of one batch: the first, then one for rows that met an open invitation (skipped now,
# or again as they were when it closed meanwhile); a third only under heavy churn.
_ATTEMPTS = 3


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # the only time the raw token exists; it is never stored

    def url(self, settings: Settings) -> str:
        return answer_url(settings, self.token)


def answer_url(settings: Settings, token: str, score: int | None = None) -> str:
    """The respondent's link; with ``score``, the link behind one email button."""
    url = f"{settings.base_url}/s/{token}"
    return url if score is None else f"{url}?score={score}"


def ensure_active(survey: Survey) -> None:
    """:raises ValidationError: the survey is paused; nobody is invited to it."""
    if not survey.active:
        raise ValidationError("This survey is paused.", fields={"survey": "paused"})


def create_invitation(
    session: Session,
    survey: Survey,
    customer: Customer,
    settings: Settings,
    *,
    channel: str = "email",
) -> NewInvitation:
    """Add a "pending" invitation of ``customer`` to ``survey`` with a fresh token; flushes.

    While the customer has an open invitation to the survey, the one added is "skipped" with
    the reason naming it (``insert_invitations``): its link is closed from the start.

    :raises ValidationError: the survey is paused.
    """
    ensure_active(survey)
    link, token = new_link(settings)
    row = {
        "survey_id": survey.id,
        "customer_id": customer.id,
        **link,
        "status": "pending",
        "channel": channel,
        "expires_at": clock.now() + settings.invitation_ttl,
        "handled_by": handled_by(None, customer.attributes),
    }
    (invitation,) = insert_invitations(session, [row])
    return NewInvitation(invitation, token)


def insert_invitations(
    session: Session, rows: Sequence[dict[str, Any]], *, cause: str | None = None
) -> list[Invitation]:
    """Insert invitation ``rows`` (column values) in one statement (and one more for rows that
    met a conflict); returns the added ones in id order. The caller commits.

    The database holds one open invitation per customer and survey: a row that would open a
    second one (made by another transaction since eligibility was decided, or by a path that
    does not decide it) is added as "skipped" with the reason naming the open one, ``cause``
    first (as ``invitation_row`` writes it). A row whose (event, rule) has its invitation
    already adds nothing (re-evaluation of an event).

    :raises ConflictError: rows still met a conflict after a few tries (invitations opened
        and closed under them); the caller rolls back.
    """
    if not rows:
        return []
    added: list[Invitation] = []
    todo = list(rows)
    stmt = insert_for(session, Invitation).on_conflict_do_nothing().returning(Invitation)
    for _ in range(_ATTEMPTS):
        landed = list(session.scalars(stmt, todo))
        added += landed
        hashes = {invitation.token_hash for invitation in landed}
        # A skipped row that did not land had its (event, rule) taken: nothing to retry.
        lost = [r for r in todo if r["token_hash"] not in hashes and r["status"] in OPEN_STATUSES]
        todo = _retry_rows(session, lost, cause)
        if not todo:
            return sorted(added, key=lambda invitation: invitation.id)
    raise ConflictError("The customer's invitations changed while inviting; try again.")


def _retry_rows(
    session: Session, rows: list[dict[str, Any]], cause: str | None
) -> list[dict[str, Any]]:
    """What to insert again of the open ``rows`` that did not land: nothing for a row whose
    (event, rule) has its invitation; "skipped" for one that met an open invitation; the row
    unchanged when that invitation closed meanwhile."""
    if not rows:
        return []
    pairs = {(row["customer_id"], row["survey_id"]) for row in rows}
    found = session.execute(
        select(
            Invitation.customer_id, Invitation.survey_id, Invitation.id, Invitation.status
        ).where(
            tuple_(Invitation.customer_id, Invitation.survey_id).in_(pairs),
            Invitation.status.in_(OPEN_STATUSES),
        )
    )
    open_ones = {(customer, survey): (id_, status) for customer, survey, id_, status in found}
    evaluated = evaluated_pairs(session, {row["event_id"] for row in rows if row.get("event_id")})
    retry = []
    for row in rows:
        if (row.get("event_id"), row.get("trigger_rule_id")) in evaluated:
            continue
        kept = open_ones.get((row["customer_id"], row["survey_id"]))
        if kept is not None:
            row = row | {
                "status": "skipped",
                "reason": with_cause(cause, open_reason(*kept)),
                "scheduled_for": None,
                "expires_at": row.get("scheduled_for") or clock.now(),
            }
        retry.append(row)
    return retry


def evaluated_pairs(session: Session, event_ids: set[int]) -> set[tuple[int, int]]:
    """The (event id, rule id) pairs of ``event_ids`` that have their invitation (or skip)."""
    if not event_ids:
        return set()
    rows = session.execute(
        select(Invitation.event_id, Invitation.trigger_rule_id).where(
            Invitation.event_id.in_(event_ids)
        )
    )
    return {(event_id, rule_id) for event_id, rule_id in rows}


def with_cause(cause: str | None, reason: str | None) -> str | None:
    """An invitation's reason with the few words on why it was made first, at most 300 chars."""
    if cause:
        reason = f"{cause}; {reason}" if reason else cause
    return reason[:300] if reason else None


def new_link(settings: Settings) -> tuple[dict[str, str], str]:
    """A fresh link for an invitation: its columns (``token_nonce``, ``token_hash``) and the raw
    token, which is never stored (``invitation_token`` rebuilds it from the nonce)."""
    nonce = new_nonce()
    token = derive_token(settings.token_secret, nonce)
    return {"token_nonce": nonce, "token_hash": hash_token(token)}, token


def invitation_token(invitation: Invitation, settings: Settings) -> str | None:
    """The raw link token of ``invitation``, rebuilt from its nonce; None for an old link made
    before nonces (its token was random and exists nowhere now)."""
    if invitation.token_nonce is None:
        return None
    return derive_token(settings.token_secret, invitation.token_nonce)


def find_invitation(session: Session, token: str, *, allow_expired: bool = False) -> Invitation:
    """The invitation behind a link token.

    :raises NotFoundError: no such token.
    :raises InvitationExpiredError: the invitation expired unanswered, or was skipped (a
        skipped invitation was never sent and is closed from the start: never answerable).
    """
    if not token or len(token) > 128:
        raise NotFoundError("This link is not valid.")
    invitation = session.scalars(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).one_or_none()
    if invitation is None:
        raise NotFoundError("This link is not valid.")
    closed = invitation.status in ("expired", "skipped", "dismissed")
    expired = closed or invitation.expires_at < clock.now()
    if expired and not allow_expired:
        raise InvitationExpiredError("This survey has closed.")
    return invitation
