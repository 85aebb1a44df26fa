"""Trigger rule filters: checking them and saying them in words.

A filter is ``{"field": "stage" | "attributes.<name>", "op": ..., "value": ...}``; all of a
rule's filters must match (see surveys.catalog.rules).
"""

import math
from collections.abc import Mapping
from typing import Any

from surveys.customers.fields import MAX_ATTRIBUTE_KEY_LENGTH
from surveys.kernel.errors import ValidationError
from surveys.models import FILTER_OPS, STAGES

MAX_FILTERS = 20
MAX_ONE_OF_VALUES = 100
MAX_VALUE_LENGTH = 1000
NUMERIC_OPS = ("gt", "gte", "lt", "lte")
ATTRIBUTE_PREFIX = "attributes."


def validate_filters(filters: Any) -> list[dict[str, Any]]:
    """The filters, checked and normalised (``field``, ``op``, ``value`` each).

    Values: ``equals`` a scalar, ``one_of`` a non-empty list of scalars, ``exists`` true or
    false, ``gt``/``gte``/``lt``/``lte`` a number. On ``stage`` only equals and one_of make
    sense, with lifecycle stage names.

    :raises ValidationError: every problem, named ``<index>.field``, ``<index>.op`` or
        ``<index>.value``.
    """
    if not isinstance(filters, list | tuple) or len(filters) > MAX_FILTERS:
        raise ValidationError(
            f"filters must be a list of at most {MAX_FILTERS} filters.",
            fields={"": f"a list of at most {MAX_FILTERS} filters"},
        )
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(filters):
        if not isinstance(item, Mapping):
            errors[str(index)] = "an object with field, op and value"
            continue
        for key in sorted(set(item) - {"field", "op", "value"}):
            errors[f"{index}.{key}"] = "unknown key"
        field, op = item.get("field"), item.get("op")
        problem = _field_problem(field)
        if problem:
            errors[f"{index}.field"] = problem
        if op not in FILTER_OPS:
            errors[f"{index}.op"] = f"one of {', '.join(FILTER_OPS)}"
        elif not problem:
            if "value" not in item:
                errors[f"{index}.value"] = "required"
            else:
                try:
                    value = _filter_value(field, op, item["value"])
                except ValueError as exc:
                    errors[f"{index}.value"] = str(exc)
                else:
                    cleaned.append({"field": field, "op": op, "value": value})
    if errors:
        raise ValidationError(_summary(errors), fields=errors)
    return cleaned


def describe_filter(item: Mapping[str, Any]) -> str:
    """A filter in words for people: ``stage one of active, loyal``, ``attributes.mrr ≥ 100``."""
    symbols = {"gt": ">", "gte": "≥", "lt": "<", "lte": "≤", "equals": "="}
    op, value = item["op"], item["value"]
    if op == "one_of":
        return f"{item['field']} one of {', '.join(str(v) for v in value)}"
    if op == "exists":
        return f"{item['field']} {'is set' if value else 'is not set'}"
    return f"{item['field']} {symbols[op]} {value}"


def _summary(errors: Mapping[str, str]) -> str:
    names = ", ".join(name or "body" for name in errors)
    return f"The filter is not valid: {names}."


def _field_problem(field: Any) -> str | None:
    if field == "stage":
        return None
    if isinstance(field, str) and field.startswith(ATTRIBUTE_PREFIX):
        name = field.removeprefix(ATTRIBUTE_PREFIX)
        if 0 < len(name) <= MAX_ATTRIBUTE_KEY_LENGTH and name.isprintable():
            return None
    return f'"stage" or "attributes.<name>" (a name of 1 to {MAX_ATTRIBUTE_KEY_LENGTH} characters)'


def _scalar(value: Any) -> str | int | float | bool:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
        raise ValueError(f"at most {MAX_VALUE_LENGTH} characters")
    if not isinstance(value, str | int | float | bool):
        raise ValueError("a string, number or boolean")
    return value


def _stage_value(value: Any) -> str:
    if value not in STAGES:
        raise ValueError(f"a lifecycle stage: one of {', '.join(STAGES)}")
    return value


def _filter_value(field: str, op: str, value: Any) -> Any:
    on_stage = field == "stage"
    if op == "exists":
        if not isinstance(value, bool):
            raise ValueError("true or false")
        return value
    if op in NUMERIC_OPS:
        if on_stage:
            raise ValueError("a stage is not a number: use equals or one_of")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("a number")
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return value
    if op == "one_of":
        if not isinstance(value, list | tuple) or not 0 < len(value) <= MAX_ONE_OF_VALUES:
            raise ValueError(f"a list of 1 to {MAX_ONE_OF_VALUES} values")
        check = _stage_value if on_stage else _scalar
        return [check(item) for item in value]
    return _stage_value(value) if on_stage else _scalar(value)
