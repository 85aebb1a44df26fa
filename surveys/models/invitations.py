"""Invitations: one customer asked one survey, reachable by a secret link token."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow
from surveys.models.catalog import Survey
from surveys.models.customers import Customer

# pending: link made, nothing sent; queued: email in the outbox; sent: handed to SMTP;
# answered: a response exists; expired: past expires_at without an answer.
INVITATION_STATUSES = ("pending", "queued", "sent", "answered", "expired")


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_customer_survey", "customer_id", "survey_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # Only the SHA-256 of the link token is kept: a database leak does not leak answerable links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    channel: Mapped[str] = mapped_column(String(16), default="email")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]

    survey: Mapped[Survey] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.status}>"
