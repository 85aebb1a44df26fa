"""What keeps staff accounts safe beyond the password: single-use reset links, the TOTP second
factor with its recovery codes, and the house rule whether everyone must have one."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow


class PasswordResetToken(Base):
    """A "forgot your password" link: the email carries the token, the row only its SHA-256.

    Valid until ``expires_at`` and only while ``used_at`` is empty (see
    ``surveys/staff/passwords.py``).
    """

    __tablename__ = "staff_password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<PasswordResetToken {self.id} of staff user {self.staff_user_id}>"


class StaffTotp(Base):
    """A staff member's TOTP secret: pending until ``confirmed_at`` (they typed one right code),
    then asked at every sign-in. ``last_step`` is the time step of the last code accepted, so
    no code works twice."""

    __tablename__ = "staff_totp"

    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    # Base32, as authenticator apps read it; it must be readable to check codes, so not hashed.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    last_step: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<StaffTotp of staff user {self.staff_user_id}>"


class RecoveryCode(Base):
    """One single-use recovery code for signing in without the authenticator; only its hash."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class StaffPolicy(Base):
    """House rules for staff accounts, one row (id 1), changed by admins on the staff page."""

    __tablename__ = "staff_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    require_totp: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
