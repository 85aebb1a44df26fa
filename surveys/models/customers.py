"""Customers: the people Kaiku asks, keyed by the integrator's own id."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow

LOCALES = ("en", "fi")
STAGES = ("onboarding", "active", "loyal", "advocate", "at_risk", "churned")


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(255), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    stage: Mapped[str] = mapped_column(String(20), default="onboarding")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unsubscribed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Customer {self.external_id}>"
