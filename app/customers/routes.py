"""``GET /customers/<id>``: everything Kaiku knows of one customer, for every staff role.

The data is ``surveys.customers.profile``'s and the timeline ``surveys.customers.timeline``'s;
the view only loads and renders. Rescue tasks link to their page for the roles that work them.
"""

from flask import abort, current_app, render_template, url_for
from flask_login import current_user

from app.auth.decorators import role_required
from app.customers import bp
from app.extensions import db
from app.rescue.display import template_helpers
from surveys.customers.profile import customer_profile
from surveys.customers.timeline import customer_timeline
from surveys.kernel import clock
from surveys.kernel.errors import NotFoundError

READERS = ("admin", "agent", "analyst")
RESCUE_ROLES = ("admin", "agent")  # who may open a rescue task (app/rescue WORKERS)


def customer_url(customer_id: int) -> str:
    """The staff page of the customer with this (internal) id."""
    return url_for("customers.customer", customer_id=customer_id)


@bp.app_context_processor
def customer_links() -> dict:
    return {"customer_url": customer_url}


@bp.context_processor
def customer_helpers() -> dict:
    """The rescue pages' time, label and tone helpers: this page shows tasks and a timeline."""
    return template_helpers(clock.now())


@bp.get("/<int:customer_id>", endpoint="customer")
@role_required(*READERS)
def customer_page(customer_id: int) -> str:
    """The customer's record, stage history, attributes, answers, tasks, referrals, timeline."""
    settings = current_app.extensions["kaiku_settings"]
    try:
        profile = customer_profile(
            db.session, customer_id, now=clock.now(), recontact=settings.global_recontact
        )
    except NotFoundError as exc:
        abort(404, exc.message)
    return render_template(
        "customers/customer.html",
        profile=profile,
        customer=profile.customer,
        timeline=customer_timeline(db.session, profile.customer),
        can_rescue=current_user.role in RESCUE_ROLES,
        recontact_days=settings.global_recontact.days,
    )
