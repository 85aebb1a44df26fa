"""Request schemas of the rescue endpoints: PATCH of a task, and the report's period."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.api.schemas import Body, Id, Query, RescueTasksQuery, Since
from surveys.models import OUTCOME_ALIASES, OUTCOMES, PRIORITIES, RESCUE_STATUSES, STAGES
from surveys.rescue.actions import MAX_BODY_LENGTH, MAX_NOTE_LENGTH, MAX_SUBJECT_LENGTH
from surveys.rescue.resolution import MAX_RESURVEY_DAYS

Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NOTE_LENGTH)
]
StaffEmail = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]


class FollowUp(Body):
    """An email to the customer, sent on behalf of the task's assignee (Reply-To them)."""

    subject: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=1,
            max_length=MAX_SUBJECT_LENGTH,
            pattern=r"^[^\r\n]*$",
        ),
    ]
    body: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BODY_LENGTH)
    ]


class RescueTaskPatch(Body):
    """What a PATCH may change; fields left out stay as they are.

    ``assignee`` is a staff email, or null to unassign; ``note`` adds an internal note;
    ``follow_up`` emails the customer (the task becomes contacted); ``outcome``,
    ``resolution_note`` and ``resurvey_after_days`` go with ``"status": "resolved"``. The
    outcome is the agent's view (``satisfied``, ...); the old name ``won_back`` is still
    accepted as an alias of ``satisfied`` and stored as ``satisfied``: "won back" is the
    measured ``winback`` of a task, which the customer's next answer decides.
    """

    assignee: StaffEmail | None = None
    status: Literal[RESCUE_STATUSES] | None = None  # type: ignore[valid-type]
    outcome: Literal[OUTCOMES + tuple(OUTCOME_ALIASES)] | None = None  # type: ignore[valid-type]
    note: Note | None = None
    resolution_note: Note | None = None
    resurvey_after_days: Annotated[int, Field(ge=1, le=MAX_RESURVEY_DAYS)] | None = None
    follow_up: FollowUp | None = None


class RescueTasksListQuery(RescueTasksQuery):
    """The list's filters: the queue page's (``overdue``, ``priority``, ``survey``, ``stage``)
    on top of ``status`` and ``assignee`` (a staff email, or "none")."""

    overdue: bool | None = None
    priority: Literal[PRIORITIES] | None = None  # type: ignore[valid-type]
    survey: Id | None = None
    stage: Literal[STAGES] | None = None  # type: ignore[valid-type]


class RescueReportQuery(Query):
    since: Since | None = None
    until: Since | None = None
