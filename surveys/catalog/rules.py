"""Trigger rules of a survey: when an event happens, invite the customer after a delay.

A rule names the event, a delay (0 minutes to 365 days), the channel (``email`` sends the
invitation, ``link`` only makes the link) and filters that must all match the customer::

    {"field": "stage", "op": "one_of", "value": ["active", "loyal"]}
    {"field": "attributes.plan", "op": "equals", "value": "pro"}
    {"field": "attributes.mrr", "op": "gte", "value": 100}
    {"field": "attributes.account_owner", "op": "exists", "value": true}

Every function checks all values before it writes, so a refused call changes nothing; it adds
and flushes, the caller commits.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from surveys.catalog.filters import (  # noqa: F401  (part of this module's interface)
    MAX_FILTERS,
    describe_filter,
    validate_filters,
)
from surveys.customers.events import MAX_NAME_LENGTH, check_name
from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.models import CHANNELS, Survey, TriggerRule

MAX_EVENT_NAME_LENGTH = MAX_NAME_LENGTH
MAX_DELAY_MINUTES = 365 * 24 * 60
MAX_RULES_PER_SURVEY = 50
RULE_FIELDS = ("event_name", "delay_minutes", "filters", "channel", "active")


def create_rule(
    session: Session,
    survey: Survey,
    *,
    event_name: str,
    delay_minutes: int = 0,
    filters: Sequence[Mapping[str, Any]] = (),
    channel: str = "email",
    active: bool = True,
) -> TriggerRule:
    """Add a rule to ``survey``. Flushes; the caller commits.

    :raises ValidationError: a bad event name, delay, channel or filter, each field named
        (``filters.1.value``).
    """
    values = _checked(
        {
            "event_name": event_name,
            "delay_minutes": delay_minutes,
            "filters": filters,
            "channel": channel,
            "active": active,
        }
    )
    if len(survey.trigger_rules) >= MAX_RULES_PER_SURVEY:
        raise ValidationError(
            f"A survey has at most {MAX_RULES_PER_SURVEY} trigger rules.",
            fields={"trigger_rules": f"at most {MAX_RULES_PER_SURVEY}"},
        )
    rule = TriggerRule(**values)
    survey.trigger_rules.append(rule)
    session.add(rule)
    session.flush()
    return rule


def update_rule(session: Session, rule: TriggerRule, **changes: Any) -> TriggerRule:
    """Change any of event_name, delay_minutes, filters, channel, active; the rest stay.

    Flushes; the caller commits.

    :raises ValidationError: an unknown field or a bad value, each field named.
    """
    unknown = set(changes) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(
            "Unknown trigger rule fields.", fields={f: "unknown field" for f in sorted(unknown)}
        )
    for field, value in _checked(changes).items():
        setattr(rule, field, value)
    session.flush()
    return rule


def delete_rule(session: Session, rule: TriggerRule) -> None:
    """Remove a rule; invitations it made keep existing (their rule link becomes empty)."""
    survey = rule.survey
    if survey is not None and rule in survey.trigger_rules:
        survey.trigger_rules.remove(rule)
    session.delete(rule)
    session.flush()


def get_rule(session: Session, survey: Survey, rule_id: int) -> TriggerRule:
    """:raises NotFoundError: ``survey`` has no rule ``rule_id``."""
    rule = session.get(TriggerRule, rule_id) if 0 < rule_id < 2**31 else None
    if rule is None or rule.survey_id != survey.id:
        raise NotFoundError(f"Survey {survey.id} has no trigger rule {rule_id}.")
    return rule


def replace_rules(
    session: Session, survey: Survey, rules: Sequence[Mapping[str, Any]]
) -> list[TriggerRule]:
    """Make ``rules`` the survey's whole set of rules.

    An item with an ``id`` of one of the survey's rules updates that rule (so invitations
    keep pointing at it); an item without one adds a rule; the survey's rules not listed are
    deleted. Everything is checked first: on any error nothing changes. Errors name the item:
    ``0.filters.1.op``. Flushes; the caller commits.

    :raises ValidationError: a bad item, an id of another survey's rule, or an id given twice.
    """
    if len(rules) > MAX_RULES_PER_SURVEY:
        raise ValidationError(
            f"A survey has at most {MAX_RULES_PER_SURVEY} trigger rules.",
            fields={"": f"at most {MAX_RULES_PER_SURVEY}"},
        )
    existing = {rule.id: rule for rule in survey.trigger_rules}
    errors: dict[str, str] = {}
    planned: list[tuple[TriggerRule | None, dict[str, Any]]] = []
    seen: set[int] = set()
    for index, item in enumerate(rules):
        item = dict(item)
        rule_id = item.pop("id", None)
        target = None
        if rule_id is not None:
            if rule_id not in existing:
                errors[f"{index}.id"] = "not a rule of this survey"
                continue
            if rule_id in seen:
                errors[f"{index}.id"] = "given twice"
                continue
            seen.add(rule_id)
            target = existing[rule_id]
        unknown = set(item) - set(RULE_FIELDS)
        for field in sorted(unknown):
            errors[f"{index}.{field}"] = "unknown field"
        if "event_name" not in item and target is None:
            errors[f"{index}.event_name"] = "required"
        try:
            planned.append((target, _checked({k: v for k, v in item.items() if k in RULE_FIELDS})))
        except ValidationError as exc:
            errors.update({f"{index}.{name}": why for name, why in exc.fields.items()})
    if errors:
        raise ValidationError(_summary(errors), fields=errors)
    for rule_id, rule in existing.items():
        if rule_id not in seen:
            delete_rule(session, rule)
    result = []
    for target, values in planned:
        if target is None:
            target = TriggerRule(**values)
            survey.trigger_rules.append(target)
            session.add(target)
        else:
            for field, value in values.items():
                setattr(target, field, value)
        result.append(target)
    session.flush()
    return result


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """The given rule fields, cleaned; every problem collected into one ValidationError."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for field, value in values.items():
        if field == "filters":
            try:
                cleaned[field] = validate_filters(value)
            except ValidationError as exc:
                errors.update(
                    {
                        f"filters.{name}" if name else "filters": why
                        for name, why in exc.fields.items()
                    }
                )
            continue
        try:
            cleaned[field] = _CHECKS[field](value)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError(_summary(errors), fields=errors)
    return cleaned


def _summary(errors: Mapping[str, str]) -> str:
    names = ", ".join(name or "body" for name in errors)
    return f"The trigger rule is not valid: {names}."


def _event_name(value: Any) -> str:
    """The name exactly as ``events.check_name`` accepts (and stores) it on an event, so every
    rule can be triggered by some event and every event name can have a rule."""
    try:
        return check_name(value)
    except ValueError:
        raise ValueError(
            f"an event name of 1 to {MAX_EVENT_NAME_LENGTH} printable characters, as your "
            "systems send it, like renewal_upcoming"
        ) from None


def _delay(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("a whole number of minutes")
    if not 0 <= value <= MAX_DELAY_MINUTES:
        raise ValueError(f"0 to {MAX_DELAY_MINUTES} minutes (365 days)")
    return value


def _channel(value: Any) -> str:
    if value not in CHANNELS:
        raise ValueError(f"one of {', '.join(CHANNELS)}")
    return value


def _active(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


_CHECKS = {
    "event_name": _event_name,
    "delay_minutes": _delay,
    "channel": _channel,
    "active": _active,
}
