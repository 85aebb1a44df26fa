"""A rescue task's history rows, written with who acted (an ``Actor``): one place for the actor
columns, so a person, an API key and Kaiku itself are recorded alike."""

from typing import Any

from sqlalchemy.orm import Session

from surveys.kernel.actor import Actor
from surveys.models import RescueTask, RescueTaskEvent


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
    return event
