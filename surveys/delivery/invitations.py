"""Invitations: create one with its secret link, and find it again from the link's token."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.delivery.handlers import handled_by
from surveys.kernel import clock
from surveys.kernel.errors import InvitationExpiredError, NotFoundError, ValidationError
from surveys.kernel.settings import Settings
from surveys.kernel.tokens import derive_token, hash_token, new_nonce
from surveys.models import Customer, Invitation, Survey


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
    """Add an invitation of ``customer`` to ``survey`` with a fresh token; flushes.

    :raises ValidationError: the survey is paused.
    """
    ensure_active(survey)
    link, token = new_link(settings)
    invitation = Invitation(
        survey=survey,
        customer=customer,
        **link,
        channel=channel,
        expires_at=clock.now() + settings.invitation_ttl,
        handled_by=handled_by(None, customer.attributes),
    )
    session.add(invitation)
    session.flush()
    return NewInvitation(invitation, token)


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
    expired = invitation.status in ("expired", "skipped") or invitation.expires_at < clock.now()
    if expired and not allow_expired:
        raise InvitationExpiredError("This survey has closed.")
    return invitation
