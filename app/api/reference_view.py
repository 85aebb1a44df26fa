"""The API reference page's content, read from the OpenAPI document (app.api.openapi): the
operations by tag with their parameters, body and answers, and every schema with its fields.

Plain data for the template: a schema's type is a list of ``Token`` (text, and the name of the
schema it links to), so "array of SurveyOut or null" links SurveyOut without markup here.
"""

from dataclasses import dataclass, field
from typing import Any

REF_PREFIX = "#/components/schemas/"
RESPONSE_PREFIX = "#/components/responses/"


@dataclass(frozen=True)
class Token:
    text: str
    ref: str | None = None  # a schema's name: the text links to its section


@dataclass(frozen=True)
class Field:
    name: str
    type: list[Token]
    required: bool
    description: str = ""
    where: str = ""  # a parameter's place: path, query


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    type: list[Token]
    media: str = "application/json"


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: list[str]
    public: bool
    parameters: list[Field]
    body: list[Token] | None
    body_required: bool
    answers: list[Answer]


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    fields: list[Field]
    shape: list[Token] = field(default_factory=list)  # a schema that is not an object


@dataclass(frozen=True)
class Reference:
    title: str
    version: str
    description: str
    tags: list[tuple[str, list[Operation]]]
    schemas: list[Schema]


def reference_of(spec: dict[str, Any]) -> Reference:
    """Everything the page shows, in the document's order (tags as listed, paths sorted)."""
    by_tag: dict[str, list[Operation]] = {tag["name"]: [] for tag in spec.get("tags", [])}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            tag = (operation.get("tags") or ["Other"])[0]
            by_tag.setdefault(tag, []).append(_operation(spec, path, method, operation))
    schemas = [_schema(name, schema) for name, schema in spec["components"]["schemas"].items()]
    info = spec["info"]
    return Reference(
        title=info["title"],
        version=info["version"],
        description=info.get("description", ""),
        tags=[(tag, ops) for tag, ops in by_tag.items() if ops],
        schemas=schemas,
    )


def type_tokens(schema: dict[str, Any]) -> list[Token]:
    """A schema in a few words: "string, at most 200", "array of TriggerRuleIn", "A or null"."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF_PREFIX)
        return [Token(name, name)]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return _joined([type_tokens(option) for option in schema[key]], " or ")
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_tokens(schema["allOf"][0])
    if "const" in schema:
        return [Token(_literal(schema["const"]))]
    if "enum" in schema:
        return [Token("one of " + ", ".join(_literal(value) for value in schema["enum"]))]
    kind = schema.get("type")
    if kind == "array":
        items = type_tokens(schema.get("items", {}))
        return [Token("array of "), *items, *_limits(schema, "minItems", "maxItems", " items")]
    if kind == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, dict) and values:
            return [Token("object of "), *type_tokens(values)]
        return [Token("object")]
    if kind is None:
        return [Token("any")]
    text = kind if isinstance(kind, str) else " or ".join(kind)
    if schema.get("format"):
        text += f" ({schema['format']})"
    tokens = [Token(text)]
    tokens += _limits(schema, "minLength", "maxLength", " characters")
    tokens += _limits(schema, "minimum", "maximum", "")
    if "pattern" in schema:
        tokens.append(Token(f", matching {schema['pattern']}"))
    if schema.get("default") is not None:
        tokens.append(Token(f"; default {_literal(schema['default'])}"))
    return tokens


def _operation(spec: dict[str, Any], path: str, method: str, op: dict[str, Any]) -> Operation:
    body = op.get("requestBody")
    return Operation(
        anchor=op.get("operationId") or f"{method}-{path}",
        method=method.upper(),
        path=path,
        summary=op.get("summary", ""),
        description=[part for part in op.get("description", "").split("\n\n") if part],
        public=op.get("security", spec.get("security")) == [],
        parameters=[
            Field(
                name=param["name"],
                type=type_tokens(param.get("schema", {})),
                required=param.get("required", False),
                description=param.get("description", ""),
                where=param["in"],
            )
            for param in op.get("parameters", [])
        ],
        body=type_tokens(body["content"]["application/json"]["schema"]) if body else None,
        body_required=bool(body and body.get("required")),
        answers=[_answer(spec, status, answer) for status, answer in op["responses"].items()],
    )


def _answer(spec: dict[str, Any], status: str, answer: dict[str, Any]) -> Answer:
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].removeprefix(RESPONSE_PREFIX)]
    content = answer.get("content", {})
    media = next(iter(content), "")
    tokens = type_tokens(content[media]["schema"]) if media else [Token("no body")]
    if len(content) > 1:
        tokens = [*tokens, Token(" (or " + ", ".join(list(content)[1:]) + ")")]
    return Answer(status, answer.get("description", ""), tokens, media)


def _schema(name: str, schema: dict[str, Any]) -> Schema:
    required = set(schema.get("required", []))
    properties = schema.get("properties")
    fields = [
        Field(
            name=prop_name,
            type=type_tokens(prop),
            required=prop_name in required,
            description=prop.get("description", ""),
        )
        for prop_name, prop in (properties or {}).items()
    ]
    shape = [] if properties is not None else type_tokens(schema)
    return Schema(name, schema.get("description", ""), fields, shape)


def _joined(parts: list[list[Token]], separator: str) -> list[Token]:
    tokens: list[Token] = []
    for index, part in enumerate(parts):
        if index:
            tokens.append(Token(separator))
        tokens.extend(part)
    return tokens


def _limits(schema: dict[str, Any], low: str, high: str, unit: str) -> list[Token]:
    if low in schema and high in schema:
        return [Token(f", {schema[low]} to {schema[high]}{unit}")]
    if high in schema:
        return [Token(f", at most {schema[high]}{unit}")]
    if low in schema and (unit == "" or schema[low] > 1):  # "at least 1 character" says little
        return [Token(f", at least {schema[low]}{unit}")]
    return []


def _literal(value: Any) -> str:
    return (
        "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    )
