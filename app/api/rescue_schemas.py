"""Request schemas of the rescue endpoints: PATCH of a task, and the report's period."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api.schemas import Body, Query, Since
from surveys.models import OUTCOMES, RESCUE_STATUSES
from surveys.rescue_actions import MAX_NOTE_LENGTH, MAX_RESURVEY_DAYS

Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE_LENGTH)
]
StaffEmail = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]


class RescueTaskPatch(Body):
    """What a PATCH may change; fields left out stay as they are.

    ``assignee`` is a staff email, or null to unassign; ``note`` adds an internal note;
    ``outcome``, ``resolution_note`` and ``resurvey_after_days`` go with ``"status": "resolved"``.
    """

    assignee: StaffEmail | None = None
    status: Literal[RESCUE_STATUSES] | None = None  # type: ignore[valid-type]
    outcome: Literal[OUTCOMES] | None = None  # type: ignore[valid-type]
    note: Note | None = None
    resolution_note: Note | None = None
    resurvey_after_days: Annotated[int, Field(ge=1, le=MAX_RESURVEY_DAYS)] | None = None


class RescueReportQuery(Query):
    since: Since | None = None
    until: Since | None = None
