"""How the rescue task page is drawn: its action forms (blank, or a failed one with its errors),
the timeline, and a domain error's per-field reasons placed next to the form's fields."""

from flask import render_template
from flask_wtf import FlaskForm

from app.extensions import db
from app.formatting import staff_locale
from app.rescue.forms import (
    AssignForm,
    ConfirmForm,
    FollowUpForm,
    NoteForm,
    StatusForm,
    TakeForm,
)
from surveys.customers.timeline import customer_timeline
from surveys.kernel import clock
from surveys.models import RescueTask
from surveys.rescue.emails import follow_up_greeting
from surveys.rescue.queue import assignable_staff

# The status a task's status form offers first: the next step of the usual path.
NEXT_STATUS = {
    "open": "in_progress",
    "in_progress": "contacted",
    "contacted": "resolved",
    "resolved": "in_progress",  # reopening (the Reopen button), for admins
}
HIDDEN_WHEN_RESOLVED = ("status", "assign", "follow_up")
# Each action form's field-name prefix, so forms on one page never share a field name or id.
PREFIXES = {"assign": "assign", "status": "status", "note": "note", "follow_up": "mail"}


# The domain's field names where a form names the field differently.
_FORM_FIELDS = {"resolution_note": "note"}


def show_field_errors(form, fields: dict[str, str]) -> None:
    """Put a domain error's per-field reasons next to the form's own fields."""
    for name, reason in fields.items():
        field = getattr(form, _FORM_FIELDS.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, f"{reason[:1].upper()}{reason[1:]}."]


def render_task(
    task: RescueTask,
    *,
    status: int = 200,
    error: str | None = None,
    forms: dict[str, FlaskForm] | None = None,
) -> str | tuple[str, int]:
    """The task page; ``forms`` replaces the blank action forms (a failed one, with errors)."""
    staff = assignable_staff(db.session)
    blank = {
        "take": TakeForm(formdata=None),
        "assign": AssignForm(
            staff, formdata=None, prefix=PREFIXES["assign"], data={"assignee": task.assignee_id}
        ),
        "status": StatusForm(
            formdata=None, prefix=PREFIXES["status"], data={"status": NEXT_STATUS[task.status]}
        ),
        "note": NoteForm(formdata=None, prefix=PREFIXES["note"]),
        "reopen": ConfirmForm(formdata=None),
        "follow_up": FollowUpForm(
            formdata=None,
            prefix=PREFIXES["follow_up"],
            data={"subject": f"About your answer to {task.response.survey.name}"},
        ),
    }
    page = render_template(
        "rescue/task.html",
        task=task,
        forms=blank | (forms or {}),
        # The summary links to the failed form's fields, unless the page does not show that
        # form (a resolved task has no status, assign or follow-up form): its message stands.
        failed_forms=[
            form
            for name, form in (forms or {}).items()
            if not (task.status == "resolved" and name in HIDDEN_WHEN_RESOLVED)
        ],
        error=error,
        timeline=customer_timeline(db.session, task.customer, locale=staff_locale()),
        overdue=task.is_overdue(clock.now()),
        follow_up_greeting=follow_up_greeting(task.customer),
    )
    return (page, status) if status != 200 else page
