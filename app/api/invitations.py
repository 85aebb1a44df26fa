"""Inviting one customer to a survey, by link only or by email."""

from typing import Any

from flask import current_app

from app.api import bp
from app.api.errors import fields_under
from app.api.parsing import json_body
from app.api.schemas import InvitationCreate
from app.api.serializers import invitation_json
from app.extensions import db
from surveys import catalog, mail
from surveys.customers import ensure_can_email, upsert_customer
from surveys.invitations import create_invitation
from worker.enqueue import enqueue
from worker.tasks import deliver_email


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
