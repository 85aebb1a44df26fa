"""Invitations: invite one customer to a survey (by link or email), and list invitations with
their status and the reason for it (sent, held for quiet hours, skipped and why)."""

from typing import Annotated, Any, Literal

from flask import current_app
from pydantic import StringConstraints
from sqlalchemy import select

from app.api import bp
from app.api.errors import fields_under
from app.api.paging import paged
from app.api.parsing import json_body, query_args
from app.api.schemas import Id, InvitationCreate, Page
from app.api.serializers import invitation_json
from app.extensions import db
from surveys import catalog, mail
from surveys.customers import ensure_can_email, get_customer, upsert_customer
from surveys.invitations import create_invitation
from surveys.models import INVITATION_STATUSES, Invitation
from worker.enqueue import enqueue
from worker.tasks import deliver_email


class InvitationsQuery(Page):
    customer: Annotated[str, StringConstraints(max_length=255)] | None = None
    survey: Id | None = None
    status: Literal[INVITATION_STATUSES] | None = None  # type: ignore[valid-type]


@bp.get("/invitations")
def list_invitations() -> dict[str, Any]:
    """Newest first; filters ``customer`` (external id), ``survey`` (id), ``status``.

    A customer or survey that does not exist is a 404, not an empty list, so a typo is noticed.
    """
    query = query_args(InvitationsQuery)
    stmt = select(Invitation)
    if query.customer is not None:
        stmt = stmt.where(Invitation.customer_id == get_customer(db.session, query.customer).id)
    if query.survey is not None:
        stmt = stmt.where(Invitation.survey_id == catalog.get_survey(db.session, query.survey).id)
    if query.status is not None:
        stmt = stmt.where(Invitation.status == query.status)
    settings = current_app.extensions["kaiku_settings"]
    return paged(stmt, Invitation.id, query, lambda row: invitation_json(row, settings))


@bp.post("/surveys/<int:survey_id>/invitations")
def create_survey_invitation(survey_id: int) -> tuple[dict[str, Any], int]:
    """Upsert the customer and invite them; with ``send`` true, queue the invitation email.

    201 ``{"id", "url", "status"}``: status "pending" for a link only, "queued" when the email
    is in the outbox. Sending needs an email address (422) and a subscribed customer (409).
    """
    survey = catalog.get_survey(db.session, survey_id)
    body = json_body(InvitationCreate)
    settings = current_app.extensions["kaiku_settings"]
    with fields_under("customer"):
        customer = upsert_customer(db.session, body.customer.external_id, **body.customer.fields())
        if body.send:
            ensure_can_email(customer)
    new = create_invitation(db.session, survey, customer, settings)
    outbox = None
    if body.send:
        with fields_under("customer"):  # the mailer names "email" if it refuses the address
            outbox = mail.queue_invitation_email(db.session, new, settings)
    answer = invitation_json(new, settings)  # before the commit expires the status
    db.session.commit()
    if outbox is not None:
        enqueue(deliver_email, outbox.id)
    return answer, 201
