"""The theme taxonomy as data: themes with their terms per language, and discovery's dismissals."""

from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from surveys.models.base import Base, utcnow


class Theme(Base):
    """One theme responses are tagged with (``ResponseTheme.theme`` holds its ``key``).

    ``names`` is {language: name}; ``terms`` and ``exclusions`` are {language: [phrase]}, each
    replaced as a whole on change (a JSON column does not see changes inside it). ``version``
    is a random token renewed by every change, so the pipeline can tell with one small query
    whether the taxonomy it built is still current."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    terms: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    exclusions: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Theme {self.key}>"


class DismissedThemeTerm(Base):
    """A discovery candidate an analyst dismissed: it is not offered again in its language."""

    __tablename__ = "dismissed_theme_terms"
    __table_args__ = (UniqueConstraint("language", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    term: Mapped[str] = mapped_column(String(100))
    dismissed_by: Mapped[str] = mapped_column(String(200))
    dismissed_at: Mapped[datetime] = mapped_column(default=utcnow)
