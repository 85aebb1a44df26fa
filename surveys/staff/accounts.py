"""Staff accounts: creating them, checking a password at sign-in, changing role, name,
password and whether they may sign in at all.

Passwords are stored only as werkzeug's salted scrypt hash (werkzeug's current default cost);
a hash made with older settings is replaced at the next successful sign-in. Emails are kept
lower-case so that sign-in is case-insensitive and one address cannot be registered twice in two
spellings. There is always at least one active admin: no change may remove the last one.
Deactivating a user or resetting their password ends all their sessions (``sessions.py``).
"""

import functools
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from surveys.kernel import clock
from surveys.kernel.addresses import email_address
from surveys.kernel.errors import ConflictError, Problems, ValidationError
from surveys.kernel.formatting import FORMAT_LOCALES
from surveys.models import ROLES, RescueTask, StaffUser
from surveys.staff.sessions import end_all_sessions

MIN_PASSWORD_LENGTH = 10
# scrypt over a megabyte of "password" is a cheap way to burn a server's CPU.
MAX_PASSWORD_LENGTH = 1024
MAX_NAME_LENGTH = 200
# Statuses of rescue work still on someone's desk.
OPEN_TASK_STATUSES = ("open", "in_progress", "contacted")


def normalize_email(email: str | None) -> str:
    """The form emails are stored and compared in: trimmed, lower-case."""
    return (email or "").strip().lower()


def validate_email(email: str | None) -> str:
    """The normalised address. :raises ValidationError: not an email address (``email_address``)."""
    address = email_address(normalize_email(email))
    if address is None:
        raise ValidationError("Enter a valid email address.", fields={"email": "invalid"})
    return address


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
    problems = Problems()  # every bad field at once
    email = problems.check(validate_email, email)
    role = problems.check(validate_role, role)
    name = problems.check(validate_name, name)
    password = problems.check(validate_password, password)
    problems.raise_any("The staff user is not valid.")
    if find_staff(session, email) is not None:
        raise ConflictError(f"A staff user {email} exists already.", fields={"email": "taken"})
    user = StaffUser(
        email=email,
        name=name,
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
    if _hash_settings(user.password_hash) != _hash_settings(_dummy_hash()):
        # Only now is the plain password at hand: upgrade an old hash to today's settings.
        user.password_hash = generate_password_hash(password)
    return user


def record_sign_in(session: Session, user: StaffUser) -> None:
    """Note the time ``user`` signed in (shown to admins); flushes, the caller commits."""
    user.last_login_at = clock.now()
    session.flush()


def validate_role(role: str | None) -> str:
    """:raises ValidationError: not one of admin, agent, analyst."""
    if role not in ROLES:
        raise ValidationError(
            f"The role must be one of: {', '.join(ROLES)}.", fields={"role": "unknown"}
        )
    return role


def validate_name(name: str | None) -> str | None:
    """The trimmed name, None when blank. :raises ValidationError: over 200 characters."""
    name = (name or "").strip()
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"The name may have at most {MAX_NAME_LENGTH} characters.", fields={"name": "too long"}
        )
    return name or None


def update_staff(session: Session, user: StaffUser, *, name: str | None, role: str) -> StaffUser:
    """Set ``user``'s name and role; flushes, the caller commits.

    :raises ValidationError: unknown role or overlong name.
    :raises ConflictError: the change would leave no active admin.
    """
    role = validate_role(role)
    name = validate_name(name)
    if user.role == "admin" and role != "admin" and user.active:
        _keep_an_admin(session, user, "change the role of")
    user.name = name
    user.role = role
    session.flush()
    return user


def deactivate_staff(session: Session, user: StaffUser) -> StaffUser:
    """Stop ``user`` from signing in, and end every session of theirs.

    Idempotent; flushes, the caller commits. Their rescue tasks stay assigned to them.

    :raises ConflictError: ``user`` is the last active admin.
    """
    if user.active:
        if user.role == "admin":
            _keep_an_admin(session, user, "deactivate")
        user.active = False
        session.flush()
    end_all_sessions(session, user)
    return user


def reactivate_staff(session: Session, user: StaffUser) -> StaffUser:
    """Let a deactivated ``user`` sign in again with their password; idempotent, flushes."""
    if not user.active:
        user.active = True
        session.flush()
    return user


def generate_password() -> str:
    """A random temporary password: 16 URL-safe characters (96 random bits)."""
    return secrets.token_urlsafe(12)


def reset_password(session: Session, user: StaffUser, password: str | None = None) -> str:
    """Give ``user`` a new password: ``password``, or a generated one when None.

    Returns the new password so the caller can show it once (it is stored only as a hash).
    Ends every session of ``user``, signed in with the old one. Flushes, the caller commits.

    :raises ValidationError: a given password shorter than 10 or longer than 1024 characters.
    """
    password = generate_password() if password is None else validate_password(password)
    user.password_hash = generate_password_hash(password)
    session.flush()
    end_all_sessions(session, user)
    return password


@dataclass(frozen=True)
class StaffRow:
    """A staff user as the staff list shows them, with the rescue tasks open on their desk."""

    user: StaffUser
    open_tasks: int


def list_staff(session: Session) -> list[StaffRow]:
    """Every staff user, active ones first, then by email, with their open task counts."""
    open_counts = (
        select(RescueTask.assignee_id, func.count().label("n"))
        .where(RescueTask.status.in_(OPEN_TASK_STATUSES))
        .group_by(RescueTask.assignee_id)
        .subquery()
    )
    rows = session.execute(
        select(StaffUser, func.coalesce(open_counts.c.n, 0))
        .outerjoin(open_counts, open_counts.c.assignee_id == StaffUser.id)
        .order_by(StaffUser.active.desc(), StaffUser.email)
    ).all()
    return [StaffRow(user, int(count)) for user, count in rows]


def count_open_tasks(session: Session, user: StaffUser) -> int:
    """How many unresolved rescue tasks are assigned to ``user``."""
    return session.scalar(
        select(func.count())
        .select_from(RescueTask)
        .where(RescueTask.assignee_id == user.id, RescueTask.status.in_(OPEN_TASK_STATUSES))
    )


def _keep_an_admin(session: Session, user: StaffUser, action: str) -> None:
    """:raises ConflictError: no other active admin than ``user`` exists."""
    others = session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == "admin", StaffUser.active.is_(True), StaffUser.id != user.id)
    )
    if not others:
        raise ConflictError(
            f"You cannot {action} the last active admin: make someone else an admin first.",
            fields={"role": "last admin"},
        )


def _hash_settings(password_hash: str) -> str:
    # "scrypt:32768:8:1$salt$hash" -> "scrypt:32768:8:1"
    return password_hash.split("$", 1)[0]


@functools.cache
def _dummy_hash() -> str:
    # Same algorithm and cost as real hashes, so a miss costs what a hit costs.
    return generate_password_hash(secrets.token_urlsafe(16))


def set_digest_opt_in(session: Session, user: StaffUser, opted_in: bool) -> None:
    """Whether ``user`` gets the weekly digest email (their own choice, on their account page).
    Flushes; the caller commits."""
    user.digest_opt_in = bool(opted_in)
    session.flush()


def set_format_locale(session: Session, user: StaffUser, locale: str) -> None:
    """How dates and figures are written for ``user`` ("en", "fi" or "sv"; their own choice).
    Flushes; the caller commits.

    :raises ValidationError: for any other value; nothing changes.
    """
    if locale not in FORMAT_LOCALES:
        raise ValidationError(
            "Choose English, Finnish or Swedish format.", fields={"format_locale": "unknown"}
        )
    user.format_locale = locale
    session.flush()
