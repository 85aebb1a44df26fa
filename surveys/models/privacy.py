"""The audit of erasures: that a customer was erased, when, by whom and how many rows of each
kind went, and nothing about the person (see surveys.privacy.erasure)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow


class Erasure(Base):
    """One erasure. ``subject_hash`` is HMAC-SHA256(secret key, external id): it recognises a
    repeated request for the same id (a second DELETE answers 204, not 404) without holding
    the id; nobody without the app's secret key can test an id against it."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_hash: Mapped[str] = mapped_column(String(64), index=True)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who asked (surveys.kernel.actor): "staff" or "api_key", and their label as it was then.
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_label: Mapped[str | None] = mapped_column(String(320))
    # {"events": 3, "outbox_emails": 2, "responses_kept": 1, ...}: rows removed or kept.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<Erasure {self.id} at {self.erased_at:%Y-%m-%d}>"
