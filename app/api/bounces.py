"""Bounces: the mail provider (or the integrator) reports an address that does not take mail."""

from typing import Annotated, Any

from pydantic import StringConstraints

from app.api import bp
from app.api.parsing import json_body
from app.api.schemas import Body
from app.extensions import db
from surveys.delivery.bounces import MAX_REASON_LENGTH, record_bounce


class BounceReport(Body):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
    reason: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_REASON_LENGTH)]
        | None
    ) = None


@bp.post("/bounces")
def report_bounce() -> tuple[dict[str, Any], int]:
    """Mark every customer with this address bounced: no survey email goes to it again.

    200 ``{"email", "customers": n, "marked": [external ids]}``; an address no customer has is
    still 200 with 0, so a provider's webhook does not retry it forever. 422 for a bad address.
    """
    body = json_body(BounceReport)
    customers = record_bounce(db.session, body.email, body.reason)
    answer = {
        "email": body.email,
        "customers": len(customers),
        "marked": [customer.external_id for customer in customers],
    }
    db.session.commit()
    return answer, 200
