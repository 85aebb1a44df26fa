"""The TOTP second factor of a staff account (RFC 6238, 30-second steps, 6 digits) and its
recovery codes.

Enrolling makes a pending secret (``begin_enrolment``); it counts only once the member has typed
one right code from their app (``confirm_enrolment``), which also makes ``RECOVERY_CODES``
single-use recovery codes, shown once and stored as SHA-256 hashes. A code is accepted one step
either side of now on the domain clock (phones drift), and never twice: the step of the last
accepted code is kept and a code of that step or an earlier one is refused. Disabling needs the
password and a code; an admin may reset a member's factor (they enrol again) and ends their
sessions.
"""

import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from surveys.kernel import clock
from surveys.kernel.errors import ConflictError, ValidationError
from surveys.kernel.tokens import hash_token
from surveys.models import RecoveryCode, StaffTotp, StaffUser
from surveys.staff.policy import totp_required
from surveys.staff.sessions import end_all_sessions

ISSUER = "Kaiku"
RECOVERY_CODES = 10
# Codes are read off a phone and typed: digits only, 6 of them; recovery codes 10 characters.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
DRIFT_STEPS = 1


def totp_of(session: Session, user: StaffUser) -> StaffTotp | None:
    """``user``'s TOTP row, pending or confirmed, or None."""
    return session.get(StaffTotp, user.id)


def has_totp(session: Session, user: StaffUser) -> bool:
    """Whether ``user`` signs in with a second factor (a confirmed secret)."""
    row = totp_of(session, user)
    return row is not None and row.confirmed_at is not None


def users_with_totp(session: Session) -> set[int]:
    """The ids of every staff member with a confirmed second factor (the staff list)."""
    return set(
        session.scalars(select(StaffTotp.staff_user_id).where(StaffTotp.confirmed_at.isnot(None)))
    )


def begin_enrolment(session: Session, user: StaffUser) -> StaffTotp:
    """A pending secret for ``user`` (the one pending already, if any); flushes.

    :raises ConflictError: ``user`` has a confirmed factor already.
    """
    row = totp_of(session, user)
    if row is not None and row.confirmed_at is not None:
        raise ConflictError("You have a second factor already.", fields={"code": "enrolled"})
    if row is None:
        row = StaffTotp(staff_user_id=user.id, secret=pyotp.random_base32(), created_at=clock.now())
        session.add(row)
        session.flush()
    return row


def provisioning_uri(user: StaffUser, row: StaffTotp) -> str:
    """The ``otpauth://`` URI an authenticator app reads (from the QR code, or typed)."""
    return pyotp.TOTP(row.secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm_enrolment(session: Session, user: StaffUser, code: str | None) -> list[str]:
    """Turn the pending secret on with a right ``code``; returns the new recovery codes, which
    exist only now. Flushes; the caller commits.

    :raises ValidationError: no pending secret, or the code is wrong (nothing changes).
    """
    row = totp_of(session, user)
    if row is None or row.confirmed_at is not None:
        raise ValidationError("Start setting up the second factor again.", fields={"code": "none"})
    step = _matching_step(row, code)
    if step is None:
        raise ValidationError(
            "That code is not right. Check the time on your phone and try the newest code.",
            fields={"code": "wrong"},
        )
    row.confirmed_at = clock.now()
    row.last_step = step
    return new_recovery_codes(session, user)


def new_recovery_codes(session: Session, user: StaffUser) -> list[str]:
    """Replace ``user``'s recovery codes with ``RECOVERY_CODES`` new ones; returns them (shown
    once). Flushes."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_user_id == user.id))
    codes = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)
    ]
    session.add_all(
        RecoveryCode(staff_user_id=user.id, code_hash=hash_token(code)) for code in codes
    )
    session.flush()
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def verify_second_factor(session: Session, user: StaffUser, code: str | None) -> bool:
    """Whether ``code`` is a right TOTP code of ``user``'s (not used before) or one of their
    unused recovery codes; a code accepted is spent. Flushes; the caller commits."""
    row = totp_of(session, user)
    if row is None or row.confirmed_at is None:
        return False
    step = _matching_step(row, code)
    if step is not None:
        # Conditional, so two requests with one code at once cannot both pass.
        spent = session.execute(
            update(StaffTotp)
            .where(
                StaffTotp.staff_user_id == user.id,
                (StaffTotp.last_step.is_(None)) | (StaffTotp.last_step < step),
            )
            .values(last_step=step)
            .execution_options(synchronize_session=False)
        )
        session.expire(row)
        return spent.rowcount == 1
    return _spend_recovery_code(session, user, code)


def remaining_recovery_codes(session: Session, user: StaffUser) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.staff_user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def disable_totp(session: Session, user: StaffUser, password: str | None, code: str | None) -> None:
    """Turn ``user``'s own second factor off, given their password and a code. Flushes.

    :raises ConflictError: the house requires a second factor of everyone.
    :raises ValidationError: the password or the code is wrong (nothing changes).
    """
    if totp_required(session):
        raise ConflictError(
            "Every staff member must have a second factor here: it cannot be turned off.",
            fields={"code": "required"},
        )
    password = password or ""
    if len(password) > 1024 or not check_password_hash(user.password_hash, password):
        raise ValidationError("Your password is not right.", fields={"password": "wrong"})
    if not verify_second_factor(session, user, code):
        raise ValidationError("That code is not right.", fields={"code": "wrong"})
    _remove(session, user)


def reset_totp(session: Session, user: StaffUser) -> None:
    """An admin's reset of ``user``'s second factor (a lost phone): secret and recovery codes go,
    every session of theirs ends, and they enrol again. Idempotent; flushes."""
    _remove(session, user)
    end_all_sessions(session, user)


def _remove(session: Session, user: StaffUser) -> None:
    session.execute(delete(StaffTotp).where(StaffTotp.staff_user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_user_id == user.id))
    session.flush()


def _matching_step(row: StaffTotp, code: str | None) -> int | None:
    """The time step ``code`` belongs to, within ``DRIFT_STEPS`` of now, and after the last code
    accepted; None when it matches none."""
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(row.secret)
    now_step = totp.timecode(clock.now())
    found = None
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    if found is None or (row.last_step is not None and found <= row.last_step):
        return None
    return found


def _spend_recovery_code(session: Session, user: StaffUser, code: str | None) -> bool:
    normal = "".join(char for char in (code or "").lower() if char.isalnum())
    if len(normal) != 10:
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.staff_user_id == user.id,
            RecoveryCode.code_hash == hash_token(normal),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return spent.rowcount == 1


def code_at(secret: str, moment: datetime) -> str:
    """The code an authenticator shows at ``moment`` (the demo and tests)."""
    return pyotp.TOTP(secret).at(moment)
