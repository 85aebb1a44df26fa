"""Every error of a submitted form as one list, for the error summary at the top of the form.

A person who sends a form with four mistakes hears of all four at once, in a box that takes
the focus (templates/_forms.html, static/forms.js), each problem a link to its field; the
field itself is marked ``aria-invalid`` with its message tied to it by the field macros.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from surveys.kernel.errors import KaikuError

FORM_EXPIRED = "The form expired; please submit it again."


@dataclass(frozen=True)
class Problem:
    """One line of the summary: its text, and the id of the field it links to (None: no field)."""

    text: str
    target: str | None = None


def form_problems(*forms: Any, extra: Iterable[str | None] = ()) -> list[Problem]:
    """The problems of ``forms`` in the order their fields appear, then their form-level errors
    and ``extra`` messages (an error a view shows on its own). Nested rows (a FieldList of
    FormFields) are walked, their label prefixed with the row: "Filter 2: Value"."""
    problems: list[Problem] = []
    for form in forms:
        if form is None:
            continue
        found = list(_field_problems(form, ""))
        order = getattr(form, "summary_order", None)  # the page's order, where it differs
        if order:
            rank = {name: index for index, name in enumerate(order)}
            found.sort(key=lambda p: rank.get(p.target, len(rank)))
        problems.extend(found)
        problems.extend(Problem(str(e)) for e in getattr(form, "form_errors", ()) or ())
    problems.extend(Problem(text) for text in extra if text)
    return problems


def _field_problems(form: Any, prefix: str) -> Iterator[Problem]:
    for field in form:
        if field.type == "CSRFTokenField":
            if field.errors:
                yield Problem(FORM_EXPIRED)
        elif field.type == "FieldList":
            for index, entry in enumerate(field.entries, start=1):
                row = f"{prefix}{_row_name(field)} {index}: "
                if entry.type == "FormField":
                    yield from _field_problems(entry.form, row)
                else:
                    yield from _own_problems(entry, row)
        elif field.type == "FormField":
            yield from _field_problems(field.form, prefix)
        else:
            yield from _own_problems(field, prefix)


def _own_problems(field: Any, prefix: str) -> Iterator[Problem]:
    errors = field.errors if isinstance(field.errors, list | tuple) else []
    for error in errors:
        if isinstance(error, str):
            yield Problem(f"{prefix}{field.label.text}: {error}", field.id)


def _row_name(field: Any) -> str:
    """ "Filter" for ``filters``: what one row of a list is called."""
    return field.label.text.removesuffix("s").capitalize() if field.label else "Row"


def domain_check(session: Session, action: Callable[[], Any], *, keep: bool) -> KaikuError | None:
    """Run the service call ``action`` in a savepoint and return its error, if any.

    A form whose own checks failed still asks the domain (with what could be read), so the
    person hears of the domain's problems in the same round, not after fixing the first ones;
    its writes are undone unless ``keep`` (the form was valid). The caller commits or not.
    """
    savepoint = session.begin_nested()
    try:
        action()
    except KaikuError as exc:
        savepoint.rollback()
        return exc
    if keep:
        savepoint.commit()
    else:
        savepoint.rollback()
    return None


def init_form_errors(app: Flask) -> None:
    """Offer ``form_problems`` to templates (a global, so imported macros see it)."""
    app.jinja_env.globals["form_problems"] = form_problems
