"""Staff sessions kept on the server: starting one at sign-in, finding the live one behind a
cookie, ending one or all of a user's.

Why a row per session rather than a server-side session store: the Flask session cookie stays
as it is (signed, carrying flashes and the CSRF secret), and only one value in it, a random
256-bit token, decides who is signed in. The database keeps just the token's SHA-256, so a
leaked table signs no one in. A session is live while its row exists, its ``expires_at``
(sign-in plus ``SESSION_HOURS``) is ahead on the domain clock and its user is active. Ending a
session deletes its row, so a copied cookie resolves no one afterwards: signing out ends that
one, deactivating a user or resetting their password ends all of theirs. Nothing is written
while a session is used (the lifetime counts from sign-in, there is no idle timeout), so a
request costs one indexed read. Expired rows are deleted at every sign-in.
"""

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.kernel.tokens import hash_token, new_token
from surveys.models import StaffSession, StaffUser

TOKEN_BYTES = 32


def start_session(session: Session, user: StaffUser, lifetime: timedelta) -> str:
    """Open a session for ``user`` that lasts ``lifetime``; returns its raw token, which exists
    only now (the caller puts it in the cookie).

    Also deletes every expired session of anyone. Flushes; the caller commits.
    """
    now = clock.now()
    session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    token = new_token(TOKEN_BYTES)
    session.add(
        StaffSession(
            token_hash=hash_token(token),
            staff_user_id=user.id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def find_signed_in(session: Session, token: str | None) -> StaffUser | None:
    """The active staff user whose live session ``token`` is, else None (no such session, ended,
    expired, or the user deactivated). Reads only."""
    if not token:
        return None
    return session.scalars(
        select(StaffUser)
        .join(StaffSession, StaffSession.staff_user_id == StaffUser.id)
        .where(
            StaffSession.token_hash == hash_token(token),
            StaffSession.expires_at > clock.now(),
            StaffUser.active.is_(True),
        )
    ).one_or_none()


def end_session(session: Session, token: str | None) -> None:
    """End the session ``token`` is (signing out); idempotent. Flushes; the caller commits."""
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))
        session.flush()


def end_all_sessions(session: Session, user: StaffUser) -> None:
    """End every session of ``user``, in every browser. Flushes; the caller commits."""
    session.execute(delete(StaffSession).where(StaffSession.staff_user_id == user.id))
    session.flush()


def end_other_sessions(session: Session, user: StaffUser, keep_token: str | None) -> None:
    """End every session of ``user`` except the one ``keep_token`` is (their own password
    change: the other browsers are signed out, this one stays). Flushes; the caller commits."""
    stmt = delete(StaffSession).where(StaffSession.staff_user_id == user.id)
    if keep_token:
        stmt = stmt.where(StaffSession.token_hash != hash_token(keep_token))
    session.execute(stmt)
    session.flush()
