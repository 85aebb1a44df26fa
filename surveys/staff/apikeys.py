"""API keys for integrators: random, shown once, stored as a prefix and a SHA-256 hash.

A raw key reads ``kk_<prefix>_<secret>``. The prefix (12 hex characters) finds the row and is
safe to display; the secret never leaves the response that created it.
"""

import re
import secrets
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from surveys.kernel import clock
from surveys.kernel.errors import ValidationError
from surveys.kernel.tokens import hash_token, new_token, same_hash
from surveys.models import ROLES, ApiKey

KEY_PATTERN = re.compile(r"kk_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})")
# last_used_at is a hint for admins ("is this key still in use?"), not an audit log: writing it
# on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_api_key(session: Session, name: str, role: str = "admin") -> tuple[ApiKey, str]:
    """Add a key named ``name`` with ``role``; returns the row and the raw key, which exists only
    now.

    The role limits what the key may do (see ``app/api/auth.py``): ``admin`` everything,
    ``agent`` reads and rescue-task changes, ``analyst`` reads only. Flushes; the caller commits
    and shows the raw key once.

    :raises ValidationError: an empty or overlong name, or an unknown role.
    """
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError(
            "An API key needs a name of 1 to 200 characters.", fields={"name": "1..200 characters"}
        )
    if role not in ROLES:
        raise ValidationError(
            f"An API key's role must be one of: {', '.join(ROLES)}.", fields={"role": "unknown"}
        )
    while True:
        prefix = secrets.token_hex(6)
        # 48 random bits: a clash is rare, but the prefix is unique, so draw again rather than fail.
        if session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is None:
            break
    raw = f"kk_{prefix}_{new_token(32)}"
    key = ApiKey(name=name, prefix=prefix, key_hash=hash_token(raw), role=role)
    session.add(key)
    session.flush()
    return key, raw


def verify_api_key(session: Session, raw: str | None) -> ApiKey | None:
    """The live key behind ``raw``, or None for a malformed, unknown or revoked key.

    Compares hashes in constant time. Marks the key used (at most once a minute, in one
    conditional UPDATE so concurrent calls do not race); the caller commits.
    """
    match = KEY_PATTERN.fullmatch(raw or "")
    if match is None:
        return None
    key = session.scalars(
        select(ApiKey).where(ApiKey.prefix == match.group(1), ApiKey.revoked_at.is_(None))
    ).one_or_none()
    if key is None or not same_hash(raw, key.key_hash):
        return None
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        session.execute(
            update(ApiKey)
            .where(
                ApiKey.id == key.id,
                or_(
                    ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_RESOLUTION
                ),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(key, "last_used_at", now)
    return key


def revoke_api_key(session: Session, key: ApiKey) -> ApiKey:
    """Revoke ``key`` from now on (idempotent); flushes, the caller commits."""
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        session.flush()
    return key
