"""A survey's embed policy: allowed origins, anonymous answers, enforcement mode, triggers, how
long a dismissal keeps the widget away. Every value is checked before anything is written."""

import re
from typing import Any

from sqlalchemy.orm import Session

from surveys.embed.origins import clean_origins
from surveys.kernel.errors import ValidationError
from surveys.models import EMBED_MODES, TRIGGER_TYPES, Survey, SurveyEmbed
from surveys.models.embeds import default_triggers

FIELDS = ("allowed_origins", "anonymous", "mode", "triggers", "dismiss_days")
MAX_TRIGGERS = 10
MAX_DELAY_SECONDS = 3600
MAX_VISITS = 1000
MAX_DISMISS_DAYS = 365
MAX_PATTERN_LENGTH = 300
EVENT_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,100}")


def embed_of(session: Session, survey: Survey) -> SurveyEmbed:
    """The survey's embed policy, made with its defaults (no allowed origin) on first use."""
    embed = session.get(SurveyEmbed, survey.id)
    if embed is None:
        embed = SurveyEmbed(
            survey_id=survey.id,
            allowed_origins=[],
            anonymous=False,
            mode="enforce",
            triggers=default_triggers(),
            dismiss_days=30,
        )
        session.add(embed)
        session.flush()
    return embed


def update_embed(session: Session, survey: Survey, changes: dict[str, Any]) -> SurveyEmbed:
    """Set the given fields; others keep their value. Flushes.

    :raises ValidationError: an unknown field or a bad value, every one named at once.
    """
    values = check_changes(changes)
    embed = embed_of(session, survey)
    for name, value in values.items():
        setattr(embed, name, value)
    session.flush()
    return embed


def check_changes(changes: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in FIELDS:
            errors[name] = "unknown field"
            continue
        try:
            values[name] = _CHECKS[name](value)
        except ValidationError as exc:
            errors.update(exc.fields)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationError(
            f"The embed settings are not valid: {', '.join(errors)}.", fields=errors
        )
    return values


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _mode(value: Any) -> str:
    if value not in EMBED_MODES:
        raise ValueError(f"must be one of {', '.join(EMBED_MODES)}")
    return value


def _days(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DISMISS_DAYS:
        raise ValueError(f"must be a whole number of days from 0 to {MAX_DISMISS_DAYS}")
    return value


def check_triggers(value: Any) -> list[dict[str, Any]]:
    """The triggers, each reduced to its type and own field.

    :raises ValidationError: naming each bad trigger by position (``triggers.1.seconds``).
    """
    if not isinstance(value, list):
        raise ValidationError("triggers must be a list.", fields={"triggers": "must be a list"})
    if not value or len(value) > MAX_TRIGGERS:
        raise ValidationError(
            "Give from 1 to 10 triggers.", fields={"triggers": f"from 1 to {MAX_TRIGGERS}"}
        )
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    for index, trigger in enumerate(value):
        where = f"triggers.{index}"
        if not isinstance(trigger, dict) or trigger.get("type") not in TRIGGER_TYPES:
            errors[f"{where}.type"] = f"must be one of {', '.join(TRIGGER_TYPES)}"
            continue
        try:
            cleaned.append(_trigger(trigger))
        except KeyError as exc:
            errors[f"{where}.{exc.args[0]}"] = "required"
        except ValueError as exc:
            field, message = exc.args
            errors[f"{where}.{field}"] = message
    if errors:
        raise ValidationError("Some triggers are not valid.", fields=errors)
    return cleaned


def _trigger(trigger: dict[str, Any]) -> dict[str, Any]:
    kind = trigger["type"]
    if kind == "load":
        return {"type": "load"}
    if kind == "delay":
        return {
            "type": kind,
            "seconds": _whole(trigger["seconds"], "seconds", 0, MAX_DELAY_SECONDS),
        }
    if kind == "visits":
        return {"type": kind, "count": _whole(trigger["count"], "count", 1, MAX_VISITS)}
    if kind == "event":
        name = trigger["name"]
        if not isinstance(name, str) or not EVENT_NAME.fullmatch(name):
            raise ValueError("name", "1 to 100 letters, digits or _ . : -")
        return {"type": kind, "name": name}
    pattern = trigger["pattern"]
    if (
        not isinstance(pattern, str)
        or not pattern.startswith("/")
        or len(pattern) > MAX_PATTERN_LENGTH
    ):
        raise ValueError("pattern", "a path starting with /, * for any characters")
    return {"type": "url", "pattern": pattern}


def _whole(value: Any, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(field, f"a whole number from {low} to {high}")
    return value


_CHECKS = {
    "allowed_origins": clean_origins,
    "anonymous": _bool,
    "mode": _mode,
    "triggers": check_triggers,
    "dismiss_days": _days,
}
