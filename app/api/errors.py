"""The API's error answers: the design's ``{"error": {...}}`` shape, from any source of error.

HTTP errors and ``KaikuError`` raised in a view are answered by ``app.errors`` (JSON under
/api/); this module builds the answers the API returns itself (401 with its challenge) and
turns schema failures into ``ValidationError`` so they take the same path.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pydantic
from flask import Response, jsonify

from app.errors import error_body
from surveys.kernel.errors import KaikuError, ValidationError

_DATETIME = "an ISO 8601 date-time with a time zone, like 2025-03-01T09:00:00+00:00"
# Friendlier words for pydantic's most common complaints; the rest keep pydantic's message.
_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "timezone_aware": _DATETIME,
}


def json_error(
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON error response in the design's shape."""
    response = jsonify(error_body(code, message, fields))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def unauthorized(message: str, *, invalid_token: bool = False) -> Response:
    """401 with the Bearer challenge (RFC 6750), so clients know which credentials to send."""
    challenge = 'Bearer realm="kaiku"'
    if invalid_token:
        challenge += ', error="invalid_token"'
    return json_error(401, "unauthorized", message, headers={"WWW-Authenticate": challenge})


def from_pydantic(exc: pydantic.ValidationError, prefix: str = "") -> ValidationError:
    """A 422 naming every invalid field by its dotted path ("customer.email")."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        path = ".".join(str(part) for part in (prefix, *error["loc"]) if part != "") or "body"
        message = _MESSAGES.get(error["type"], error["msg"].removeprefix("Value error, "))
        fields.setdefault(path, message)
    names = ", ".join(fields)
    noun = "field is" if len(fields) == 1 else "fields are"
    return ValidationError(f"The {noun} not valid: {names}.", fields=fields)


@contextmanager
def fields_under(prefix: str) -> Iterator[None]:
    """Re-raise a service's ``KaikuError`` with its field names under ``prefix``.

    A service names its own fields ("email"); the API caller sent them nested
    ("customer.email"), and the error should point where the caller looks.
    """
    try:
        yield
    except KaikuError as exc:
        exc.fields = {f"{prefix}.{name}": message for name, message in exc.fields.items()}
        raise
