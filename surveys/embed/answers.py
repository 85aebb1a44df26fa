"""The widget's answer: the same one-response-per-invitation rule and idempotency as email.

Which invitation an answer belongs to, in order:

1. the display's token, when the widget sends it (the invitation ``open_display`` opened);
2. the customer's open invitation to the survey (an email one is answered here, not asked twice);
3. the customer's answer inside the survey's recontact window: a new answer replaces it, as a
   changed answer does on the email page (so a retry or a second tab stores one answer);
4. a new "embed" invitation.

The anonymous visitor's answers all belong to one customer record, so the widget sends an
``idempotency_key`` (random, one per display): the invitation's token is derived from it and its
hash is unique, so a double click or a retry lands on the same invitation and one response.
"""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.answers.recording import add_comment, record_answer, response_for
from surveys.delivery.invitations import find_invitation
from surveys.embed.identity import Visitor
from surveys.embed.visits import new_embed_invitation, open_invitation
from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.kernel.settings import Settings
from surveys.kernel.tokens import derive_token, hash_token
from surveys.models import Invitation, Response, Survey

MIN_KEY, MAX_KEY = 16, 64


def answer(
    session: Session,
    survey: Survey,
    visitor: Visitor,
    *,
    score: int | None,
    comment: str | None,
    display: str | None,
    idempotency_key: str | None,
    now: datetime,
    settings: Settings,
) -> tuple[Response, bool]:
    """Record the score (and the comment, when given) for ``visitor``; returns the response and
    whether it is new (False: an earlier answer changed).

    A call with a comment and no score adds the comment to the answer already given (the
    widget's second step). Registers processing after the commit; does not commit.

    :raises ValidationError: no score for a first answer, a bad score, a bad key.
    :raises NotFoundError: the display token is unknown or belongs to someone else.
    :raises InvitationExpiredError: that invitation closed.
    """
    if not survey.active:
        raise ValidationError("This survey is paused.", fields={"survey": "paused"})
    invitation = _invitation(
        session, survey, visitor, display, idempotency_key, score, now, settings
    )
    created = response_for(session, invitation) is None
    if score is not None:
        record_answer(session, invitation, score, channel="embed", identity=visitor.identity)
    elif created:
        raise ValidationError("Choose a score first.", fields={"score": "required"})
    if comment is not None:
        add_comment(session, invitation, comment)
    session.flush()
    response = response_for(session, invitation)
    if visitor.anonymous and response.processed_at is None:
        # The widget's language is all Kaiku knows of the person: the pipeline's hint for a
        # comment too short to detect (its own detection replaces it).
        response.language = visitor.language
    session.refresh(response)
    return response, created


def _invitation(
    session: Session,
    survey: Survey,
    visitor: Visitor,
    display: str | None,
    idempotency_key: str | None,
    score: int | None,
    now: datetime,
    settings: Settings,
) -> Invitation:
    if display:
        return display_invitation(session, survey, visitor, display)
    if visitor.anonymous:
        return _anonymous_invitation(session, survey, visitor, idempotency_key, now, settings)
    _lock_customer(session, survey, visitor)
    invitation = open_invitation(session, survey, visitor) or _recent_answer(
        session, survey, visitor, now
    )
    if invitation is not None:
        return invitation
    if score is None:
        raise ValidationError("Choose a score first.", fields={"score": "required"})
    return new_embed_invitation(session, survey, visitor, now=now, settings=settings).invitation


def display_invitation(
    session: Session, survey: Survey, visitor: Visitor, token: str, *, allow_expired: bool = False
) -> Invitation:
    """The invitation a display token opened, when it is this survey's and this visitor's.

    :raises NotFoundError: unknown, or someone else's. :raises InvitationExpiredError: closed
        (unless ``allow_expired``: a dismissal or a referral poll may name a closed one).
    """
    invitation = find_invitation(session, token, allow_expired=allow_expired)
    if invitation.survey_id != survey.id or invitation.customer_id != visitor.customer.id:
        raise NotFoundError("This display is not this customer's.", fields={"display": "unknown"})
    return invitation


def _recent_answer(
    session: Session, survey: Survey, visitor: Visitor, now: datetime
) -> Invitation | None:
    window = timedelta(days=max(survey.recontact_days or 0, 0))
    if not window:
        return None
    return session.scalars(
        select(Invitation)
        .join(Response, Response.invitation_id == Invitation.id)
        .where(
            Invitation.customer_id == visitor.customer.id,
            Invitation.survey_id == survey.id,
            Response.answered_at > now - window,
        )
        .order_by(Response.answered_at.desc())
        .limit(1)
    ).first()


def _lock_customer(session: Session, survey: Survey, visitor: Visitor) -> None:
    """Serialise one customer's widget answers to one survey on PostgreSQL, so two first answers
    racing (a double click that beat the widget's own guard) find each other's invitation.

    An advisory lock, not the customer's row: the worker's processing updates that row (a stage
    move) while it holds the response's, and a row lock here would close the circle. SQLite
    writes one transaction at a time already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = (survey.id << 32) | visitor.customer.id
    session.execute(select(func.pg_advisory_xact_lock(key)))


def _anonymous_invitation(
    session: Session,
    survey: Survey,
    visitor: Visitor,
    idempotency_key: str | None,
    now: datetime,
    settings: Settings,
) -> Invitation:
    key = (idempotency_key or "").strip()
    if not MIN_KEY <= len(key) <= MAX_KEY or not key.isascii() or not key.isprintable():
        raise ValidationError(
            f"An anonymous answer needs an idempotency_key of {MIN_KEY} to {MAX_KEY} characters.",
            fields={"idempotency_key": "required"},
        )
    nonce = hashlib.sha256(f"embed-anonymous:{survey.key}:{key}".encode()).hexdigest()[:32]
    token = derive_token(settings.token_secret, nonce)
    found = _by_token(session, token)
    if found is not None:
        return found
    link = ({"token_nonce": nonce, "token_hash": hash_token(token)}, token)
    made = new_embed_invitation(
        session, survey, visitor, now=now, settings=settings, status="answered", link=link
    )
    return made.invitation


def _by_token(session: Session, token: str) -> Invitation | None:
    return session.scalars(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).first()
