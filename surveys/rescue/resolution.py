"""Resolving a rescue task: the rules a resolution must meet, and the re-survey it may schedule."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from surveys.kernel.actor import Actor
from surveys.kernel.errors import ValidationError
from surveys.kernel.settings import Settings
from surveys.models import OUTCOMES, RescueTask
from surveys.rescue.history import record

MAX_NOTE_LENGTH = 5000
MAX_RESURVEY_DAYS = 365


def check_resolution(
    status: str, resolving: bool, outcome: Any, note: Any, days: Any
) -> str | None:
    """The cleaned resolution note; every resolution rule checked, all errors at once."""
    errors: dict[str, str] = {}
    if not resolving:
        if status != "resolved":
            for name, value in (("outcome", outcome), ("resolution_note", note)):
                if value is not None:
                    errors[name] = "only when resolving"
            if days is not None:
                errors["resurvey_after_days"] = "only when resolving"
        if errors:
            raise ValidationError("These fields belong to a resolution.", fields=errors)
        return None
    if outcome not in OUTCOMES:
        errors["outcome"] = f"required: one of {', '.join(OUTCOMES)}"
    clean = note.strip() if isinstance(note, str) else ""
    if not clean:
        errors["resolution_note"] = "required: say what was done"
    elif len(clean) > MAX_NOTE_LENGTH:
        errors["resolution_note"] = f"at most {MAX_NOTE_LENGTH} characters"
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RESURVEY_DAYS
    ):
        errors["resurvey_after_days"] = f"a whole number of days from 1 to {MAX_RESURVEY_DAYS}"
    if errors:
        raise ValidationError("The task cannot be resolved like this.", fields=errors)
    return clean


def schedule_resurvey(
    session: Session,
    task: RescueTask,
    days: int,
    actor: Actor,
    settings: Settings,
    now: datetime,
) -> None:
    """Schedule the task's survey again for its customer ``days`` from ``now`` (outside the
    send windows' checks), and record it in the task's history; flushes."""
    from surveys.delivery.scheduling import schedule_invitation  # H2's module; imported where used

    invitation = schedule_invitation(
        session,
        task.response.survey,
        task.customer,
        settings,
        at=now + timedelta(days=days),
        check_windows=False,
        cause="rescue",
    )
    task.resurvey_invitation_id = invitation.id
    record(
        session,
        task,
        "resurvey",
        actor,
        invitation_id=invitation.id,
        status=invitation.status,
        scheduled_for=invitation.scheduled_for.isoformat() if invitation.scheduled_for else None,
        reason=invitation.reason,
    )
