"""Rescue tasks: a detractor's answer turned into work with an owner, a due time and a history."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow
from surveys.models.customers import Customer
from surveys.models.responses import Response
from surveys.models.staff import ApiKey, StaffUser

RESCUE_STATUSES = ("open", "in_progress", "contacted", "resolved")
PRIORITIES = ("high", "normal")
# The agent's outcome (how the talk ended, in the agent's view) and the measured win-back (what
# the customer did next) have distinct names: "satisfied" is the agent's word, "won_back" only
# ever the customer's next answer or renewal (surveys/rescue/winback.py).
OUTCOMES = ("satisfied", "lost", "no_reply", "not_actionable")
# Old outcome names still accepted (the API, before migration c4e8a2f6b1d3 renamed the stored
# value) and read as the new one.
OUTCOME_ALIASES = {"won_back": "satisfied"}
# pending: resolved, waiting for the customer's next answer or a renewal; won_back; not_won_back:
# the next answer was below 7.
WINBACK_STATES = ("pending", "won_back", "not_won_back")


class RescueTask(Base):
    __tablename__ = "rescue_tasks"
    __table_args__ = (
        Index("ix_rescue_tasks_status_due", "status", "due_at"),
        Index("ix_rescue_tasks_assignee_status", "assignee_id", "status"),
    )

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
    # Who handled the customer when the survey was sent (an event property or attribute), if known.
    handled_by: Mapped[str | None] = mapped_column(String(320))
    outcome: Mapped[str | None] = mapped_column(String(20))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    first_contact_at: Mapped[datetime | None]
    # Recorded at first contact: was it before due_at?
    sla_met: Mapped[bool | None]
    escalated_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # Win-back: the re-survey sent after resolution, and what the customer's next move showed.
    winback: Mapped[str | None] = mapped_column(String(16))
    winback_at: Mapped[datetime | None]
    resurvey_invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")
    assignee: Mapped[StaffUser | None] = relationship()
    notes: Mapped[list["RescueNote"]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="RescueNote.id"
    )
    history: Mapped[list["RescueTaskEvent"]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="RescueTaskEvent.id"
    )

    def is_overdue(self, now: datetime) -> bool:
        """Past due with no contact made yet: the SLA is about reaching the customer."""
        return self.first_contact_at is None and self.status != "resolved" and self.due_at < now

    def __repr__(self) -> str:
        return f"<RescueTask {self.id} {self.status} {self.priority}>"


class RescueNote(Base):
    """An internal note on a task: never shown to the customer."""

    __tablename__ = "rescue_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("rescue_tasks.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    # Who wrote it (surveys.kernel.actor): "staff" or "api_key", their key and label as written.
    author_kind: Mapped[str] = mapped_column(String(16))
    author_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="SET NULL")
    )
    author_label: Mapped[str | None] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[RescueTask] = relationship(back_populates="notes")
    author: Mapped[StaffUser | None] = relationship(lazy="joined")


class RescueTaskEvent(Base):
    """One change to a task (created, assigned, status, note, follow-up, escalated, win-back),
    by a staff user, an API key or Kaiku itself (``actor_kind``, see surveys.kernel.actor)."""

    __tablename__ = "rescue_task_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(
        ForeignKey("rescue_tasks.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    # What history shows for the actor, as it was then: a name, "API key <name>" or "Kaiku".
    actor_label: Mapped[str | None] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(32))
    # {"from": "open", "to": "in_progress"}, {"assignee": "a@b"}, {"outbox_id": 7}, ...
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    task: Mapped[RescueTask] = relationship(back_populates="history")
    actor: Mapped[StaffUser | None] = relationship(lazy="joined")
    actor_key: Mapped[ApiKey | None] = relationship(lazy="joined")
