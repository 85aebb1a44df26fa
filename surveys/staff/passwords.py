"""Passwords a staff member looks after themselves: "forgot your password" by email, and changing
their own.

A reset link carries a random 256-bit token; the database keeps its SHA-256 only, so a leaked
table opens no account. A link works once, for ``RESET_TTL``; using it sets the new password
through ``accounts.reset_password`` (which ends every session of the member, as an admin's reset
does) and spends every other open link of theirs. Asking for a link answers the same whether or
not the address has an active account, and does the same work (a token is made and the email
rendered either way, ``surveys/mail/staff_emails.py``; only a known address gets the row and
the outbox email), so neither the answer nor its time tells who has an account.
"""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from surveys.kernel import clock
from surveys.kernel.errors import KaikuError, ValidationError
from surveys.kernel.tokens import hash_token, new_token
from surveys.models import PasswordResetToken, StaffUser
from surveys.staff.accounts import (
    MAX_PASSWORD_LENGTH,
    find_staff,
    reset_password,
    validate_password,
)
from surveys.staff.sessions import end_other_sessions

RESET_TTL = timedelta(hours=1)
TOKEN_BYTES = 32


class ResetLinkError(KaikuError):
    """The reset link is unknown, used already or expired: ask for a new one."""

    status = 400
    code = "reset_link_invalid"


def start_password_reset(session: Session, email: str | None) -> tuple[StaffUser | None, str]:
    """A reset link for the active staff member with this address: ``(member, raw token)``;
    ``(None, token)`` when no active account has it. The same work either way; only a member
    gets a row. The raw token exists only now: the caller emails it
    (``surveys.mail.staff_emails.queue_password_reset_email``, which renders either way) and
    shows one message whatever came back. Flushes; the caller commits.
    """
    user = find_staff(session, email or "") if email else None
    token = new_token(TOKEN_BYTES)
    token_hash = hash_token(token)
    if user is None or not user.active:
        return None, token
    now = clock.now()
    session.add(
        PasswordResetToken(
            token_hash=token_hash,
            staff_user_id=user.id,
            created_at=now,
            expires_at=now + RESET_TTL,
        )
    )
    session.flush()
    return user, token


def find_reset_link(session: Session, token: str | None) -> PasswordResetToken:
    """The live reset link ``token`` is. Reads only.

    :raises ResetLinkError: unknown, used already, expired, or its member deactivated.
    """
    row = None
    if token and len(token) <= 100:
        row = session.scalars(
            select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token))
        ).one_or_none()
    if row is None:
        raise ResetLinkError("This password reset link is not valid. Ask for a new one.")
    if row.used_at is not None:
        raise ResetLinkError("This password reset link has been used already. Ask for a new one.")
    if row.expires_at <= clock.now():
        raise ResetLinkError(
            "This password reset link has expired (links last an hour). Ask for a new one."
        )
    user = session.get(StaffUser, row.staff_user_id)
    if user is None or not user.active:
        raise ResetLinkError("This password reset link is not valid. Ask for a new one.")
    return row


def reset_with_link(session: Session, token: str | None, password: str | None) -> StaffUser:
    """Set a new password through a reset link, and spend the link (and every other open link of
    the member). Ends every session of theirs; signs no one in. Flushes; the caller commits.

    :raises ResetLinkError: the link is not live (nothing changes).
    :raises ValidationError: the password breaks the rules (nothing changes, the link stays).
    """
    row = find_reset_link(session, token)
    password = validate_password(password)
    user = session.get(StaffUser, row.staff_user_id)
    reset_password(session, user, password)
    session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.staff_user_id == user.id,
            PasswordResetToken.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return user


def change_own_password(
    session: Session, user: StaffUser, current: str | None, new: str | None, keep_token: str | None
) -> None:
    """Change ``user``'s password, given the current one; every other session of theirs ends,
    the one ``keep_token`` is stays. Flushes; the caller commits.

    :raises ValidationError: the current password is wrong, or the new one breaks the rules
        (nothing changes).
    """
    current = current or ""
    if len(current) > MAX_PASSWORD_LENGTH or not check_password_hash(user.password_hash, current):
        raise ValidationError(
            "Your current password is not right.", fields={"current_password": "wrong"}
        )
    new = validate_password(new)
    user.password_hash = generate_password_hash(new)
    session.flush()
    end_other_sessions(session, user, keep_token)
