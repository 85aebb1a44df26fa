"""``GET /api/v1/openapi.json``: the API's OpenAPI 3.1 document, generated from the code.

The paths and methods come from ``app.url_map`` (every route under /api/v1, the widget's
included), the descriptions from the views' docstrings, the request, query and answer schemas
from the pydantic models (``model_json_schema``: JSON Schema 2020-12, which OpenAPI 3.1 takes
as it is), and the rest from app.api.openapi_ops. Served without a key: see app.api.auth.
"""

import inspect
import re
from typing import Any

from flask import Flask, current_app
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api import bp
from app.api.openapi_ops import OPERATIONS, Op
from app.api.response_models import Error
from surveys.catalog.definitions import MAX_ID

PREFIX = "/api/v1"
REF = "#/components/schemas/{model}"
VERSION = "1.0.0"
SKIPPED_METHODS = frozenset({"HEAD", "OPTIONS"})
ERRORS = {
    400: "The body is not JSON, or not a JSON object.",
    401: "No API key, or one that is not valid (with a Bearer challenge).",
    403: "The key's role does not allow this call; for the widget, a refused identity or origin.",
    404: "No such row (an id, key or external id that does not exist).",
    409: "The change conflicts with the current state (a taken key, a refused transition, ...).",
    413: "The body is larger than 64 KiB.",
    415: "The body is not sent as application/json.",
    422: "A value is not valid; `fields` names each bad field.",
    429: "Past a rate limit; ``Retry-After`` says when to try again.",
}
CONVERTERS = {
    "int": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "path": {"type": "string", "minLength": 1, "maxLength": 255},
    "customer_id": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^(?!.*/export$)",
    },  # fmt: skip
    "default": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^/]+$"},
}
ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """Every (method, rule, endpoint) of the app under /api/v1, HEAD and OPTIONS left out."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule == PREFIX or rule.rule.startswith(PREFIX + "/"):
            for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
                found.append((method, rule.rule, rule.endpoint))
    return sorted(found, key=lambda route: (route[1], route[0]))


def undocumented(app: Flask) -> list[str]:
    """The endpoints of /api/v1 routes that app.api.openapi_ops does not describe."""
    return sorted({endpoint for _, _, endpoint in routes(app) if endpoint not in OPERATIONS})


def openapi_path(rule: str) -> str:
    """ "/api/v1/surveys/<int:survey_id>" as OpenAPI writes it, under the server's /api/v1:
    "/surveys/{survey_id}"."""
    return ARGUMENT.sub(r"{\2}", rule.removeprefix(PREFIX)) or "/"


def build_spec(app: Flask) -> dict[str, Any]:
    """The whole document for ``app``; routes without an entry in OPERATIONS are left out (and
    named by ``undocumented``)."""
    described = [(m, r, e) for m, r, e in routes(app) if e in OPERATIONS]
    models = _models(OPERATIONS[e] for _, _, e in described)
    refs, top = models_json_schema(models, ref_template=REF)
    schemas = dict(top.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for method, rule, endpoint in described:
        op = OPERATIONS[endpoint]
        view = app.view_functions[endpoint]
        operation = _operation(op, endpoint, view, rule, refs, schemas)
        paths.setdefault(openapi_path(rule), {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kaiku API",
            "version": VERSION,
            "description": (
                "JSON over HTTPS with `Authorization: Bearer <api key>` (roles admin, agent, "
                "analyst); the widget's calls under /embed are public. Every error answers "
                '`{"error": {"code", "message", "fields"}}`.'
            ),
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}],
        "tags": [{"name": tag} for tag in dict.fromkeys(op.tag for op in OPERATIONS.values())],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API key from `flask create-api-key NAME --role ROLE`.",
                }
            },
            "responses": {
                str(status): {"description": text, "content": _json(_ref("Error"))}
                for status, text in ERRORS.items()
            },
        },
    }


def implied_errors(op: Op, rule: str) -> list[int]:
    """The error statuses a route answers by its shape, with the entry's own ``errors``; a path
    parameter can be a 404 even on a PUT (an external id too long to be one)."""
    statuses = set(op.errors)
    if not op.public:
        statuses |= {401, 403}
    if op.body is not None:
        statuses |= {400, 413, 415, 422}
    if op.query is not None:
        statuses.add(422)
    if ARGUMENT.search(rule):
        statuses.add(404)
    if op.public and op.body is not None:  # the widget: identity, origin, survey key, limits
        statuses |= {403, 404, 429}
    return sorted(statuses)


def _models(ops) -> list[tuple[type[BaseModel], str]]:
    found: dict[tuple[type[BaseModel], str], None] = {(Error, "serialization"): None}
    for op in ops:
        if op.body is not None:
            found[(op.body, "validation")] = None
        for model in op.answers.values():
            if model is not None:
                found[(model, "serialization")] = None
    return list(found)


def _operation(  # noqa: ANN001 (view, refs: a view function, pydantic's ref map)
    op: Op, endpoint: str, view, rule: str, refs, schemas: dict[str, Any]
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [op.tag],
        "summary": op.summary,
        "operationId": endpoint.split(".", 1)[1],
        "parameters": _path_parameters(rule) + _query_parameters(op, schemas),
        "responses": {},
    }
    if inspect.getdoc(view):
        operation["description"] = inspect.getdoc(view)
    if op.public:
        operation["security"] = []
    if op.body is not None:
        operation["requestBody"] = {
            "required": not op.body_optional,
            "content": _json(refs[(op.body, "validation")]),
        }
    for status, model in sorted(op.answers.items()):
        answer: dict[str, Any] = {"description": _status_text(status)}
        if endpoint == "api.openapi_spec":
            answer["content"] = _json({"type": "object"})
        elif model is not None:
            answer["content"] = _json(refs[(model, "serialization")])
            if op.csv:
                answer["content"]["text/csv"] = {"schema": {"type": "string"}}
        operation["responses"][str(status)] = answer
    for status in implied_errors(op, rule):
        operation["responses"][str(status)] = {"$ref": f"#/components/responses/{status}"}
    if not operation["parameters"]:
        del operation["parameters"]
    return operation


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(CONVERTERS.get(converter or "default", CONVERTERS["default"])),
        }
        for converter, name in ARGUMENT.findall(rule)
    ]


def _query_parameters(op: Op, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """One parameter per field of the query model; a query string has no null, so the
    ``X | None`` of an optional field is documented as X, and an empty value counts as absent
    (app.api.parsing.query_args), hence ``allowEmptyValue``."""
    if op.query is None:
        return []
    schema = op.query.model_json_schema(by_alias=True, ref_template=REF)
    schemas.update(schema.get("$defs", {}))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = _without_null(prop)
        parameter = {
            "name": name,
            "in": "query",
            "required": False,
            "allowEmptyValue": True,
            "schema": prop,
        }
        if "description" in prop:
            parameter["description"] = prop.pop("description")
        parameters.append(parameter)
    return parameters


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    prop = {key: value for key, value in prop.items() if key != "title"}
    options = [option for option in prop.get("anyOf", []) if option != {"type": "null"}]
    if "anyOf" in prop and len(options) == 1:
        prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **options[0]}
    if prop.get("default", 0) is None:
        del prop["default"]
    return prop


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _status_text(status: int) -> str:
    return {200: "OK", 201: "Created", 202: "Accepted", 204: "No content"}.get(status, "OK")


_SPEC_KEY = "kaiku_openapi"


def cached_spec(app: Flask) -> dict[str, Any]:
    """``build_spec(app)``, built on first use and kept: the routes and models do not change
    while the app runs."""
    spec = app.extensions.get(_SPEC_KEY)
    if spec is None:
        spec = app.extensions[_SPEC_KEY] = build_spec(app)
    return spec


@bp.get("/openapi.json")
def openapi_spec() -> dict[str, Any]:
    """This document. Served without an API key: it describes the public contract (what the
    README says too) and holds no data, and tools fetch it before they hold a key."""
    return cached_spec(current_app)
