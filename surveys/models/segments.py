"""Segments: the customer attributes an admin marks as worth slicing the dashboard by."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow


class SegmentAttribute(Base):
    """One attribute name (``Customer.attributes`` key: plan, country, industry...)."""

    __tablename__ = "segment_attributes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
