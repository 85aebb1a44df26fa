"""Discovery: what recent comments talk about that no theme covers, offered to analysts.

Candidates are key terms (``analysis.keyterms``) of the comments answered in the last
``days`` in one language, minus what the taxonomy matches and what an analyst dismissed. The
analyst accepts one (a new theme with the term), accepts it under another key and name,
merges it into an existing theme (the term is added there), or dismisses it (stored, so it is
not offered again). Services add and flush; the caller commits.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.answers.analysis.keyterms import KeyTerm, key_terms
from surveys.answers.analysis.themes import LANGUAGES
from surveys.answers.taxonomy import (
    MAX_TERM_LENGTH,
    add_terms,
    create_theme,
    get_theme,
    load_taxonomy,
    require_editor,
)
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import ValidationError
from surveys.models import DismissedThemeTerm, Response, Theme

DEFAULT_DAYS = 90
# The newest comments are enough to find what is frequent, and keep the page quick.
MAX_COMMENTS = 5000


@dataclass(frozen=True)
class Candidates:
    language: str
    days: int
    comments: int  # how many comments were read
    terms: list[KeyTerm]


def theme_candidates(
    session: Session,
    language: str,
    *,
    days: int = DEFAULT_DAYS,
    min_count: int = 3,
    limit: int = 20,
) -> Candidates:
    """Frequent terms no theme covers in ``language`` comments of the last ``days``."""
    check_language(language)
    since = clock.now() - timedelta(days=days)
    comments = list(
        session.scalars(
            select(Response.comment)
            .where(
                Response.answered_at >= since,
                Response.language == language,
                Response.comment.is_not(None),
            )
            .order_by(Response.answered_at.desc())
            .limit(MAX_COMMENTS)
        )
    )
    dismissed = session.scalars(
        select(DismissedThemeTerm.term).where(DismissedThemeTerm.language == language)
    )
    terms = key_terms(
        comments, language, load_taxonomy(session), skip=dismissed, min_count=min_count,
        limit=limit,
    )  # fmt: skip
    return Candidates(language, days, len(comments), terms)


def accept_candidate(
    session: Session,
    actor: Actor,
    language: str,
    term: str,
    *,
    key: str | None = None,
    name: str | None = None,
) -> Theme:
    """A new theme whose one term is ``term`` in ``language``; its key and English name come
    from the term unless given ("dark mode" → dark_mode, "Dark mode")."""
    check_language(language)
    term = check_term(term)
    key = key or "_".join(term.split())[:40]
    names: dict[str, Any] = {"en": name or term.capitalize()}
    if language != "en":
        names[language] = name or term.capitalize()
    return create_theme(session, actor, key=key, names=names, terms={language: [term]})


def merge_candidate(session: Session, actor: Actor, language: str, term: str, key: str) -> Theme:
    """Add ``term`` to the theme ``key``'s terms in ``language``."""
    check_language(language)
    return add_terms(session, actor, get_theme(session, key), language, [check_term(term)])


def dismiss_candidate(session: Session, actor: Actor, language: str, term: str) -> None:
    """Remember that ``term`` is no theme in ``language``; dismissing twice changes nothing."""
    require_editor(actor, "dismiss theme candidates")
    check_language(language)
    term = check_term(term)
    exists = session.scalar(
        select(DismissedThemeTerm.id).where(
            DismissedThemeTerm.language == language, DismissedThemeTerm.term == term
        )
    )
    if exists is None:
        session.add(DismissedThemeTerm(language=language, term=term, dismissed_by=actor.label))
        session.flush()


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationError(
            f"Discovery works in {', '.join(LANGUAGES)}.", fields={"language": "unknown language"}
        )
    return language


def check_term(term: str) -> str:
    term = " ".join((term or "").lower().split())
    if not term or len(term) > MAX_TERM_LENGTH:
        raise ValidationError(
            f"A term is 1–{MAX_TERM_LENGTH} characters.", fields={"term": "required"}
        )
    return term
