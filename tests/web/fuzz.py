"""What the route fuzz (test_fuzz_routes.py) sends: bad values, and where each route reads input.

Where a route reads input is found, not listed by hand, so a new route or parameter is fuzzed
without a change here: query parameters from the view's source (``request.args.get("x")``, the
pydantic schema of ``query_args``, a form read from ``request.args``) plus a fixed list of common
names; JSON fields from the schema of ``json_body``; form fields from the forms on the app's own
pages, with their values, so each bad value goes in one field of an otherwise filled form.
"""

import functools
import inspect
import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pydantic
from wtforms.fields.core import UnboundField

# Text a client may send anywhere: NUL, a lone surrogate, 1 MB, under the 64 KiB body limit,
# non-ASCII digits, a negative and a huge number, the word null.
BAD_TEXT = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x" * 1_000_000,
    "x" * 60_000,
    "٥",
    "-1",
    "99999999999999999999",
    "null",
]


# Sent in one place at a time only: in every place at once they would make a 20 MB request.
def is_big(value: object) -> bool:
    return isinstance(value, str) and len(value) > 1000


# JSON values of every wrong type, beside the texts above.
BAD_JSON = [None, True, -1, 2**64, 1.5, [], ["\x00"], {}, {"a": {"b": {"c": "\x00"}}}]
COMMON_QUERY_NAMES = {
    *("survey", "since", "until", "status", "customer", "category", "theme", "limit"),
    *("before_id", "page", "score", "period", "by", "next", "lang", "email", "assignee"),
}
_ARGS_GET = re.compile(r"request\.args\.get(?:list)?\(\s*[\"'](\w+)[\"']")
_SCHEMA_CALL = re.compile(r"(?:query_args|json_body)\((\w+)\)")
_ARGS_FORM = re.compile(r"(\w+Form)\((?:[^()]|\([^()]*\))*formdata=request\.args")


@functools.cache
def encoded(text: str) -> str:
    """``text`` percent-encoded as UTF-8, a lone surrogate as its three bytes (as a client may)."""
    return quote(text, safe="", errors="surrogatepass")


def form_body(fields: dict[str, str]) -> str:
    return "&".join(f"{encoded(name)}={encoded(value)}" for name, value in fields.items())


def json_text(body: Any) -> str:
    return json.dumps(body)  # a lone surrogate becomes "\ud800", valid JSON


def query_names(view) -> set[str]:
    """The query parameters ``view`` reads, found in its source (the common names are apart)."""
    source, scope = _source(view)
    names = set(_ARGS_GET.findall(source))
    for schema in _SCHEMA_CALL.findall(source):
        names |= set(getattr(scope.get(schema), "model_fields", {}))
    for form in _ARGS_FORM.findall(source):
        cls = scope.get(form)
        names |= {name for name in dir(cls) if isinstance(getattr(cls, name), UnboundField)}
    return names


def json_fields(view) -> list[str]:
    """The JSON body fields ``view``'s schema names, nested ones dotted ("customer.email")."""
    source, scope = _source(view)
    fields: list[str] = []
    for name in _SCHEMA_CALL.findall(source):
        schema = scope.get(name)
        if isinstance(schema, type) and issubclass(schema, pydantic.BaseModel):
            fields += _dotted(schema, "")
    return fields


def nested(path: str, value: Any) -> dict:
    """A body with ``value`` at the dotted ``path``."""
    head, _, rest = path.partition(".")
    return {head: nested(rest, value) if rest else value}


def _dotted(schema: type[pydantic.BaseModel], prefix: str) -> list[str]:
    names = []
    for name, field in schema.model_fields.items():
        names.append(prefix + name)
        inner = field.annotation
        if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel):
            names += _dotted(inner, f"{prefix}{name}.")
    return names


def _source(view) -> tuple[str, dict]:
    view = inspect.unwrap(view)
    try:
        return inspect.getsource(view), view.__globals__
    except (OSError, TypeError):  # a view without Python source (static files)
        return "", {}


class PageForms(HTMLParser):
    """The POST forms of a page: their action and their fields' current values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is None or not a.get("name") and tag != "option":
            return
        elif tag == "input" and a.get("type") not in ("checkbox", "radio", "submit", "button"):
            self._fields[a["name"]] = a.get("value", "")
        elif tag == "input" and "checked" in a:
            self._fields[a["name"]] = a.get("value", "on")
        elif tag == "button" and a.get("value"):
            self._fields.setdefault(a["name"], a["value"])
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            if self._select not in self._fields or "selected" in a:
                self._fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._fields[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._fields is not None and self._textarea:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
