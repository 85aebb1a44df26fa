"""Rescue tasks: a detractor's answer turned into work with an owner and a due time."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow
from surveys.models.customers import Customer
from surveys.models.responses import Response
from surveys.models.staff import StaffUser

RESCUE_STATUSES = ("open", "in_progress", "contacted", "resolved")
PRIORITIES = ("high", "normal")


class RescueTask(Base):
    __tablename__ = "rescue_tasks"
    __table_args__ = (Index("ix_rescue_tasks_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One task per response: processing a response twice cannot open a second one.
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), unique=True
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    due_at: Mapped[datetime]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")
    assignee: Mapped[StaffUser | None] = relationship()

    def is_overdue(self, now: datetime) -> bool:
        return self.status != "resolved" and self.due_at < now

    def __repr__(self) -> str:
        return f"<RescueTask {self.id} {self.status} {self.priority}>"
