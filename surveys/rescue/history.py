"""A rescue task's history rows, written with who acted (an ``Actor``): one place for the actor
columns, so a person, an API key and Kaiku itself are recorded alike. Every row recorded here
also emits ``rescue_task.updated`` (the webhooks' outbox, same transaction)."""

from typing import Any

from sqlalchemy.orm import Session

from surveys.kernel.actor import Actor
from surveys.models import RescueTask, RescueTaskEvent
from surveys.webhooks import emit


def actor_columns(actor: Actor) -> dict[str, Any]:
    """The RescueTaskEvent columns naming ``actor`` (for bulk inserts as for new rows)."""
    return {
        "actor_id": actor.staff_id,
        "actor_kind": actor.kind,
        "actor_key_id": actor.key_id,
        "actor_label": actor.label,
    }


def history_event(actor: Actor, action: str, **detail: Any) -> RescueTaskEvent:
    """A new history row by ``actor``; the caller appends it to a task's ``history``."""
    return RescueTaskEvent(action=action, detail=detail, **actor_columns(actor))


def record(
    session: Session, task: RescueTask, action: str, actor: Actor, **detail: Any
) -> RescueTaskEvent:
    """Append a history row by ``actor`` to ``task`` and flush (so the row has its id)."""
    event = history_event(actor, action, **detail)
    task.history.append(event)
    session.flush()
    emit_updated(session, task, action, detail)
    return event


def task_data(task: RescueTask) -> dict[str, Any]:
    """A task as the ``rescue_task.*`` webhooks carry it."""
    return {
        "id": task.id,
        "response_id": task.response_id,
        "survey_id": task.survey_id,
        "customer": task.customer.external_id if task.customer else None,
        "status": task.status,
        "priority": task.priority,
        "due_at": task.due_at,
        "assignee": task.assignee.email if task.assignee else None,
        "outcome": task.outcome,
    }


def emit_updated(session: Session, task: RescueTask, action: str, detail: dict[str, Any]) -> None:
    """``rescue_task.updated`` for ``task``: what was done (``action``, ``detail``) and the task
    as it is now."""
    emit(session, "rescue_task.updated", {"action": action, "detail": detail} | task_data(task))
