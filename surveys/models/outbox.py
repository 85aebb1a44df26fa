"""The outbox: every email Kaiku sends, recorded before it is handed to SMTP."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow

# queued: waiting for the sender; sending: claimed by a worker; sent: accepted by SMTP;
# logged: recorded only, no SMTP configured; failed: gave up after retries.
OUTBOX_STATUSES = ("queued", "sending", "sent", "logged", "failed")


class OutboxEmail(Base):
    __tablename__ = "outbox_emails"
    __table_args__ = (Index("ix_outbox_emails_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), index=True
    )
    # A follow-up, escalation or assignment email about a rescue task.
    rescue_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("rescue_tasks.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(320))
    from_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a worker last claimed it for sending: a claim much older than that is a dead worker.
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} {self.kind} {self.status}>"
