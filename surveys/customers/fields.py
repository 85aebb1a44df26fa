"""Checking a customer's fields before anything is written: the external id, email, name, locale,
time zone, stage, attributes and unsubscribe flag, every problem collected at once; and typed
values from text (a CSV cell, a form field).
"""

import math
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from surveys.kernel.addresses import email_address
from surveys.kernel.errors import ValidationError
from surveys.kernel.languages import normalise_locale
from surveys.models import STAGES

MAX_EXTERNAL_ID_LENGTH = 255
# Kaiku's own records (the anonymous widget visitor, surveys.embed.identity) are named so.
RESERVED_PREFIX = "kaiku:"
MAX_NAME_LENGTH = 255
MAX_TIMEZONE_LENGTH = 64
MAX_ATTRIBUTES = 50
MAX_ATTRIBUTE_KEY_LENGTH = 64
MAX_ATTRIBUTE_VALUE_LENGTH = 1000
INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,10}")


def check_external_id(external_id: Any) -> str:
    if (
        not isinstance(external_id, str)
        or not external_id.strip()
        or len(external_id) > MAX_EXTERNAL_ID_LENGTH
        or _has_control(external_id)
    ):
        raise ValidationError(
            f"external_id must be 1 to {MAX_EXTERNAL_ID_LENGTH} printable characters.",
            fields={"external_id": "invalid"},
        )
    if external_id.startswith(RESERVED_PREFIX):
        raise ValidationError(
            f"external_id may not start with {RESERVED_PREFIX} (reserved for Kaiku's own records).",
            fields={"external_id": "reserved"},
        )
    return external_id


def checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields, cleaned; every problem collected so the caller hears of all of them at once."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, value in fields.items():
        try:
            values[field] = _CHECKS[field](value)
        except ValueError as exc:
            errors[field] = str(exc)
    if errors:
        raise ValidationError("Some customer fields are not valid.", fields=errors)
    return values


def _email(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be a string")
    address = email_address(value)
    if address is None:
        raise ValueError("not an email address")
    return address


def _name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > MAX_NAME_LENGTH:
        raise ValueError(f"must be a string of at most {MAX_NAME_LENGTH} characters")
    return value.strip() or None


def _locale(value: Any) -> str:
    # Any language tag is kept: an unregistered one is served in the default language.
    return normalise_locale(value)


def _timezone(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TIMEZONE_LENGTH:
        raise ValueError("an IANA time zone name, like Europe/Helsinki")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError("an IANA time zone name, like Europe/Helsinki") from None
    return value


def _stage(value: Any) -> str:
    if value not in STAGES:
        raise ValueError(f"one of {', '.join(STAGES)}")
    return value


def _unsubscribed(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def _attributes(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or len(value) > MAX_ATTRIBUTES:
        raise ValueError(f"an object of at most {MAX_ATTRIBUTES} attributes")
    for key, item in value.items():
        if not isinstance(key, str) or not 0 < len(key) <= MAX_ATTRIBUTE_KEY_LENGTH:
            raise ValueError(f"attribute names are 1 to {MAX_ATTRIBUTE_KEY_LENGTH} characters")
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"attribute {key!r} is not a finite number")
        if isinstance(item, str) and len(item) > MAX_ATTRIBUTE_VALUE_LENGTH:
            raise ValueError(f"attribute {key!r} is longer than {MAX_ATTRIBUTE_VALUE_LENGTH}")
        if item is not None and not isinstance(item, str | int | float | bool):
            raise ValueError(f"attribute {key!r} must be a string, number, boolean or null")
    return dict(value)


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


_CHECKS = {
    "email": _email,
    "name": _name,
    "locale": _locale,
    "timezone": _timezone,
    "stage": _stage,
    "attributes": _attributes,
    "unsubscribed": _unsubscribed,
}


def scalar_from_text(text: str) -> str | int | float | bool:
    """A typed value from text (a CSV cell, a form field): ``42`` → 42, ``4.5`` → 4.5,
    ``true``/``false`` → booleans, anything else stays text. Numbers with leading zeros
    (``00120``, a postal code) stay text."""
    if INTEGER.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text):
        return float(text)
    if text in ("true", "false"):
        return text == "true"
    return text
