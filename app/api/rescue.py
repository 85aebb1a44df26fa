"""The rescue queue over the API: list, read and work tasks with the same rules as the pages,
and the rescue report."""

from typing import Any

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import bp
from app.api.paging import paged
from app.api.parsing import json_body, load, query_args
from app.api.rescue_schemas import RescueReportQuery, RescueTaskPatch, RescueTasksListQuery
from app.api.serializers import rescue_task_json
from app.extensions import db
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import ValidationError
from surveys.models import RescueTask, StaffUser
from surveys.rescue import actions as rescue_actions
from surveys.rescue.queue import QueueFilters, filtered_tasks
from surveys.rescue.report import rescue_report
from surveys.staff.accounts import find_staff, normalize_email

RESOLUTION_FIELDS = ("outcome", "resolution_note", "resurvey_after_days")


@bp.get("/rescue-tasks")
def list_rescue_tasks() -> dict[str, Any]:
    """Newest first; filters ``status``, ``assignee`` (a staff email, or "none"), and the queue
    page's ``overdue`` (true: past due without contact), ``priority``, ``survey``, ``stage``."""
    query = query_args(RescueTasksListQuery)
    filters = QueueFilters(
        status=query.status or "all",
        assignee="unassigned" if query.assignee == "none" else "any",
        overdue=bool(query.overdue),
        priority=query.priority,
        survey_id=query.survey,
        stage=query.stage,
    )
    stmt = filtered_tasks(filters, me_id=None, now=clock.now()).options(
        selectinload(RescueTask.assignee), selectinload(RescueTask.customer)
    )
    if query.assignee not in (None, "none"):
        staff = select(StaffUser.id).where(StaffUser.email == normalize_email(query.assignee))
        stmt = stmt.where(RescueTask.assignee_id.in_(staff))
    return paged(stmt, RescueTask.id, query, rescue_task_json)


@bp.get("/rescue-tasks/<int:task_id>")
def get_rescue_task(task_id: int) -> dict[str, Any]:
    """One task with its notes and history."""
    return rescue_task_json(load(RescueTask, task_id, "rescue task"), full=True)


@bp.patch("/rescue-tasks/<int:task_id>")
def patch_rescue_task(task_id: int) -> dict[str, Any]:
    """Assign, add a note, email the customer, move the status (resolve with outcome and note,
    optionally re-survey), in that order.

    All or nothing: a refused change (422 bad value, 409 illegal transition, each naming its
    field) rolls back the whole request. The API key is the actor: history rows and notes name
    it ("API key <name>"), and the domain applies its role (reopening needs an admin key). A
    ``follow_up`` goes out on behalf of the task's assignee (Reply-To them; none: 409) after
    the commit.
    """
    task = load(RescueTask, task_id, "rescue task")
    given = json_body(RescueTaskPatch).given()
    _check_patch(given)
    actor = Actor.of_api_key(g.api_key)
    settings = current_app.extensions["kaiku_settings"]
    status = given.get("status")
    reopening = task.status == "resolved" and status not in (None, "resolved")
    if reopening:  # first, so the reopened task can then be reassigned
        _change_status(task, given, actor, settings)
    if "assignee" in given:
        rescue_actions.assign(db.session, task, _staff(given["assignee"]), actor=actor)
    if "note" in given:
        rescue_actions.add_note(db.session, task, given["note"], actor=actor)
    if "follow_up" in given:  # before the status: "contacted → resolved" in one request
        rescue_actions.send_follow_up(
            db.session,
            task,
            actor=actor,
            subject=given["follow_up"]["subject"],
            body=given["follow_up"]["body"],
            settings=settings,
        )
    if status is not None and not reopening:
        _change_status(task, given, actor, settings)
    db.session.flush()
    answer = rescue_task_json(task, full=True)
    db.session.commit()  # sends the follow-up, if one was written
    return answer


@bp.get("/reports/rescue")
def get_rescue_report() -> dict[str, Any]:
    """Tasks opened in ``[since, until)``: opened, median first contact, SLA, closure and
    win-back rates, in total, by agent and by survey (definitions: surveys.rescue.report)."""
    query = query_args(RescueReportQuery)
    return rescue_report(db.session, since=query.since, until=query.until)


def _check_patch(given: dict[str, Any]) -> None:
    errors = {
        name: "may not be null" for name, v in given.items() if v is None and name != "assignee"
    }
    if not given:
        errors["body"] = "nothing to change"
    if given.get("status") is None:
        errors |= {
            name: 'only with "status": "resolved"' for name in RESOLUTION_FIELDS if name in given
        }
    if errors:
        raise ValidationError("The change is not valid.", fields=errors)


def _change_status(task: RescueTask, given: dict[str, Any], actor: Actor, settings) -> None:
    rescue_actions.change_status(
        db.session,
        task,
        given["status"],
        actor=actor,
        outcome=given.get("outcome"),
        note=given.get("resolution_note"),
        resurvey_after_days=given.get("resurvey_after_days"),
        settings=settings,
    )


def _staff(email: str | None) -> StaffUser | None:
    if email is None:
        return None
    user = find_staff(db.session, email)
    if user is None:
        raise ValidationError(f"No staff user {email}.", fields={"assignee": "no such staff user"})
    return user
