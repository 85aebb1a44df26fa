"""Responses: the answer to one invitation, and what the pipeline made of it."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveys.models.base import Base, utcnow
from surveys.models.catalog import Survey
from surveys.models.customers import Customer

# Full-text search of comments on PostgreSQL (surveys.reports.search): the text search
# configuration of each language Kaiku analyses; every other comment is searched as "simple".
IDENTITIES = ("link", "signed", "unverified", "anonymous")
FULLTEXT_CONFIGURATIONS = {"fi": "finnish", "sv": "swedish", "en": "english"}
FULLTEXT_OTHER = "simple"
_ANALYSED = ", ".join(f"'{code}'" for code in FULLTEXT_CONFIGURATIONS)
# Written as literals, so a query that repeats them is seen to imply the partial index's predicate.
FULLTEXT_WHERE = {
    config: f"language = '{code}'" for code, config in FULLTEXT_CONFIGURATIONS.items()
}
FULLTEXT_WHERE[FULLTEXT_OTHER] = f"language IS NULL OR language NOT IN ({_ANALYSED})"


def comment_tsvector(config: str, comment: Any = None) -> Any:
    """``to_tsvector('<config>'::regconfig, comment)``, the expression its index holds."""
    column = literal_column("comment") if comment is None else comment
    return func.to_tsvector(literal_column(f"'{config}'::regconfig"), column)


def _fulltext_indexes() -> list[Index]:
    """One partial GIN expression index per configuration, on PostgreSQL only."""
    return [
        Index(
            f"ix_responses_comment_fts_{config}",
            comment_tsvector(config),
            postgresql_using="gin",
            postgresql_where=text(where),
        ).ddl_if(dialect="postgresql")
        for config, where in FULLTEXT_WHERE.items()
    ]


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_survey_answered", "survey_id", "answered_at"),
        # A customer's answers: their page, and the rollup cells a changed attribute moves.
        Index("ix_responses_customer", "customer_id"),
        # The sweeper's scan: unprocessed rows only.
        Index("ix_responses_unprocessed", "processed_at", "updated_at"),
        *_fulltext_indexes(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16), default="email")
    # Who answered, as far as Kaiku knows (IDENTITIES): by their own link, or in the widget
    # with a signed id, an id that failed verification in report-only mode, or anonymously.
    identity: Mapped[str] = mapped_column(String(12), default="link", server_default="link")
    # The customer's lifecycle stage when they answered, so reports can slice by it.
    stage: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    # The comment's sentiment (surveys.answers.analysis.result.Sentiment): polarity and label
    # are None for a comment in a language Kaiku does not analyse, with the reason why.
    sentiment_polarity: Mapped[float | None]
    sentiment_label: Mapped[str | None] = mapped_column(String(8))
    # Praise and a complaint in one comment; the complaint is the most negative part's polarity.
    sentiment_mixed: Mapped[bool] = mapped_column(default=False)
    sentiment_complaint: Mapped[float | None]
    sentiment_reason: Mapped[str | None] = mapped_column(String(80))
    # The analysis that tagged it (method version + taxonomy fingerprint, see
    # surveys.answers.analysis.version): re-tagging looks for rows whose version is not current.
    analysis_version: Mapped[str | None] = mapped_column(String(40))
    # Bumped by every change of score or comment; processing only commits what it read.
    revision: Mapped[int] = mapped_column(default=1)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]

    survey: Mapped[Survey] = relationship(lazy="joined")
    customer: Mapped[Customer] = relationship(lazy="joined")
    themes: Mapped[list["ResponseTheme"]] = relationship(
        cascade="all, delete-orphan", order_by="ResponseTheme.theme"
    )  # lists load them with selectinload(Response.themes)

    @property
    def theme_names(self) -> list[str]:
        return [t.theme for t in self.themes]

    def __repr__(self) -> str:
        return f"<Response {self.id} score={self.score}>"


class ResponseTheme(Base):
    __tablename__ = "response_themes"
    __table_args__ = (UniqueConstraint("response_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(40), index=True)
