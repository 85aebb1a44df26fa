"""The embedded widget: a survey's embed settings, its signing secrets, what each visitor saw.

A survey is embeddable once it has a ``SurveyEmbed`` row (made on first use, with no allowed
origin: nothing can embed it until an admin names one). Its answers are ordinary responses with
``channel = "embed"`` (``surveys.embed.answers``).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow

EMBED_MODES = ("report_only", "enforce")
TRIGGER_TYPES = ("load", "delay", "visits", "event", "url")
# Why an identity was (or, in report-only mode, would have been) refused.
REFUSAL_REASONS = (
    "unsigned",
    "bad_signature",
    "expired",
    "unknown_key",
    "no_customer",
)


def default_triggers() -> list[dict[str, Any]]:
    return [{"type": "load"}]


class SurveyEmbed(Base):
    __tablename__ = "survey_embeds"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    # Exact origins ("https://app.example.com", "http://localhost:8080"): scheme, host, port.
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Answers without a customer id, from anyone on an allowed origin (rate-limited).
    anonymous: Mapped[bool] = mapped_column(default=False)
    # report_only: an identity that fails verification is logged and let through, marked
    # "unverified"; enforce: it is refused and nothing is stored.
    mode: Mapped[str] = mapped_column(String(16), default="enforce")
    # [{"type": "load"}, {"type": "delay", "seconds": 20}, {"type": "visits", "count": 3},
    #  {"type": "event", "name": "upgraded"}, {"type": "url", "pattern": "/billing/*"}]:
    # the widget opens when any one fires. Replaced as a whole on change.
    triggers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=default_triggers)
    # A dismissal keeps the widget away from that customer for this many days.
    dismiss_days: Mapped[int] = mapped_column(default=30)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<SurveyEmbed {self.survey_id} {self.mode}>"


class EmbedSecret(Base):
    """A signing secret of a survey's embed. The current one has no ``retires_at``; a rotated
    one stays valid until its ``retires_at`` (the grace period)."""

    __tablename__ = "embed_secrets"
    __table_args__ = (Index("ix_embed_secrets_survey", "survey_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    # Public: the company's backend may name it (data-key-id) to say which secret signed.
    key_id: Mapped[str] = mapped_column(String(24), unique=True)
    # The HMAC key itself: a verifier needs it, so it cannot be stored hashed. It is shown once
    # when made and never served again (not by the API, the admin pages or the widget).
    secret: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(320))
    retires_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<EmbedSecret {self.key_id}>"


class EmbedVisitor(Base):
    """What one customer did with one survey's widget: visits, when it was shown, dismissals."""

    __tablename__ = "embed_visitors"
    __table_args__ = (PrimaryKeyConstraint("survey_id", "customer_id"),)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # A visit is a page load more than half an hour after the last one (surveys.embed.visits).
    visits: Mapped[int] = mapped_column(default=0)
    last_seen_at: Mapped[datetime | None]
    shown_at: Mapped[datetime | None]
    dismissals: Mapped[int] = mapped_column(default=0)
    dismissed_at: Mapped[datetime | None]


class EmbedRefusal(Base):
    """An identity the widget refused, or in report-only mode would have refused: the admin's
    evidence before switching enforcement on."""

    __tablename__ = "embed_refusals"
    __table_args__ = (Index("ix_embed_refusals_survey_at", "survey_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(String(24))
    # False in report-only mode: logged, let through as "unverified".
    enforced: Mapped[bool] = mapped_column(default=True)
    origin: Mapped[str | None] = mapped_column(String(200))
    # The customer id the page claimed (truncated), so the integrator can find the page at fault.
    claimed_customer: Mapped[str | None] = mapped_column(String(80))
