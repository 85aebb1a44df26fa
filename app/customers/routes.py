"""``GET /customers/<id>``: everything Kaiku knows of one customer, for every staff role; and
``POST /customers/<id>/replies``: an agent's or admin's email to the customer.

The data is ``surveys.customers.profile``'s and the timeline ``surveys.customers.timeline``'s;
the view only loads and renders. Rescue tasks link to their page for the roles that work them.
The reply form opens prefilled for the answer named by ``?reply=<response id>`` (else the
latest); sending goes through ``surveys.rescue.replies`` (the follow-up email), commits, and
redirects; a refusal renders the page again with its 4xx and nothing changed.
"""

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth.decorators import role_required
from app.customers import bp
from app.customers.forms import ReplyForm
from app.extensions import db
from app.formatting import staff_locale
from app.rescue.display import template_helpers
from surveys.customers.profile import CustomerProfile, customer_profile
from surveys.customers.timeline import customer_timeline
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import KaikuError, NotFoundError
from surveys.models import Response
from surveys.rescue.emails import follow_up_greeting
from surveys.rescue.replies import reply_draft, send_reply

READERS = ("admin", "agent", "analyst")
RESCUE_ROLES = ("admin", "agent")  # who may open a rescue task (app/rescue WORKERS)
REPLIERS = RESCUE_ROLES  # who may write to a customer; analysts only read
ID = re.compile(r"[0-9]{1,9}")


def customer_url(customer_id: int, **args) -> str:
    """The staff page of the customer with this (internal) id."""
    return url_for("customers.customer", customer_id=customer_id, **args)


@bp.app_context_processor
def customer_links() -> dict:
    return {"customer_url": customer_url}


@bp.context_processor
def customer_helpers() -> dict:
    """The rescue pages' time, label and tone helpers: this page shows tasks and a timeline."""
    return template_helpers(clock.now())


@bp.get("/<int:customer_id>", endpoint="customer")
@role_required(*READERS)
def customer_page(customer_id: int) -> str | tuple[str, int]:
    """The customer's record, stage history, attributes, answers, tasks, referrals, timeline;
    for agents and admins the reply form, for the answer ``?reply=`` names."""
    return render_customer(customer_id, reply_to=_id(request.args.get("reply")))


@bp.post("/<int:customer_id>/replies", endpoint="reply")
@role_required(*REPLIERS)
def reply(customer_id: int) -> WerkzeugResponse | str | tuple[str, int]:
    """Send the reply form's email to the customer; it is on their timeline once committed."""
    form = ReplyForm()
    response_id = _id(form.response_id.data)
    if not form.validate():
        expired = getattr(form, "csrf_token", None) is not None and form.csrf_token.errors
        error = "The form expired; try again." if expired else "The reply was not sent."
        if form.response_id.errors:
            error = f"The reply was not sent: {form.response_id.errors[0]}"
        return render_customer(
            customer_id, status=400 if expired else 422, form=form, reply_to=response_id,
            error=error,
        )  # fmt: skip
    profile = _profile(customer_id)
    try:
        send_reply(
            db.session,
            profile.customer,
            actor=Actor.of_staff(current_user._get_current_object()),
            subject=form.subject.data.strip(),
            body=form.body.data.strip(),
            settings=current_app.extensions["kaiku_settings"],
            response_id=response_id,
        )
        address = profile.customer.email
        db.session.commit()
    except KaikuError as exc:
        db.session.rollback()
        for name, reason in exc.fields.items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*field.errors, f"{reason[:1].upper()}{reason[1:]}."]
        return render_customer(
            customer_id, status=exc.status, form=form, reply_to=response_id, error=exc.message
        )
    flash(f"Reply sent to {address}.", "success")
    return redirect(customer_url(customer_id, _anchor="timeline"), code=303)


def _id(text: str | None) -> int | None:
    """A row id from form or query text (ASCII digits, in a database integer's range)."""
    return int(text) if text and ID.fullmatch(text) else None


def _profile(customer_id: int) -> CustomerProfile:
    settings = current_app.extensions["kaiku_settings"]
    try:
        return customer_profile(
            db.session, customer_id, now=clock.now(), recontact=settings.global_recontact
        )
    except NotFoundError as exc:
        abort(404, exc.message)


def render_customer(
    customer_id: int,
    *,
    status: int = 200,
    form: ReplyForm | None = None,
    reply_to: int | None = None,
    error: str | None = None,
) -> str | tuple[str, int]:
    """The customer page; ``form`` replaces the blank reply form (a refused one, with errors)."""
    settings = current_app.extensions["kaiku_settings"]
    profile = _profile(customer_id)
    customer = profile.customer
    answer = _answer(customer.id, reply_to, profile)
    can_reply = current_user.role in REPLIERS
    if form is None and can_reply:
        draft = reply_draft(customer, answer)
        form = ReplyForm(
            formdata=None,
            data={
                "response_id": str(answer.id) if answer else "",
                "subject": draft.subject,
                "body": draft.body,
            },
        )
    page = render_template(
        "customers/customer.html",
        profile=profile,
        customer=customer,
        timeline=customer_timeline(db.session, customer, locale=staff_locale()),
        can_rescue=current_user.role in RESCUE_ROLES,
        can_reply=can_reply,
        can_erase=current_user.role == "admin",
        reply_form=form,
        reply_answer=answer,
        reply_greeting=follow_up_greeting(customer),
        reply_error=error,
        recontact_days=settings.global_recontact.days,
    )
    return (page, status) if status != 200 else page


def _answer(customer_id: int, response_id: int | None, profile: CustomerProfile):
    """The answer a reply is about: the one asked for (if it is this customer's), else the
    latest, else none."""
    if response_id is not None:
        found = db.session.get(Response, response_id)
        if found is not None and found.customer_id == customer_id:
            return found
    return profile.responses[0] if profile.responses else None
