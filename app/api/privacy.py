"""A customer's data on request (GDPR): ``GET /customers/<id>/export`` (everything Kaiku holds
about them, as one JSON document) and ``DELETE /customers/<id>`` (erasure). Admin keys only:
reading someone's whole record, or erasing it, is not a reader's business."""

from typing import Any

from flask import current_app, g

from app.api import bp
from app.extensions import db
from surveys.customers.records import get_customer
from surveys.kernel.actor import Actor
from surveys.kernel.errors import NotFoundError
from surveys.privacy.erasure import erase_customer
from surveys.privacy.export import export_customer


@bp.get("/customers/<path:external_id>/export")
def export_customer_data(external_id: str) -> Any:
    """The customer's export document (``surveys.privacy.export``); 404 when unknown. Admin
    keys only (``app.api.auth.ADMIN_READS``)."""
    customer = get_customer(db.session, external_id)
    if customer.anonymous:  # Kaiku's own records (kaiku:anonymous, kaiku:erased) are nobody
        raise NotFoundError(f"No customer {external_id!r}.")
    return export_customer(db.session, customer)


@bp.delete("/customers/<customer_id:external_id>")
def erase_customer_data(external_id: str) -> tuple[str, int]:
    """Erase the customer (``surveys.privacy.erasure``): 204, again 204 for one already
    erased, 404 for an id Kaiku never knew."""
    erase_customer(
        db.session,
        external_id,
        actor=Actor.of_api_key(g.api_key),
        secret=current_app.config["SECRET_KEY"],
    )
    db.session.commit()
    return "", 204
