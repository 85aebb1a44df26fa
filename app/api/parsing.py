"""Reading a request: a JSON body or a query string into a schema, an id into a row.

Every way a client can get this wrong ends in a 4xx: 415 for a body that is not JSON, 413 past
MAX_CONTENT_LENGTH, 400 for malformed JSON or a body that is not an object, 422 for values the
schema refuses, 404 for an id no row has.
"""

import json
from typing import Any, TypeVar

import pydantic
from flask import current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from app.api.errors import from_pydantic
from app.extensions import db
from app.inputs import text_problem
from surveys.catalog.definitions import MAX_ID
from surveys.kernel.errors import NotFoundError, ValidationError

Model = TypeVar("Model", bound=pydantic.BaseModel)
Row = TypeVar("Row")

# Deeper than any body the API expects; a limit here keeps the checks below off the C stack.
MAX_DEPTH = 20
JSON_CONTROLS = frozenset(chr(code) for code in range(1, 32)) | {"\x7f"}


def json_body(schema: type[Model]) -> Model:
    """The request body validated against ``schema``.

    :raises UnsupportedMediaType: the content type is not JSON (415).
    :raises RequestEntityTooLarge: the body is larger than MAX_CONTENT_LENGTH (413).
    :raises BadRequest: the body is not JSON, or not a JSON object (400).
    :raises ValidationError: the schema refuses a value; every bad field is named (422).
    """
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024
        raise RequestEntityTooLarge(f"The body is larger than {limit} KiB.") from None
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise BadRequest(f"The body is not valid JSON: {_short(exc)}") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    _check_text(data, "")
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc) from None


def query_args(schema: type[Model]) -> Model:
    """The query string validated against ``schema``; empty parameters count as absent.

    :raises ValidationError: a parameter the schema refuses (422), named in ``fields``.
    """
    args = {
        name: value
        for name, value in request.args.items()
        if value != "" and name in schema.model_fields
    }
    try:
        return schema.model_validate(args)
    except pydantic.ValidationError as exc:
        raise from_pydantic(exc) from None


def load(model: type[Row], row_id: int, label: str) -> Row:
    """The row of ``model`` with ``row_id``.

    :raises NotFoundError: there is none, including ids too large to exist (404).
    """
    row = db.session.get(model, row_id) if 0 < row_id <= MAX_ID else None
    if row is None:
        raise NotFoundError(f"No {label} {row_id}.")
    return row


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def _check_text(value: Any, path: str, depth: int = 0) -> None:
    """Refuse strings no database stores: NUL characters and lone surrogates ("\\ud800")."""
    if depth > MAX_DEPTH:
        raise BadRequest(f"The body is nested deeper than {MAX_DEPTH} levels.")
    if isinstance(value, str):
        # JSON strings may hold any control character but these; their fields check the rest.
        problem = text_problem(value, allowed=JSON_CONTROLS)
        if problem:
            raise ValidationError(
                f"{path or 'A string'} {problem}.", fields={path or "body": problem}
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            _check_text(key, child, depth + 1)
            _check_text(item, child, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, f"{path}.{index}" if path else str(index), depth + 1)
