"""Rescue tasks: opening one for an unhappy answer, exactly once."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from surveys.db import insert_ignore
from surveys.models import RescueTask, Response
from surveys.settings import Settings


def open_rescue_task(
    session: Session, response: Response, priority: str, settings: Settings
) -> RescueTask:
    """The response's rescue task, opened now unless it exists; flushes.

    Idempotent behind the unique response id: a second call (or a racing worker) opens nothing
    more. An open task whose answer got a negative comment later is raised to high priority.
    """
    insert_ignore(
        session,
        RescueTask,
        {
            "response_id": response.id,
            "customer_id": response.customer_id,
            "survey_id": response.survey_id,
            "status": "open",
            "priority": priority,
            "due_at": response.answered_at + settings.rescue_due,
        },
        conflict=["response_id"],
    )
    if priority == "high":
        session.execute(
            update(RescueTask)
            .where(
                RescueTask.response_id == response.id,
                RescueTask.priority != "high",
                RescueTask.status != "resolved",
            )
            .values(priority="high")
        )
    return session.scalars(
        select(RescueTask).where(RescueTask.response_id == response.id)
    ).one()
