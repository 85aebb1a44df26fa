"""Rescue pages: the queue, one task with the customer's timeline and its actions (the report:
``report_page``).

Views are thin: read the form, call ``surveys.rescue.actions``, commit (which sends the emails
the action queued), and redirect (POST-redirect-GET). A form or domain error renders the task
again with a 4xx status and the error, after a rollback: nothing changed.
"""

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth.decorators import role_required
from app.extensions import db
from app.rescue import bp
from app.rescue.display import template_helpers
from app.rescue.forms import (
    STATUS_LABELS,
    AssignForm,
    ConfirmForm,
    FollowUpForm,
    NoteForm,
    QueueFilterForm,
    StatusForm,
    TakeForm,
)
from app.rescue.task_view import NEXT_STATUS, PREFIXES, render_task, show_field_errors
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import KaikuError
from surveys.models import RescueTask
from surveys.rescue import actions as rescue_actions
from surveys.rescue.queue import QueueFilters, assignable_staff, rescue_queue, survey_choices

WORKERS = ("admin", "agent")


@bp.context_processor
def rescue_helpers() -> dict:
    """Time, label and tone helpers for the rescue templates (see ``display``)."""
    return template_helpers(clock.now())


@bp.get("/", endpoint="queue")
@role_required(*WORKERS)
def queue_page() -> tuple[str, int] | str:
    """The queue: filtered by the GET form, earliest due first, a page at a time."""
    form = QueueFilterForm(survey_choices(db.session), formdata=request.args)
    if not form.validate():
        return render_template("rescue/queue.html", form=form, page=None), 400
    filters = QueueFilters(
        status=form.status.data,
        assignee=form.assignee.data,
        overdue=bool(form.overdue.data),
        priority=form.priority.data or None,
        survey_id=form.survey.data,
        stage=form.stage.data or None,
    )
    page = rescue_queue(
        db.session, filters, me_id=current_user.id, now=clock.now(), page=form.page.data or 1
    )
    if page.page > page.pages:
        abort(404, "There is no such page of the queue.")
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("rescue/queue.html", form=form, page=page, filter_args=args)


@bp.get("/<int:task_id>", endpoint="task")
@role_required(*WORKERS)
def task_page(task_id: int) -> str:
    """One task: the answer, the customer's timeline, notes, history and the action forms."""
    return render_task(load_task(task_id))


@bp.post("/<int:task_id>/take", endpoint="take")
@role_required(*WORKERS)
def take(task_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Assign the task to whoever is signed in."""
    task = load_task(task_id)
    form = TakeForm()
    if not form.validate():
        return render_task(task, status=400, error="The form expired; try again.")
    me = current_user._get_current_object()
    return act(
        task, lambda: rescue_actions.assign(db.session, task, me, actor=_me()), "You took it."
    )


@bp.post("/<int:task_id>/assign", endpoint="assign")
@role_required(*WORKERS)
def assign(task_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Give the task to an active admin or agent, or to no one."""
    task = load_task(task_id)
    staff = assignable_staff(db.session)
    form = AssignForm(staff, prefix=PREFIXES["assign"])
    if not form.validate():
        return render_task(task, status=422, forms={"assign": form})
    assignee = next((user for user in staff if user.id == form.assignee.data), None)
    message = f"Assigned to {assignee.email}." if assignee else "The task is unassigned now."
    return act(
        task,
        lambda: rescue_actions.assign(db.session, task, assignee, actor=_me()),
        message,
        forms={"assign": form},
    )


@bp.post("/<int:task_id>/status", endpoint="status")
@role_required(*WORKERS)
def change_status(task_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Move the task on; resolving needs an outcome and a note, optionally a re-survey."""
    task = load_task(task_id)
    form = StatusForm(prefix=PREFIXES["status"])
    if not form.validate():
        return render_task(task, status=422, forms={"status": form})
    resolving = form.status.data == "resolved"

    def run() -> None:
        rescue_actions.change_status(
            db.session,
            task,
            form.status.data,
            actor=_me(),
            outcome=form.outcome.data if resolving else None,
            note=form.note.data.strip() if resolving else None,
            resurvey_after_days=form.resurvey_after_days.data if resolving else None,
            settings=_settings(),
        )

    message = f"Status: {STATUS_LABELS[form.status.data].lower()}."
    return act(task, run, message, forms={"status": form})


@bp.post("/<int:task_id>/reopen", endpoint="reopen")
@role_required("admin")
def reopen(task_id: int) -> WerkzeugResponse | tuple[str, int]:
    """An admin's Reopen button on a resolved task: back to in progress, with a history event
    (the domain refuses a task that is not resolved: 409)."""
    task = load_task(task_id)
    if not ConfirmForm().validate():
        return render_task(task, status=400, error="The form expired; try again.")
    if task.status != "resolved":
        return render_task(task, status=409, error="This task is not resolved: nothing to reopen.")

    def run() -> None:
        rescue_actions.change_status(
            db.session, task, NEXT_STATUS["resolved"], actor=_me(), settings=_settings()
        )

    return act(task, run, "Reopened: the task is in progress again.")


@bp.post("/<int:task_id>/notes", endpoint="note")
@role_required(*WORKERS)
def add_note(task_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Add an internal note (never shown to the customer)."""
    task = load_task(task_id)
    form = NoteForm(prefix=PREFIXES["note"])
    if not form.validate():
        return render_task(task, status=422, forms={"note": form})
    return act(
        task,
        lambda: rescue_actions.add_note(db.session, task, form.body.data.strip(), actor=_me()),
        "Note added.",
        forms={"note": form},
        anchor="notes",
    )


@bp.post("/<int:task_id>/follow-up", endpoint="follow_up")
@role_required(*WORKERS)
def follow_up(task_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Email the customer from the task (reply-to the agent); the task becomes contacted."""
    task = load_task(task_id)
    form = FollowUpForm(prefix=PREFIXES["follow_up"])
    if not form.validate():
        return render_task(task, status=422, forms={"follow_up": form})

    def run() -> None:
        rescue_actions.send_follow_up(
            db.session,
            task,
            actor=_me(),
            subject=form.subject.data.strip(),
            body=form.body.data.strip(),
            settings=_settings(),
        )

    address = task.customer.email
    return act(task, run, f"Follow-up sent to {address}.", forms={"follow_up": form})


# ---------- helpers ----------


def load_task(task_id: int) -> RescueTask:
    task = db.session.get(RescueTask, task_id)
    if task is None:
        abort(404, "There is no such rescue task.")
    return task


def act(
    task: RescueTask,
    action: Callable[[], object],
    message: str,
    *,
    forms: dict[str, FlaskForm] | None = None,
    anchor: str | None = None,
) -> WerkzeugResponse | tuple[str, int]:
    """Run a domain action, commit (which sends its emails), redirect to the task.

    A ``KaikuError`` rolls back and renders the task again with its status (4xx).
    """
    task_id = task.id
    try:
        action()
        db.session.commit()
    except KaikuError as exc:
        db.session.rollback()
        for form in (forms or {}).values():
            show_field_errors(form, exc.fields)
        return render_task(load_task(task_id), status=exc.status, error=exc.message, forms=forms)
    flash(message, "success")
    target = url_for("rescue.task", task_id=task_id)
    return redirect(f"{target}#{anchor}" if anchor else target, code=303)


def _me() -> Actor:
    """The signed-in person, as the actor of a change."""
    return Actor.of_staff(current_user._get_current_object())


def _settings():
    return current_app.extensions["kaiku_settings"]
