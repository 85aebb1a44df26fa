"""Customers by the integrator's own id: upsert them, read them with their stage history."""

from typing import Any

from sqlalchemy import select

from app.api import bp
from app.api.lifecycle_schemas import CustomerUpsert
from app.api.parsing import json_body
from app.api.serializers import customer_json
from app.extensions import db
from surveys.customers.records import get_customer, upsert_customer
from surveys.customers.stages import stage_history
from surveys.models import Customer


@bp.put("/customers/<customer_id:external_id>")
def put_customer(external_id: str) -> tuple[dict[str, Any], int]:
    """Create or update the customer; 201 when created, 200 when updated, with the customer.

    A stage set here is recorded in the stage history with cause "api"; a new email address
    clears an earlier bounce.
    """
    body = json_body(CustomerUpsert)
    existed = db.session.scalar(select(Customer.id).where(Customer.external_id == external_id))
    customer = upsert_customer(db.session, external_id, cause="api", **body.given())
    db.session.commit()
    return customer_json(customer, stage_history(db.session, customer)), 200 if existed else 201


@bp.get("/customers/<customer_id:external_id>")
def read_customer(external_id: str) -> dict[str, Any]:
    """The customer with their stage history, oldest change first; 404 when unknown."""
    customer = get_customer(db.session, external_id)
    return customer_json(customer, stage_history(db.session, customer))
