"""The company's brand: how Kaiku speaks as the company that runs it, not as itself.

One table holds both the house brand (``survey_id`` NULL, one row) and per-survey overrides (one
row per survey). In an override a NULL field means "the house's". What a customer sees is the
two merged (``surveys.brand.resolve``).
"""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow


class Brand(Base):
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL: the house brand; else this survey's overrides.
    survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), unique=True
    )
    company_name: Mapped[str | None] = mapped_column(String(120))
    # The re-encoded image (never the upload itself), its type and SHA-256 (its URL).
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(32))
    logo_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    primary_color: Mapped[str | None] = mapped_column(String(7))
    sender_name: Mapped[str | None] = mapped_column(String(120))
    sender_address: Mapped[str | None] = mapped_column(String(320))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    postal_address: Mapped[str | None] = mapped_column(Text)
    # {category: {language: message}} for the thank-you page; replaced as a whole on change.
    thanks: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSON)
    redirect_url: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Brand {'house' if self.survey_id is None else self.survey_id}>"
