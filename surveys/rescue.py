"""Rescue tasks: opening one for each unhappy answer, exactly once."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from surveys.db import insert_for
from surveys.models import RescueTask
from surveys.settings import Settings


@dataclass(frozen=True)
class RescueCase:
    """What opening a task needs to know about the answer behind it."""

    response_id: int
    customer_id: int
    survey_id: int
    answered_at: datetime
    priority: str


def open_rescue_tasks(
    session: Session, cases: list[RescueCase], settings: Settings
) -> dict[int, int]:
    """Open a task for each case unless its response has one; returns {response_id: task_id}.

    One statement for the whole batch, idempotent behind the unique response id: a second call
    (or a racing worker) opens nothing more. A task that exists and is not resolved is raised to
    high priority when its case is high (a negative comment that came after the score).
    """
    if not cases:
        return {}
    session.execute(
        insert_for(session, RescueTask).on_conflict_do_nothing(index_elements=["response_id"]),
        [
            {
                "response_id": case.response_id,
                "customer_id": case.customer_id,
                "survey_id": case.survey_id,
                "status": "open",
                "priority": case.priority,
                "due_at": case.answered_at + settings.rescue_due,
            }
            for case in cases
        ],
    )
    urgent = [case.response_id for case in cases if case.priority == "high"]
    if urgent:
        session.execute(
            update(RescueTask)
            .where(
                RescueTask.response_id.in_(urgent),
                RescueTask.priority != "high",
                RescueTask.status != "resolved",
            )
            .values(priority="high")
            .execution_options(synchronize_session=False)
        )
    ids = [case.response_id for case in cases]
    return dict(
        session.execute(
            select(RescueTask.response_id, RescueTask.id).where(RescueTask.response_id.in_(ids))
        ).all()
    )
