"""Referral programmes and the tracked links promoters receive."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow
from surveys.models.customers import Customer


class ReferralProgramme(Base):
    __tablename__ = "referral_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # What a promoter (and the friend) get: ``rewards`` by language ({"fi": ..., "sv": ...});
    # ``reward``, the text from before there were languages, stands in for English. Shown by
    # surveys.referrals.rewards.reward_text. Replaced as a whole on change (JSON).
    reward: Mapped[str | None] = mapped_column(Text)
    rewards: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The only place /r/<code> ever redirects to.
    landing_url: Mapped[str] = mapped_column(String(2000))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ReferralProgramme {self.id} {self.name!r}>"


class Referral(Base):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("referral_programmes.id", ondelete="CASCADE")
    )
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # One referral per promoter answer: processing it twice cannot invite twice.
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), unique=True
    )
    code: Mapped[str] = mapped_column(String(32), unique=True)
    clicks: Mapped[int] = mapped_column(default=0)
    conversions: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[ReferralProgramme] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Referral {self.code}>"
