"""Replies: a staff member's email to a respondent written from the customer's page, outside
any rescue task (a thank-you to a promoter, a question to a passive)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow
from surveys.models.customers import Customer
from surveys.models.outbox import OutboxEmail
from surveys.models.responses import Response
from surveys.models.staff import StaffUser


class CustomerReply(Base):
    """One reply sent: who wrote it, to which answer (if any), its subject and its outbox row.

    The body lives in the outbox row only (as sent); ``sender_label`` keeps the sender's
    address as it was, so the timeline names them after their account is gone.
    """

    __tablename__ = "customer_replies"
    __table_args__ = (
        # The customer's timeline, newest first.
        Index("ix_customer_replies_customer_created", "customer_id", "created_at"),
        # The per-sender rate limit: one member's replies in the last hour.
        Index("ix_customer_replies_sender_created", "sender_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    sender_label: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    to_address: Mapped[str] = mapped_column(String(320))
    outbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_emails.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()
    response: Mapped[Response | None] = relationship()
    sender: Mapped[StaffUser | None] = relationship()
    outbox: Mapped[OutboxEmail | None] = relationship()

    def __repr__(self) -> str:
        return f"<CustomerReply {self.id} to customer {self.customer_id}>"
