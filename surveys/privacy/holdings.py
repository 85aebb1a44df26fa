"""Where one customer's data lives: the ids of every row that is theirs or about them, found
once and shared by the export and the erasure so the two can never disagree."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from surveys.models import (
    Customer,
    CustomerReply,
    Invitation,
    OutboxEmail,
    RescueTask,
    Response,
)


@dataclass(frozen=True)
class Holdings:
    """The ids of a customer's rows in the tables that point at them only indirectly."""

    invitation_ids: list[int]
    response_ids: list[int]
    task_ids: list[int]
    outbox_ids: list[int]


def holdings_of(session: Session, customer: Customer) -> Holdings:
    """The customer's invitations, answers, rescue tasks, and every email sent to them or
    about them: through an invitation, a rescue task (follow-ups and the staff's assignment
    and escalation emails), a reply, or addressed to their email address."""
    invitation_ids = _ids(
        session, select(Invitation.id).where(Invitation.customer_id == customer.id)
    )
    response_ids = _ids(session, select(Response.id).where(Response.customer_id == customer.id))
    task_ids = _ids(session, select(RescueTask.id).where(RescueTask.customer_id == customer.id))
    reply_outbox = select(CustomerReply.outbox_id).where(
        CustomerReply.customer_id == customer.id, CustomerReply.outbox_id.is_not(None)
    )
    linked = [
        OutboxEmail.invitation_id.in_(invitation_ids),
        OutboxEmail.rescue_task_id.in_(task_ids),
        OutboxEmail.id.in_(reply_outbox),
    ]
    if customer.email:
        linked.append(func.lower(OutboxEmail.to_address) == customer.email.lower())
    outbox_ids = _ids(session, select(OutboxEmail.id).where(or_(*linked)))
    return Holdings(invitation_ids, response_ids, task_ids, outbox_ids)


def _ids(session: Session, statement) -> list[int]:
    return sorted(session.scalars(statement))
