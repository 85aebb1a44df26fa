"""What the staff customer page shows of one customer: the record, the stage and its history,
the answers with their analysis, invitations, rescue tasks, referral codes and when they were
last surveyed.

Read-only, a fixed number of queries whatever the history holds (one per list, plus one for the
answers' themes). The timeline is ``surveys.customers.timeline``'s; this module gathers the lists
a page shows as lists.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from surveys.kernel.errors import NotFoundError
from surveys.models import (
    Customer,
    Invitation,
    Referral,
    RescueTask,
    Response,
    StageChange,
    UTCDateTime,
)

# Rows of one list kept at most, newest first: the page is read; the explorer has the rest.
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class CustomerProfile:
    """One customer as the staff page shows them; every list newest first.

    ``stage_since`` is when the customer entered the stage they are in (their latest stage
    change to it; their creation when none is recorded). ``task_of`` maps a response id to its
    rescue task's id. ``last_surveyed`` is the latest invitation sent or answered;
    ``recontact_until`` is when the global recontact window after it closes, ``None`` when it
    already has (a survey's own window may be longer).
    """

    customer: Customer
    stage_since: datetime
    stage_history: list[StageChange]
    responses: list[Response]
    response_count: int
    task_of: dict[int, int]
    invitations: list[Invitation]
    tasks: list[RescueTask]
    referrals: list[Referral]
    last_surveyed: datetime | None
    recontact_until: datetime | None


def customer_profile(
    session: Session,
    customer_id: int,
    *,
    now: datetime,
    recontact: timedelta,
    limit: int = DEFAULT_LIMIT,
) -> CustomerProfile:
    """The customer with id ``customer_id`` and their history, at most ``limit`` rows a list.

    :raises NotFoundError: no customer has this id.
    """
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("There is no such customer.")

    def newest(model, moment, *options) -> list:
        """The customer's newest ``limit`` rows of ``model`` by ``moment``."""
        statement = (
            select(model)
            .options(*options)
            .where(model.customer_id == customer.id)
            .order_by(moment.desc(), model.id.desc())
            .limit(limit)
        )
        return list(session.scalars(statement).unique())

    history = newest(StageChange, StageChange.changed_at)
    responses = newest(Response, Response.answered_at, selectinload(Response.themes))
    tasks = newest(RescueTask, RescueTask.created_at, selectinload(RescueTask.assignee))
    last = _last_surveyed(session, customer.id)
    until = last + recontact if last is not None and recontact else None
    return CustomerProfile(
        customer=customer,
        stage_since=_stage_since(customer, history),
        stage_history=history,
        responses=responses,
        response_count=session.scalar(
            select(func.count(Response.id)).where(Response.customer_id == customer.id)
        ),
        task_of={task.response_id: task.id for task in tasks},
        invitations=newest(Invitation, Invitation.created_at),
        tasks=tasks,
        referrals=newest(Referral, Referral.created_at),
        last_surveyed=last,
        recontact_until=until if until is not None and until > now else None,
    )


def _stage_since(customer: Customer, history: list[StageChange]) -> datetime:
    """When the customer entered their current stage: the newest change to it, else creation."""
    for change in history:
        if change.to_stage == customer.stage:
            return change.changed_at
    return customer.created_at


def _last_surveyed(session: Session, customer_id: int) -> datetime | None:
    asked = func.coalesce(Invitation.sent_at, Invitation.answered_at, type_=UTCDateTime())
    latest = func.max(asked, type_=UTCDateTime())
    return session.scalar(select(latest).where(Invitation.customer_id == customer_id))
