"""The rescue queue as the support team reads it: filtered, sorted by due time, a page at a time.

Read-only queries for the queue page; the actions on a task are in ``surveys.rescue.actions``.
"""

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from surveys.models import Customer, RescueTask, StaffUser, Survey
from surveys.rescue.opening import ASSIGNABLE_ROLES

# Which tasks a status filter shows: "active" is every task not yet resolved.
STATUS_FILTERS = ("active", "open", "in_progress", "contacted", "resolved", "all")
ASSIGNEE_FILTERS = ("any", "mine", "unassigned")
PER_PAGE = 25


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows. ``assignee``: any, mine (``me_id``) or unassigned; ``overdue``: only
    tasks past due without a first contact; the rest narrow by equality."""

    status: str = "active"
    assignee: str = "any"
    overdue: bool = False
    priority: str | None = None
    survey_id: int | None = None
    stage: str | None = None


@dataclass(frozen=True)
class QueuePage:
    tasks: list[RescueTask]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def rescue_queue(
    session: Session,
    filters: QueueFilters,
    *,
    me_id: int | None,
    now: datetime,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> QueuePage:
    """One page of the tasks ``filters`` select, earliest due first (then oldest), with their
    response, survey, customer and assignee loaded: a fixed number of queries per page. A page
    past the last one is empty."""
    stmt = filtered_tasks(filters, me_id=me_id, now=now)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, page)
    if (page - 1) * per_page >= total:  # past the last page: none, and no offset too large for SQL
        return QueuePage([], total, page, per_page)
    tasks = session.scalars(
        stmt.options(
            selectinload(RescueTask.assignee),
            selectinload(RescueTask.customer),
            selectinload(RescueTask.response),  # its survey comes joined
        )
        .order_by(RescueTask.due_at, RescueTask.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).unique()
    return QueuePage(list(tasks), total, page, per_page)


def filtered_tasks(filters: QueueFilters, *, me_id: int | None, now: datetime) -> Select:
    """``select(RescueTask)`` narrowed by ``filters``, unordered (the API pages it by id)."""
    stmt = select(RescueTask)
    if filters.status == "active":
        stmt = stmt.where(RescueTask.status != "resolved")
    elif filters.status != "all":
        stmt = stmt.where(RescueTask.status == filters.status)
    if filters.assignee == "mine":
        stmt = stmt.where(RescueTask.assignee_id == me_id)
    elif filters.assignee == "unassigned":
        stmt = stmt.where(RescueTask.assignee_id.is_(None))
    if filters.overdue:
        # The same rule as RescueTask.is_overdue, in SQL.
        stmt = stmt.where(
            RescueTask.first_contact_at.is_(None),
            RescueTask.status != "resolved",
            RescueTask.due_at < now,
        )
    if filters.priority:
        stmt = stmt.where(RescueTask.priority == filters.priority)
    if filters.survey_id is not None:
        stmt = stmt.where(RescueTask.survey_id == filters.survey_id)
    if filters.stage:
        stage_of = select(Customer.id).where(Customer.stage == filters.stage)
        stmt = stmt.where(RescueTask.customer_id.in_(stage_of))
    return stmt


def assignable_staff(session: Session) -> list[StaffUser]:
    """Active admins and agents, by name then email: who a task can be given to."""
    return list(
        session.scalars(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.role.in_(ASSIGNABLE_ROLES))
            .order_by(func.lower(func.coalesce(StaffUser.name, StaffUser.email)), StaffUser.id)
        )
    )


def survey_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every survey, active first then by name: the queue's survey filter."""
    return [
        (row.id, row.name)
        for row in session.execute(
            select(Survey.id, Survey.name).order_by(Survey.active.desc(), Survey.name, Survey.id)
        )
    ]
