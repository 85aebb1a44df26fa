"""Invitations: one customer asked one survey, reachable by a secret link token."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow
from surveys.models.catalog import Survey
from surveys.models.customers import Customer

# scheduled: waiting for scheduled_for (a trigger's delay, or postponed by quiet hours);
# skipped: not eligible, never sent (see reason); pending: link made, nothing sent (link channel);
# queued: email in the outbox; sent: handed to SMTP; answered: a response exists;
# expired: past expires_at without an answer; dismissed: the embedded widget was closed unanswered.
INVITATION_STATUSES = (
    "scheduled", "skipped", "pending", "queued", "sent", "answered", "expired", "dismissed",
)  # fmt: skip
# Statuses that count as an open invitation: the customer could still be asked or answer.
OPEN_STATUSES = ("scheduled", "pending", "queued", "sent")
# The partial unique index's condition; its migration spells the same statuses out.
OPEN_WHERE = column("status").in_(OPEN_STATUSES)


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (
        Index("ix_invitations_customer_survey", "customer_id", "survey_id"),
        # The dispatcher's scan: due scheduled invitations.
        Index("ix_invitations_status_scheduled", "status", "scheduled_for"),
        # The rollups' recount of one survey's sends on one day (surveys.reports.rollups).
        Index("ix_invitations_survey_sent", "survey_id", "sent_at"),
        # One invitation (or one recorded skip) per event and rule: re-evaluation adds nothing.
        UniqueConstraint("event_id", "trigger_rule_id", name="uq_invitations_event_rule"),
        # One open invitation per customer and survey, whatever made it and however many
        # requests race: a second insert conflicts (surveys/delivery/invitations.py records it
        # skipped instead).
        Index(
            "uq_invitations_open_customer_survey",
            "customer_id",
            "survey_id",
            unique=True,
            postgresql_where=OPEN_WHERE,
            sqlite_where=OPEN_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # Only the SHA-256 of the link token is kept: a database leak does not leak answerable links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token is HMAC(secret key, nonce): the link can be rebuilt for a reminder or the API
    # by the app, never from the database alone. None for links made before nonces existed.
    token_nonce: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    channel: Mapped[str] = mapped_column(String(16), default="email")
    # What caused it: a trigger rule firing on an event, or None (the API, a win-back re-survey).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    trigger_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("trigger_rules.id", ondelete="SET NULL")
    )
    # Why it is in its status, in words: "skipped: unsubscribed", "postponed: quiet hours ..."
    reason: Mapped[str | None] = mapped_column(String(300))
    # Who handled the customer when it went out (surveys/handlers.py), for the rescue task.
    handled_by: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    scheduled_for: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]

    survey: Mapped[Survey] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.status}>"
