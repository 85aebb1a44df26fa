"""Staff users who sign in, their signed-in sessions, and API keys integrators call with."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow

ROLES = ("admin", "agent", "analyst")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The weekly digest email (surveys/reports/digest.py) goes only to those who asked for it.
    digest_opt_in: Mapped[bool] = mapped_column(default=False)
    # How dates and figures are written on their pages and digest (surveys/kernel/formatting.py).
    format_locale: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    # Flask-Login's protocol, written out so the domain does not import Flask-Login.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<StaffUser {self.email} {self.role}>"


class StaffSession(Base):
    """One signed-in browser of a staff user; the cookie carries the token, the row its hash.

    A session is live while its row exists and ``expires_at`` is ahead (see
    ``surveys/staff/sessions.py``): signing out, deactivation and a password reset delete rows.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)

    staff_user: Mapped[StaffUser] = relationship()

    def __repr__(self) -> str:
        return f"<StaffSession {self.id} of staff user {self.staff_user_id}>"


class WeeklyDigest(Base):
    """The weekly digest one staff member was sent for one week: the unique key that makes a
    re-run of the beat (or two at once) send nobody a second digest for the same week."""

    __tablename__ = "weekly_digests"
    __table_args__ = (UniqueConstraint("staff_user_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    # The Monday the digest's week began (UTC).
    week_start: Mapped[date]
    outbox_email_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_emails.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<WeeklyDigest {self.week_start} of staff user {self.staff_user_id}>"


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The first characters identify the key for look-up and display; only a hash of the whole
    # key is kept.
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    # What the key may do, as a staff role: admin (integrators: everything), agent, analyst.
    role: Mapped[str] = mapped_column(String(16), default="admin")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ApiKey {self.prefix} {self.name!r}>"
