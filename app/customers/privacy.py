"""A customer's data on request, for admins on the customer page: ``GET .../export`` downloads
the export document (the API's own), ``GET .../erase`` asks for confirmation naming the
customer, and ``POST .../erase`` erases them (``surveys.privacy.erasure``) and goes back to
the directory."""

import json

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth.decorators import role_required
from app.customers import bp
from app.customers.forms import EraseForm
from app.extensions import db
from surveys.kernel.actor import Actor
from surveys.models import Customer
from surveys.privacy.erasure import erase_customer
from surveys.privacy.export import export_customer


def _customer(customer_id: int) -> Customer:
    """The customer, or the 404 page (Kaiku's own reserved records hold nobody's data)."""
    customer = db.session.get(Customer, customer_id)
    if customer is None or customer.anonymous:
        abort(404, "There is no such customer.")
    return customer


@bp.get("/<int:customer_id>/export", endpoint="export")
@role_required("admin")
def export(customer_id: int) -> WerkzeugResponse:
    """The customer's export document as a JSON file download."""
    customer = _customer(customer_id)
    document = export_customer(db.session, customer)
    return current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename=kaiku-customer-{customer.id}.json",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/<int:customer_id>/erase", methods=["GET", "POST"], endpoint="erase")
@role_required("admin")
def erase(customer_id: int) -> WerkzeugResponse | str | tuple[str, int]:
    """The confirmation page; posted with the customer's id typed in, the erasure."""
    customer = _customer(customer_id)
    form = EraseForm()
    if not form.is_submitted():
        return render_template("customers/erase.html", customer=customer, form=form)
    if form.validate() and form.confirm.data.strip() == customer.external_id:
        erase_customer(
            db.session,
            customer.external_id,
            actor=Actor.of_staff(current_user._get_current_object()),
            secret=current_app.config["SECRET_KEY"],
        )
        db.session.commit()
        flash("The customer was erased. Their scores are kept without identity.", "success")
        return redirect(url_for("customers.directory"), code=303)
    if not form.confirm.errors:
        form.confirm.errors = ["This is not the customer's id: nothing was erased."]
    return render_template("customers/erase.html", customer=customer, form=form), 422
