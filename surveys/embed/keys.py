"""Embed signing secrets: made and shown once, rotated with a grace period, never served again."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from surveys.kernel import clock
from surveys.models import EmbedSecret, Survey

SECRET_PREFIX = "kes_"
KEY_PREFIX = "ek_"
DEFAULT_GRACE = timedelta(days=7)
MAX_GRACE = timedelta(days=90)


@dataclass(frozen=True)
class NewSecret:
    key_id: str
    secret: str  # the only time it is handed out
    created_at: datetime
    retiring: list[tuple[str, datetime]]  # older keys and when they stop being valid


def create_secret(
    session: Session, survey: Survey, *, by: str | None, grace: timedelta = DEFAULT_GRACE
) -> NewSecret:
    """A new current secret for ``survey``'s embed; the keys valid until now retire after
    ``grace`` (zero: at once). Flushes; the caller commits."""
    now = clock.now()
    grace = min(max(grace, timedelta(0)), MAX_GRACE)
    retiring = []
    for older in valid_keys(session, survey.id, now):
        ends = now + grace
        older.retires_at = ends if older.retires_at is None else min(older.retires_at, ends)
        retiring.append((older.key_id, older.retires_at))
    key = EmbedSecret(
        survey_id=survey.id,
        key_id=KEY_PREFIX + secrets.token_hex(6),
        secret=SECRET_PREFIX + secrets.token_urlsafe(32),
        created_at=now,
        created_by=by,
    )
    session.add(key)
    session.flush()
    return NewSecret(key.key_id, key.secret, now, retiring)


def valid_keys(session: Session, survey_id: int, now: datetime) -> list[EmbedSecret]:
    """The survey's secrets that verify a signature at ``now``, newest first."""
    return list(
        session.scalars(
            select(EmbedSecret)
            .where(
                EmbedSecret.survey_id == survey_id,
                or_(EmbedSecret.retires_at.is_(None), EmbedSecret.retires_at > now),
            )
            .order_by(EmbedSecret.created_at.desc(), EmbedSecret.id.desc())
        )
    )


def key_listing(session: Session, survey_id: int) -> list[EmbedSecret]:
    """Every key of the survey, newest first (admin page: key id and dates, no secret)."""
    return list(
        session.scalars(
            select(EmbedSecret)
            .where(EmbedSecret.survey_id == survey_id)
            .order_by(EmbedSecret.created_at.desc(), EmbedSecret.id.desc())
        )
    )
