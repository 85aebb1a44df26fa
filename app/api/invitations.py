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
from surveys.catalog import definitions as catalog
from surveys.customers.records import ensure_can_email, get_customer, upsert_customer
from surveys.delivery.invitations import create_invitation, ensure_active
from surveys.delivery.scheduling import invite_by_email
from surveys.kernel import clock
from surveys.models import INVITATION_STATUSES, Invitation


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
    """Upsert the customer and invite them: a link only, or with ``send`` true an email.

    201 with the invitation (``invitation_json``). A link only (``send`` false) sends nothing,
    so it is not subject to eligibility: "pending" with its ``url``, except that a customer has
    one open invitation per survey (held by the database, also for two requests at once): while
    one is open, the new one is "skipped" with ``reason`` naming it. An email is decided like
    every other send (``surveys.delivery.eligibility``): "queued" with its ``url`` when it may
    go out now; "scheduled" with ``scheduled_for`` and ``reason`` in the customer's quiet hours (the
    dispatcher sends it at the first allowed minute); "skipped" with ``reason`` for an open
    invitation to this survey (also one a concurrent request just made: one email goes out)
    or inside the survey's or the global recontact window. A
    scheduled or skipped invitation has ``url`` null: its link arrives in the email once it is
    sent, and a skipped one is closed (never answerable), so handing out its link would bypass
    the very decision it records. The request is refused, with nothing stored, for an
    unsubscribed or bounced customer (409) or one without an email address (422) when
    sending, and for a paused survey (422).
    """
    survey = catalog.get_survey(db.session, survey_id)
    body = json_body(InvitationCreate)
    settings = current_app.extensions["kaiku_settings"]
    with fields_under("customer"):
        customer = upsert_customer(db.session, body.customer.external_id, **body.customer.fields())
        if body.send:
            ensure_can_email(customer)
    if not body.send:
        new = create_invitation(db.session, survey, customer, settings)
        answer = invitation_json(new, settings)  # before the commit expires the status
        db.session.commit()
        return answer, 201
    ensure_active(survey)
    with fields_under("customer"):  # the mailer names "email" if it refuses the address
        invitation, _ = invite_by_email(db.session, survey, customer, settings, at=clock.now())
    answer = invitation_json(invitation, settings)
    db.session.commit()  # sends the email, if one was queued
    return answer, 201
