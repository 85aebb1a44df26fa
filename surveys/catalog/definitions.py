"""Survey definitions: create, change, find. A survey asks one question, in every registered
language it has texts for (English always; the others fall back to English)."""

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from surveys.kernel.errors import NotFoundError, Problems, ValidationError
from surveys.kernel.languages import BY_CODE, CODES, DEFAULT_LANGUAGE, N_, translations
from surveys.kernel.tokens import new_token
from surveys.models import KINDS, Invitation, Survey

# Integer primary keys are 32-bit on PostgreSQL; a larger id cannot exist, and asking the
# database for one would fail rather than find nothing.
MAX_ID = 2**31 - 1
MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 1000
# What a survey says, in each language: Survey.texts is {language: {key: text}}.
TEXT_KEYS = ("question", "comment_prompt")
# Delivery policy (see Survey): days, or None for reminder_days (no reminder).
# retention_months: comments kept this many months (None: the global setting, 0: kept).
POLICY_FIELDS = (
    "recontact_days", "reminder_days", "expire_days", "quiet_weekends", "retention_months",
)  # fmt: skip
POLICY_DEFAULTS: dict[str, Any] = {
    "recontact_days": 90,
    "reminder_days": 3,
    "expire_days": 14,
    "quiet_weekends": False,
    "retention_months": None,
}
MAX_RETENTION_MONTHS = 240
MAX_RECONTACT_DAYS = 3650
MAX_EXPIRE_DAYS = 365
UPDATABLE_FIELDS = ("name", "active", "texts", *POLICY_FIELDS)
# The reason shown on a scheduled invitation while its survey is paused (it waits, see dispatch).
HELD_PAUSED = "held: survey paused"

_REASON = N_("What is the main reason for your score?")
# The texts a survey asks when its creator gives none, per kind: English here, every other
# language from its catalog (translations/<code>/LC_MESSAGES/messages.po).
DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "nps": {
        "question": N_("How likely are you to recommend us to a friend or colleague?"),
        "comment_prompt": _REASON,
    },
    "csat": {"question": N_("How satisfied were you with our service?"), "comment_prompt": _REASON},
    "ces": {
        "question": N_("How easy was it to get your issue resolved?"),
        "comment_prompt": N_("What made it easy or hard?"),
    },
}

Texts = dict[str, dict[str, str | None]]


def default_texts(kind: str) -> dict[str, dict[str, str]]:
    """The kind's standard texts in every registered language its catalog translates."""
    texts: dict[str, dict[str, str]] = {}
    for code in CODES:
        gettext = translations(code).gettext
        translated = {
            key: gettext(text)
            for key, text in DEFAULT_TEXTS[kind].items()
            if code == DEFAULT_LANGUAGE or gettext(text) != text  # untranslated: falls back
        }
        if translated:
            texts[code] = translated
    return texts


def create_survey(
    session: Session,
    name: str,
    kind: str,
    *,
    active: bool = True,
    texts: Texts | None = None,
    **policy: Any,
) -> Survey:
    """Add a survey with a fresh public key; texts left out (or None) take the kind's defaults.

    ``texts`` is ``{language: {"question": ..., "comment_prompt": ...}}`` for any registered
    languages; ``policy`` any of recontact_days, reminder_days, expire_days, quiet_weekends
    (left out, the defaults 90, 3, 14, False). Flushes; the caller commits.

    :raises ValidationError: unknown kind, field or language, an empty or overlong name or
        text, a policy value out of range.
    """
    if kind not in KINDS:
        raise ValidationError(
            f"Unknown survey kind {kind!r}.", fields={"kind": f"one of {', '.join(KINDS)}"}
        )
    unknown = set(policy) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError("Unknown survey fields.", fields={f: "unknown" for f in unknown})
    problems = Problems()  # name, texts and policy: every problem at once
    name = problems.check(_clean_name, name)
    given = problems.check(_checked_texts, texts or {}) or {}
    values = default_texts(kind)
    for code, by_key in given.items():
        values[code] = values.get(code, {}) | {k: v for k, v in by_key.items() if v is not None}
    if not problems.errors and set(values.get(DEFAULT_LANGUAGE, {})) != set(TEXT_KEYS):
        raise ValidationError("A survey needs its English texts.", fields={"texts.en": "required"})
    policy = problems.check(_clean_policy, POLICY_DEFAULTS, policy)
    problems.raise_any("The survey is not valid.")
    survey = Survey(
        key=new_token(12),
        name=name,
        kind=kind,
        active=bool(active),
        texts={code: by_key for code, by_key in values.items() if by_key},
        **policy,
    )
    session.add(survey)
    session.flush()
    if policy["reminder_days"] is None:
        # The INSERT treats None as "not given" and takes the column default: set it again.
        survey.reminder_days = None
        session.flush()
    return survey


def update_survey(session: Session, survey: Survey, **changes: Any) -> Survey:
    """Change a survey's name, texts, active flag or delivery policy; the kind never changes
    (scores depend on it). ``texts`` changes only the languages and keys it names; a text set
    to None is removed (pages fall back to English), except an English one. Pausing
    (``active=False``) holds its scheduled invitations (their reason says so; the dispatcher
    leaves them); resuming lets them go out.

    Everything is checked before anything changes. Flushes; the caller commits.

    :raises ValidationError: an unknown or unchangeable field, an empty or overlong value.
    """
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValidationError(
            "These survey fields cannot be changed.",
            fields={f: "cannot be changed" for f in unknown},
        )
    problems = Problems()  # name, texts and policy: every problem at once
    current = {field: getattr(survey, field) for field in POLICY_FIELDS}
    given = {f: changes[f] for f in POLICY_FIELDS if f in changes}
    policy = problems.check(_clean_policy, current, given)
    name = problems.check(_clean_name, changes["name"]) if "name" in changes else None
    if "texts" in changes:
        given_texts = problems.check(_checked_texts, changes["texts"])
        texts = None
        if given_texts is not None:
            texts = problems.check(_merged_texts, survey.texts, given_texts)
    problems.raise_any("The survey is not valid.")
    for field, value in changes.items():
        if field == "name":
            survey.name = name
        elif field == "active":
            if not isinstance(value, bool):
                raise ValidationError("active must be true or false.", fields={"active": "boolean"})
            if value != survey.active:
                _hold_scheduled(session, survey, held=not value)
            survey.active = value
        elif field in POLICY_FIELDS:
            setattr(survey, field, policy[field])
        else:
            survey.texts = texts
    session.flush()
    return survey


def _hold_scheduled(session: Session, survey: Survey, *, held: bool) -> None:
    """Mark (or unmark) the survey's scheduled invitations as held by the pause."""
    stmt = update(Invitation).where(
        Invitation.survey_id == survey.id, Invitation.status == "scheduled"
    )
    if held:
        stmt = stmt.values(reason=HELD_PAUSED)
    else:
        stmt = stmt.where(Invitation.reason == HELD_PAUSED).values(reason=None)
    session.execute(stmt.execution_options(synchronize_session=False))


def get_survey(session: Session, survey_id: int) -> Survey:
    """:raises NotFoundError: no survey with this id."""
    survey = session.get(Survey, survey_id) if 0 < survey_id <= MAX_ID else None
    if survey is None:
        raise NotFoundError(f"No survey {survey_id}.")
    return survey


def list_surveys(session: Session) -> list[Survey]:
    """Every survey, oldest first, with its trigger rules loaded."""
    stmt = select(Survey).options(selectinload(Survey.trigger_rules)).order_by(Survey.id)
    return list(session.scalars(stmt))


def _clean_name(name: str | None) -> str:
    name = (name or "").strip() if isinstance(name, str | None) else ""
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"A survey needs a name of 1 to {MAX_NAME_LENGTH} characters.",
            fields={"name": f"1..{MAX_NAME_LENGTH} characters"},
        )
    return name


def _checked_texts(texts: Any) -> Texts:
    """``texts`` with every language registered, every key known and every text cleaned."""
    if not isinstance(texts, dict):
        raise ValidationError("texts must be an object.", fields={"texts": "an object"})
    checked: Texts = {}
    problems = Problems()
    for code, by_key in texts.items():
        if code not in BY_CODE:
            raise ValidationError(
                f"Kaiku has no language {code!r}.",
                fields={f"texts.{code}": f"one of {', '.join(CODES)}"},
            )
        if not isinstance(by_key, dict) or set(by_key) - set(TEXT_KEYS):
            raise ValidationError(
                f"texts.{code} takes {' and '.join(TEXT_KEYS)}.",
                fields={f"texts.{code}": f"only {', '.join(TEXT_KEYS)}"},
            )
        checked[code] = {
            key: None if text is None else problems.check(_clean_text, f"texts.{code}.{key}", text)
            for key, text in by_key.items()
        }
    problems.raise_any("Some survey texts are not valid.")
    return checked


def _merged_texts(current: dict[str, dict[str, str]], changes: Texts) -> dict[str, dict[str, str]]:
    """``current`` with ``changes`` applied; None removes a text, but English stays whole."""
    merged = {code: dict(by_key) for code, by_key in current.items()}
    for code, by_key in changes.items():
        for key, text in by_key.items():
            if text is not None:
                merged.setdefault(code, {})[key] = text
            elif code == DEFAULT_LANGUAGE:
                raise ValidationError(
                    "The English texts are required.", fields={f"texts.{code}.{key}": "required"}
                )
            else:
                merged.get(code, {}).pop(key, None)
    return {code: by_key for code, by_key in merged.items() if by_key}


def _clean_text(field: str, text: str | None) -> str:
    text = (text or "").strip() if isinstance(text, str | None) else ""
    if not text or len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            f"{field} must be 1 to {MAX_TEXT_LENGTH} characters.",
            fields={field: f"1..{MAX_TEXT_LENGTH} characters"},
        )
    return text


def _clean_policy(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The delivery policy after ``given`` is applied to ``current``, every value checked.

    A reminder must come before the link expires, or it would point to a closed survey.
    """
    policy = dict(current) | given
    errors: dict[str, str] = {}

    def days(field: str, low: int, high: int, *, nullable: bool = False) -> None:
        value = policy[field]
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            empty = " or empty for none" if nullable else ""
            errors[field] = f"a whole number of days, {low} to {high}{empty}"

    days("recontact_days", 0, MAX_RECONTACT_DAYS)
    days("expire_days", 1, MAX_EXPIRE_DAYS)
    days("reminder_days", 1, MAX_EXPIRE_DAYS, nullable=True)
    if not isinstance(policy["quiet_weekends"], bool):
        errors["quiet_weekends"] = "true or false"
    months = policy["retention_months"]
    if months is not None and (
        isinstance(months, bool)
        or not isinstance(months, int)
        or not 0 <= months <= MAX_RETENTION_MONTHS
    ):
        errors["retention_months"] = (
            f"a whole number of months, 0 (keep) to {MAX_RETENTION_MONTHS}, or empty for the "
            "global setting"
        )
    if not errors and policy["reminder_days"] is not None:
        if policy["reminder_days"] >= policy["expire_days"]:
            errors["reminder_days"] = (
                f"before the link expires (after {policy['expire_days']} days), or none"
            )
    if errors:
        names = ", ".join(errors)
        raise ValidationError(f"The delivery policy is not valid: {names}.", fields=errors)
    return {field: policy[field] for field in POLICY_FIELDS}
