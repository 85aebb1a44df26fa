"""The theme taxonomy as stored for this house: load it for tagging, seed, create, edit, delete.

Admins and analysts edit it (the product team owns what feedback is about); a change takes
effect for answers processed after it, while history keeps the themes it was tagged with until
it is re-tagged. Services add and flush; the caller commits.
"""

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.answers.analysis.themes import (
    LANGUAGES,
    MAX_TERM_WORDS,
    Taxonomy,
    ThemeTerms,
    load_default_themes,
    tokens,
)
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from surveys.models import Response, ResponseTheme, Theme

EDITING_ROLES = ("admin", "analyst")
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
MAX_NAME_LENGTH = 100
MAX_TERM_LENGTH = 80
MAX_TERMS_PER_LANGUAGE = 300

_LOADED: dict[tuple, Taxonomy] = {}


def load_taxonomy(session: Session) -> Taxonomy:
    """The active themes, as a Taxonomy for ``extract_themes``.

    One small query (keys and versions) when nothing changed since the last load in this
    process; the rows themselves only after a change. The matcher is built once per
    fingerprint, so loading per batch costs next to nothing."""
    stamp = tuple(
        session.execute(select(Theme.key, Theme.version).where(Theme.active).order_by(Theme.key))
    )
    taxonomy = _LOADED.get(stamp)
    if taxonomy is None:
        rows = session.scalars(select(Theme).where(Theme.active).order_by(Theme.key))
        taxonomy = Taxonomy(tuple(theme_terms(row) for row in rows))
        if len(_LOADED) >= 16:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[stamp] = taxonomy
    return taxonomy


def theme_terms(row: Theme) -> ThemeTerms:
    return ThemeTerms(
        key=row.key,
        names=dict(row.names or {}),
        terms={lang: tuple((row.terms or {}).get(lang, ())) for lang in LANGUAGES},
        exclusions={lang: tuple((row.exclusions or {}).get(lang, ())) for lang in LANGUAGES},
    )


def seed_default_themes(session: Session) -> int:
    """Add the default themes when the house has none; the number added. Idempotent: a house
    with any theme of its own (or a deleted default) is left as it is."""
    if session.scalar(select(func.count()).select_from(Theme)):
        return 0
    defaults = load_default_themes()
    for theme in defaults:
        session.add(
            Theme(
                key=theme.key,
                names=dict(theme.names),
                terms={lang: list(terms) for lang, terms in theme.terms.items() if terms},
                exclusions={lang: list(ex) for lang, ex in theme.exclusions.items() if ex},
                active=True,
                version=_new_version(),
            )
        )
    session.flush()
    return len(defaults)


def list_themes(session: Session) -> list[Theme]:
    """Every theme, active first, then by key."""
    return list(session.scalars(select(Theme).order_by(Theme.active.desc(), Theme.key)))


def tagged_counts(session: Session, since: datetime) -> dict[str, int]:
    """{theme key: responses answered since ``since`` tagged with it}."""
    rows = session.execute(
        select(ResponseTheme.theme, func.count())
        .join(Response, Response.id == ResponseTheme.response_id)
        .where(Response.answered_at >= since)
        .group_by(ResponseTheme.theme)
    )
    return {theme: count for theme, count in rows}


def get_theme(session: Session, key: str) -> Theme:
    """:raises NotFoundError: no theme has ``key``."""
    theme = session.scalar(select(Theme).where(Theme.key == key)) if len(key) <= 40 else None
    if theme is None:
        raise NotFoundError(f"No theme {key!r}.")
    return theme


def create_theme(session: Session, actor: Actor, **values: Any) -> Theme:
    """A new theme from ``key``, ``names``, ``terms``, ``exclusions`` and ``active``.

    :raises ForbiddenError: the actor is neither an admin nor an analyst.
    :raises ValidationError: a field is not valid (named in ``fields``).
    :raises ConflictError: a theme already has the key."""
    require_editor(actor, "create themes")
    key = check_key(values.get("key"))
    if session.scalar(select(Theme.id).where(Theme.key == key)) is not None:
        raise ConflictError(f"A theme with the key {key!r} exists.", fields={"key": "taken"})
    theme = Theme(key=key, names={}, terms={}, exclusions={}, active=True)
    _apply(theme, {name: value for name, value in values.items() if name != "key"})
    if not theme.names.get("en"):
        raise ValidationError("Give the theme an English name.", fields={"names.en": "required"})
    session.add(theme)
    session.flush()
    return theme


def update_theme(session: Session, actor: Actor, theme: Theme, **changes: Any) -> Theme:
    """Change names, terms, exclusions or the active flag; what is left out keeps its value.
    Terms and exclusions given for a language replace that language's list.

    :raises ForbiddenError, ValidationError: as ``create_theme``."""
    require_editor(actor, "change themes")
    unknown = set(changes) - {"names", "terms", "exclusions", "active"}
    if unknown:
        raise ValidationError("Unknown fields.", fields=dict.fromkeys(sorted(unknown), "unknown"))
    _apply(theme, changes)
    if not theme.names.get("en"):
        raise ValidationError("Give the theme an English name.", fields={"names.en": "required"})
    session.flush()
    return theme


def add_terms(
    session: Session, actor: Actor, theme: Theme, language: str, terms: list[str]
) -> Theme:
    """Add ``terms`` in ``language`` to a theme (discovery's "merge"); ones it has are kept once."""
    current = list((theme.terms or {}).get(language, ()))
    merged = current + [t for t in terms if t.strip().lower() not in current]
    return update_theme(session, actor, theme, terms={language: merged})


def delete_theme(session: Session, actor: Actor, theme: Theme) -> None:
    """Delete a theme. Responses tagged with it keep the tag until they are re-tagged."""
    require_editor(actor, "delete themes")
    session.delete(theme)
    session.flush()


def require_editor(actor: Actor, what: str) -> None:
    """:raises ForbiddenError: the actor is neither an admin nor an analyst (nor Kaiku)."""
    if actor.kind != "system" and actor.role not in EDITING_ROLES:
        raise ForbiddenError(f"{actor.label} has the {actor.role} role and may not {what}.")


def check_key(key: Any) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise ValidationError(
            "The key is 2–40 lower-case letters, digits or underscores, starting with a letter.",
            fields={"key": "2–40 of a-z, 0-9 and _, starting with a letter"},
        )
    return key


def check_phrases(value: Any, field: str) -> dict[str, list[str]]:
    """Terms or exclusions: {language: [phrase]}, cleaned (trimmed, lower-cased, unique).

    :raises ValidationError: naming the field and language ("terms.fi")."""
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"{field} must map languages to lists.", fields={field: "not an object"}
        )
    cleaned: dict[str, list[str]] = {}
    for language, phrases in value.items():
        where = f"{field}.{language}"
        if language not in LANGUAGES:
            raise ValidationError(
                f"{field}: {language!r} is not one of {', '.join(LANGUAGES)}.",
                fields={where: "unknown language"},
            )
        if not isinstance(phrases, list | tuple):
            raise ValidationError(f"{where} must be a list.", fields={where: "not a list"})
        if len(phrases) > MAX_TERMS_PER_LANGUAGE:
            raise ValidationError(
                f"{where}: at most {MAX_TERMS_PER_LANGUAGE} lines.", fields={where: "too many"}
            )
        out: list[str] = []
        for phrase in phrases:
            problem = _phrase_problem(phrase, language)
            if problem:
                raise ValidationError(f"{where}: {problem}", fields={where: problem})
            phrase = " ".join(phrase.lower().split())
            if phrase not in out:
                out.append(phrase)
        if out:
            cleaned[language] = out
    return cleaned


def _phrase_problem(phrase: Any, language: str) -> str | None:
    if not isinstance(phrase, str) or not phrase.strip():
        return "a line is empty"
    text = phrase.strip()
    if len(text) > MAX_TERM_LENGTH:
        return f"{text[:30]!r}… is longer than {MAX_TERM_LENGTH} characters"
    if "*" in text and (not text.endswith("*") or text.count("*") > 1 or " " in text):
        return f"{text!r}: * may only end a single word (a stem, like hinnoit*)"
    if text.endswith("*") and len(text) < 4:
        return f"{text!r}: a stem needs at least 3 letters before the *"
    words = tokens(text.rstrip("*"), language)
    if not words:
        return f"{text!r} has no letters"
    if len(words) > MAX_TERM_WORDS:
        return f"{text!r} has more than {MAX_TERM_WORDS} words"
    return None


def _apply(theme: Theme, changes: Mapping[str, Any]) -> None:
    if "names" in changes:
        names = changes["names"]
        if not isinstance(names, Mapping):
            raise ValidationError(
                "names must map languages to names.", fields={"names": "not an object"}
            )
        merged = dict(theme.names or {})
        for language, name in names.items():
            if language not in LANGUAGES:
                raise ValidationError(
                    f"names: {language!r} is not one of {', '.join(LANGUAGES)}.",
                    fields={f"names.{language}": "unknown language"},
                )
            name = (name or "").strip() if isinstance(name, str) or name is None else None
            if name is None or len(name) > MAX_NAME_LENGTH:
                raise ValidationError(
                    f"names.{language}: at most {MAX_NAME_LENGTH} characters.",
                    fields={f"names.{language}": f"a text of at most {MAX_NAME_LENGTH} characters"},
                )
            if name:
                merged[language] = name
            else:
                merged.pop(language, None)
        theme.names = merged
    for field in ("terms", "exclusions"):
        if field in changes:
            given = check_phrases(changes[field], field)
            merged = dict(getattr(theme, field) or {})
            for language in changes[field]:
                if given.get(language):
                    merged[language] = given[language]
                else:  # an empty list clears the language
                    merged.pop(language, None)
            setattr(theme, field, merged)
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise ValidationError(
                "active must be true or false.", fields={"active": "not a boolean"}
            )
        theme.active = changes["active"]
    if not any((theme.terms or {}).values()):
        raise ValidationError("Give the theme at least one term.", fields={"terms": "required"})
    theme.version = _new_version()
    theme.updated_at = clock.now()


def _new_version() -> str:
    return secrets.token_hex(16)
