"""Admin pages: webhook endpoints (add, switch off and on), each endpoint's delivery log with
every attempt and the body sent, and replaying a delivery. Admins only, like the API's writes;
the secret is shown once, on the page that answers the creation."""

from decimal import Decimal

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from app.admin import bp
from app.admin.webhook_forms import (
    KIND_LABELS,
    ConfirmForm,
    EndpointForm,
    ResendForm,
    RotateForm,
)
from app.auth.decorators import role_required
from app.extensions import db
from surveys.kernel import clock
from surveys.kernel.errors import KaikuError
from surveys.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from surveys.webhooks import endpoints
from surveys.webhooks.chat import body_for
from surveys.webhooks.config import WebhookSettings

LOG_ROWS = 50


def _settings() -> WebhookSettings:
    """The webhook settings of the running app."""
    return WebhookSettings.from_mapping(current_app.config)


def _list(form: EndpointForm, status: int = 200) -> ResponseReturnValue:
    rows = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    return (
        render_template("admin/webhooks.html", form=form, endpoints=rows, confirm=ConfirmForm(),
                        kinds=KIND_LABELS),
        status,
    )  # fmt: skip


@bp.get("/webhooks")
@role_required("admin")
def webhooks() -> ResponseReturnValue:
    return _list(EndpointForm())


@bp.post("/webhooks")
@role_required("admin")
def create_webhook() -> ResponseReturnValue:
    """Add an endpoint and show its secret, this once."""
    form = EndpointForm()
    if not form.validate_on_submit():
        return _list(form, 422)
    try:
        endpoint = endpoints.create_endpoint(
            db.session, _settings(), url=form.url.data.strip(), kind=form.kind.data,
            event_types=form.event_types.data or None, description=form.description.data or None,
        )  # fmt: skip
    except KaikuError as exc:
        db.session.rollback()
        for name, reason in exc.fields.items():
            target = getattr(form, name.split(".")[0], form.url)
            target.errors = [*target.errors, f"{exc.message} ({reason})"]
        return _list(form, 422)
    db.session.commit()
    return render_template("admin/webhook_secret.html", endpoint=endpoint)


@bp.get("/webhooks/<int:endpoint_id>")
@role_required("admin")
def webhook(endpoint_id: int) -> ResponseReturnValue:
    """The endpoint, its secret's rotation and re-send forms, and its latest deliveries."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) or abort(404)
    return render_detail(endpoint)


def render_detail(
    endpoint: WebhookEndpoint,
    rotate: RotateForm | None = None,
    resend: ResendForm | None = None,
    status_code: int = 200,
) -> ResponseReturnValue:
    """The endpoint's page: with the forms as sent (their errors shown) when one was refused."""
    status = request.args.get("status") or None
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if status in ("pending", "sending", "succeeded", "failed"):
        stmt = stmt.where(WebhookDelivery.status == status)
    deliveries = db.session.scalars(stmt.order_by(WebhookDelivery.id.desc()).limit(LOG_ROWS)).all()
    attempts: dict[int, list[WebhookAttempt]] = {d.id: [] for d in deliveries}
    if deliveries:
        for attempt in db.session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(list(attempts)))
            .order_by(WebhookAttempt.id)
        ):
            attempts[attempt.delivery_id].append(attempt)
    base_url = current_app.config["BASE_URL"]
    grace = _settings().rotation_grace.total_seconds() / 3600
    page = render_template(
        "admin/webhook.html",
        endpoint=endpoint,
        deliveries=deliveries,
        attempts=attempts,
        bodies={d.id: body_for(endpoint.kind, d.event.body, base_url) for d in deliveries},
        status=status,
        confirm=ConfirmForm(),
        rotate=rotate or RotateForm(formdata=None, grace_hours=Decimal(f"{grace:g}")),
        resend=resend or ResendForm(formdata=None),
        kinds=KIND_LABELS,
        now=clock.now(),
    )
    return page, status_code


@bp.post("/webhooks/<int:endpoint_id>/toggle")
@role_required("admin")
def toggle_webhook(endpoint_id: int) -> ResponseReturnValue:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    endpoints.update_endpoint(db.session, endpoint, _settings(), {"enabled": not endpoint.enabled})
    db.session.commit()
    flash(f"{endpoint.url} is {'on' if endpoint.enabled else 'off'}.", "success")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint.id), 303)


@bp.post("/webhooks/deliveries/<int:delivery_id>/replay")
@role_required("admin")
def replay_webhook(delivery_id: int) -> ResponseReturnValue:
    """A new attempt now, same webhook-id and body."""
    delivery = db.session.get(WebhookDelivery, delivery_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        endpoints.replay(db.session, delivery.id)
    except KaikuError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(f"Delivery {delivery_id} is being sent again.", "success")
    return redirect(url_for("admin.webhook", endpoint_id=delivery.endpoint_id), 303)
