"""Staff accounts: creating them, checking a password at sign-in, changing it.

Passwords are stored only as werkzeug's salted scrypt hash. Emails are kept lower-case so that
sign-in is case-insensitive and one address cannot be registered twice in two spellings.
"""

import functools
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from surveys.addresses import looks_like_email
from surveys.errors import ConflictError, ValidationError
from surveys.models import ROLES, StaffUser

MIN_PASSWORD_LENGTH = 10
# scrypt over a megabyte of "password" is a cheap way to burn a server's CPU.
MAX_PASSWORD_LENGTH = 1024


def normalize_email(email: str | None) -> str:
    """The form emails are stored and compared in: trimmed, lower-case."""
    return (email or "").strip().lower()


def validate_email(email: str | None) -> str:
    """The normalised address. :raises ValidationError: not shaped like name@host.tld."""
    email = normalize_email(email)
    if not looks_like_email(email):
        raise ValidationError("Enter a valid email address.", fields={"email": "invalid"})
    return email


def validate_password(password: str | None) -> str:
    """:raises ValidationError: shorter than 10 or longer than 1024 characters."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.",
            fields={"password": "too short"},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters.",
            fields={"password": "too long"},
        )
    return password


def find_staff(session: Session, email: str) -> StaffUser | None:
    """The staff user with this email, in any letter case."""
    return session.scalars(
        select(StaffUser).where(func.lower(StaffUser.email) == normalize_email(email))
    ).first()


def create_staff(
    session: Session,
    email: str,
    password: str,
    role: str = "admin",
    name: str | None = None,
) -> StaffUser:
    """Add an active staff user with a hashed password; flushes, the caller commits.

    :raises ValidationError: bad email shape, unknown role, or a password under 10 characters.
    :raises ConflictError: a staff user with this email exists.
    """
    email = validate_email(email)
    if role not in ROLES:
        raise ValidationError(
            f"The role must be one of: {', '.join(ROLES)}.", fields={"role": "unknown"}
        )
    password = validate_password(password)
    if find_staff(session, email) is not None:
        raise ConflictError(f"A staff user {email} exists already.", fields={"email": "taken"})
    user = StaffUser(
        email=email,
        name=(name or "").strip() or None,
        role=role,
        password_hash=generate_password_hash(password),
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active staff user whose email and password match, else None.

    Takes about the same time whether or not the email is known (a hash is checked either way),
    so the answer time does not tell which addresses have accounts. Inactive users are refused.
    """
    password = password or ""
    user = find_staff(session, email) if len(password) <= MAX_PASSWORD_LENGTH else None
    if user is None:
        check_password_hash(_dummy_hash(), password[:MAX_PASSWORD_LENGTH])
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


@functools.cache
def _dummy_hash() -> str:
    # Same algorithm and cost as real hashes, so a miss costs what a hit costs.
    return generate_password_hash(secrets.token_urlsafe(16))
