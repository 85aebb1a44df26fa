"""Customers: the people Kaiku asks, keyed by the integrator's own id."""

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, event, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.kernel.languages import MAX_LOCALE_LENGTH
from surveys.kernel.stages import STAGES  # noqa: F401  (the models' vocabulary)
from surveys.models.base import Base, utcnow

# The directory's search (surveys.reports.directory): ILIKE '%text%' on these columns, served on
# PostgreSQL by one trigram GIN index each (pg_trgm, a trusted extension since PostgreSQL 13).
# SQLite has no trigrams: there the same indexes are plain ones (the name sort uses its own).
SEARCHED_COLUMNS = ("name", "email", "external_id")


def _search_indexes() -> list[Index]:
    return [
        Index(
            f"ix_customers_{column}_search",
            column,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )
        for column in SEARCHED_COLUMNS
    ]


class Customer(Base):
    __tablename__ = "customers"
    __table_args__ = tuple(_search_indexes())

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(255))
    # Any BCP 47-like tag, as given (normalised); served in surveys.kernel.languages' choice.
    locale: Mapped[str] = mapped_column(String(MAX_LOCALE_LENGTH), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    stage: Mapped[str] = mapped_column(String(20), default="onboarding")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unsubscribed: Mapped[bool] = mapped_column(default=False)
    # The one record that stands for every anonymous answer of the embedded widget
    # (surveys.embed.identity): never emailed, listed, moved between stages or rescued.
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A hard bounce: the address does not take mail; cleared when the email address changes.
    bounced_at: Mapped[datetime | None]
    bounce_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Customer {self.external_id}>"


# A schema built from the models (tests, ``create_all``) needs the operator class first; the
# migration creates the extension the same way.
event.listen(
    Customer.__table__,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


class StageChange(Base):
    """One move of a customer's lifecycle stage, with what caused it."""

    __tablename__ = "stage_changes"
    __table_args__ = (Index("ix_stage_changes_customer_changed", "customer_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    # event, feedback, referral, rescue, api, import, admin
    cause: Mapped[str] = mapped_column(String(20))
    # Human-readable: the event's name, "detractor answer to <survey>", ...
    detail: Mapped[str | None] = mapped_column(String(300))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("responses.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()

    def __repr__(self) -> str:
        return f"<StageChange {self.from_stage}->{self.to_stage} ({self.cause})>"
