"""One-click unsubscribe at ``/u/<token>``, the link and ``List-Unsubscribe`` header of every
survey email.

A GET only asks (scanners fetch links); the POST unsubscribes. Mail clients send the RFC 8058
one-click POST (``List-Unsubscribe=One-Click``) without cookies, so that POST carries no CSRF
token: the unguessable link token is the proof, and the action can only stop email.
"""

from flask import g, request
from flask.typing import ResponseReturnValue

from app.extensions import csrf, db
from app.respond import bp
from app.respond.routes import render_page
from surveys.customers.records import unsubscribe
from surveys.delivery.invitations import find_invitation
from surveys.kernel.languages import served_language
from surveys.models import Customer


def _customer(token: str) -> Customer:
    # An old email's link keeps working after its survey closed.
    customer = find_invitation(db.session, token, allow_expired=True).customer
    g.lang = served_language(customer.locale)
    return customer


@bp.get("/u/<token>")
def unsubscribe_page(token: str) -> ResponseReturnValue:
    """Ask to confirm; a customer already unsubscribed is told so."""
    customer = _customer(token)
    return render_page("respond/unsubscribe.html", token=token, customer=customer, done=False)


@bp.post("/u/<token>")
@csrf.exempt
def unsubscribe_now(token: str) -> ResponseReturnValue:
    """Unsubscribe the invitation's customer (form button or RFC 8058 one-click), commit."""
    customer = _customer(token)
    unsubscribe(customer)
    db.session.commit()
    if request.form.get("List-Unsubscribe") == "One-Click":
        return "", 204
    return render_page("respond/unsubscribe.html", token=token, customer=customer, done=True)
