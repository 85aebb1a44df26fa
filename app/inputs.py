"""The one input check of every request: path segments, query strings and form fields carry
no character a database cannot store or a person cannot type.

An ``<int:...>`` path segment larger than any id a row can have (2**31 - 1, PostgreSQL's
integer) is a 404, not a database error.

A NUL, another C0 control character (but tab and line breaks, which a person types into a
textarea) or a lone surrogate is refused before any view runs: 404 in a path segment (no such
address exists), 422 in a query parameter or form field, naming it, and nothing changes. A form
field a view marks with ``keeps_text`` is never refused: its text is kept with those characters
removed, so a respondent's comment is not lost for a character. JSON bodies are checked by the
same rule in ``app/api/parsing.py``.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import Flask, current_app, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from surveys.catalog.definitions import MAX_ID
from surveys.kernel.errors import NotFoundError, ValidationError

View = TypeVar("View", bound=Callable)
# What a person types: a textarea's tab and line breaks. Nothing else below 32.
TYPED_CONTROLS = frozenset("\t\n\r")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def text_problem(value: str, allowed: frozenset[str] = frozenset()) -> str | None:
    """What makes ``value`` unstorable or untypable, in words, or None when it is fine.

    A NUL, a C0 control character not in ``allowed``, DEL, or a lone surrogate ("\\ud800").
    """
    if value.isprintable():  # the common case, in C: no control character, no surrogate
        return None
    if "\x00" in value:
        return "contains a NUL character"
    if any(_is_control(ch) and ch not in allowed for ch in value):
        return "contains a control character"
    if any(_is_surrogate(ch) for ch in value):
        return "is not valid Unicode"
    return None


def storable(value: str, allowed: frozenset[str] = TYPED_CONTROLS) -> str:
    """``value`` without the characters ``text_problem`` names."""
    return "".join(
        ch for ch in value if not (_is_control(ch) and ch not in allowed or _is_surrogate(ch))
    )


def _is_control(ch: str) -> bool:
    return ch < " " or ch == "\x7f"


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def keeps_text(*fields: str) -> Callable[[View], View]:
    """Mark form ``fields`` of a view whose text is cleaned (``storable``) instead of refused."""

    def mark(view: View) -> View:
        view._kaiku_kept_fields = frozenset(fields)  # type: ignore[attr-defined]
        return view

    return mark


def check_request() -> None:
    """The ``before_request`` hook: refuse a bad path segment, query parameter or form field.

    :raises NotFoundError: a path segment fails the rule, or is an id too large to exist (404).
    :raises ValidationError: a query parameter or form field fails it (422), named in ``fields``.
    """
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and text_problem(value):
            raise NotFoundError("Nothing is at this address: it has a character no link has.")
        if isinstance(value, int) and value > MAX_ID:
            raise NotFoundError("Nothing is at this address: no id is that large.")
    _refuse_bad(request.args.items(multi=True), "parameter")
    # Only a form body is parsed here: a JSON body is the API's to read, with its own limits,
    # and a body over the app's limit is left to the one view that raises it (the CSV upload).
    if request.mimetype not in FORM_TYPES or _over_limit() or not request.form:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    kept = getattr(view, "_kaiku_kept_fields", frozenset())
    if kept:
        cleaned = MultiDict(
            (name, storable(value) if name in kept else value)
            for name, value in request.form.items(multi=True)
        )
        request.form = ImmutableMultiDict(cleaned)  # type: ignore[misc]
    _refuse_bad(request.form.items(multi=True), "field")


def _over_limit() -> bool:
    limit = request.max_content_length
    return limit is not None and (request.content_length or 0) > limit


def _refuse_bad(items: Iterable[tuple[str, str]], noun: str) -> None:
    for name, value in items:
        problem = text_problem(name) or text_problem(value, TYPED_CONTROLS)
        if problem:
            shown = name if text_problem(name) is None else "?"
            raise ValidationError(
                f"The {noun} {shown} {problem}; send it without.", fields={shown: problem}
            )


def init_inputs(app: Flask) -> None:
    """Run ``check_request`` before every view of ``app``."""
    app.before_request(check_request)
