"""The rescue queue, read-only for integrators: detractor follow-ups and their outcome."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import bp
from app.api.paging import paged
from app.api.parsing import query_args
from app.api.schemas import RescueTasksQuery
from app.api.serializers import rescue_task_json
from surveys.models import RescueTask, StaffUser


@bp.get("/rescue-tasks")
def list_rescue_tasks() -> dict[str, Any]:
    """Newest first; filters ``status`` and ``assignee`` (a staff email, or "none")."""
    query = query_args(RescueTasksQuery)
    stmt = select(RescueTask).options(selectinload(RescueTask.assignee))
    if query.status is not None:
        stmt = stmt.where(RescueTask.status == query.status)
    if query.assignee == "none":
        stmt = stmt.where(RescueTask.assignee_id.is_(None))
    elif query.assignee is not None:
        staff = select(StaffUser.id).where(StaffUser.email == query.assignee)
        stmt = stmt.where(RescueTask.assignee_id.in_(staff))
    return paged(stmt, RescueTask.id, query, rescue_task_json)
