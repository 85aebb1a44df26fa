"""Survey definitions: what is asked, of which kind, in each language."""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.kernel.languages import DEFAULT_LANGUAGE
from surveys.models.base import Base, utcnow

KINDS = ("nps", "csat", "ces")


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public, unguessable key for the embed widget; the numeric id stays internal.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    # {language: {"question": ..., "comment_prompt": ...}}: English always, others optional.
    # Replaced as a whole on change (a JSON column does not see changes inside it).
    texts: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    # Delivery policy: not asked again inside this many days (the global window applies too);
    # one reminder this many days after sending if unanswered (None: no reminder); the link
    # closes this many days after sending; with quiet_weekends, Saturday and Sunday are quiet.
    recontact_days: Mapped[int] = mapped_column(default=90)
    reminder_days: Mapped[int | None] = mapped_column(default=3)
    expire_days: Mapped[int] = mapped_column(default=14)
    quiet_weekends: Mapped[bool] = mapped_column(default=False)
    # Comments (and the rescue notes and emails kept with them) older than this many months
    # are deleted (surveys.privacy.retention); None: the global RETENTION_MONTHS; 0: kept.
    retention_months: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    trigger_rules: Mapped[list["TriggerRule"]] = relationship(  # noqa: F821
        back_populates="survey", cascade="all, delete-orphan", order_by="TriggerRule.id"
    )

    def text(self, language: str, key: str) -> str:
        """The ``key`` text in ``language``, or in English when the survey has none in it."""
        return self.texts.get(language, {}).get(key) or self.texts[DEFAULT_LANGUAGE][key]

    def question(self, language: str) -> str:
        return self.text(language, "question")

    def comment_prompt(self, language: str) -> str:
        return self.text(language, "comment_prompt")

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.kind} {self.name!r}>"
