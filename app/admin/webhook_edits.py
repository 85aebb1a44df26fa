"""Admin pages that change a webhook endpoint: edit it, rotate its secret (the new one shown
once), re-send a time range of events, and delete it behind a confirmation. Admins only."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from app.admin import bp
from app.admin.webhook_forms import (
    KIND_LABELS,
    ConfirmForm,
    EditForm,
    ResendForm,
    RotateForm,
    put_errors,
)
from app.admin.webhooks import render_detail
from app.auth.decorators import role_required
from app.extensions import db
from app.form_errors import domain_check
from surveys.kernel.errors import KaikuError, ValidationError
from surveys.models import WebhookDelivery, WebhookEndpoint
from surveys.webhooks import endpoints
from surveys.webhooks.config import WebhookSettings


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    return db.session.get(WebhookEndpoint, endpoint_id) or abort(404)


def _settings() -> WebhookSettings:
    return WebhookSettings.from_mapping(current_app.config)


@bp.route("/webhooks/<int:endpoint_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_webhook(endpoint_id: int) -> ResponseReturnValue:
    """URL, kind, description and event filter; the service's errors on their fields, and
    nothing saved unless every check passes."""
    endpoint = _endpoint(endpoint_id)
    if EditForm().is_submitted():
        form = EditForm()
    else:
        form = EditForm(
            formdata=None, url=endpoint.url, kind=endpoint.kind,
            description=endpoint.description or "", event_types=endpoint.event_types or [],
            event_filter="chosen" if endpoint.event_types else "all",
        )  # fmt: skip
        return _edit_page(endpoint, form)
    valid = form.validate()
    settings = _settings()
    exc = domain_check(
        db.session,
        lambda: endpoints.update_endpoint(db.session, endpoint, settings, form.changes()),
        keep=valid,
    )
    if exc is not None:
        put_errors(form, exc)
        if "url" in exc.fields:  # the service stopped at the URL: the filter's word too
            try:
                endpoints.clean_event_types(form.changes()["event_types"])
            except ValidationError as more:
                put_errors(form, more)
    elif valid:
        db.session.commit()
        flash("Endpoint saved.", "success")
        return redirect(url_for("admin.webhook", endpoint_id=endpoint.id), 303)
    db.session.rollback()
    return _edit_page(_endpoint(endpoint_id), form, 422)


def _edit_page(endpoint: WebhookEndpoint, form: EditForm, status: int = 200) -> ResponseReturnValue:
    page = render_template("admin/webhook_edit.html", endpoint=endpoint, form=form)
    return page, status


@bp.post("/webhooks/<int:endpoint_id>/rotate")
@role_required("admin")
def rotate_webhook(endpoint_id: int) -> ResponseReturnValue:
    """A new secret, shown on this answer only (not cached); the old one signs for the grace."""
    endpoint = _endpoint(endpoint_id)
    form = RotateForm()
    if not form.validate_on_submit():
        return render_detail(endpoint, rotate=form, status_code=422)
    secret = endpoints.rotate_secret(
        db.session, endpoint, _settings(), grace_hours=float(form.grace_hours.data)
    )
    expires = endpoint.previous_secret_expires_at
    db.session.commit()
    page = render_template(
        "admin/webhook_rotated.html", endpoint=endpoint, secret=secret, old_expires=expires,
        grace_hours=float(form.grace_hours.data),
    )  # fmt: skip
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/webhooks/<int:endpoint_id>/resend")
@role_required("admin")
def resend_webhook(endpoint_id: int) -> ResponseReturnValue:
    """New deliveries of every event of the range the filter wants."""
    endpoint = _endpoint(endpoint_id)
    form = ResendForm()
    if not form.validate_on_submit():
        return render_detail(endpoint, resend=form, status_code=422)
    start, end = form.moments()
    if end <= start:
        form.end.errors = ["“To” must be after “From”."]
        return render_detail(endpoint, resend=form, status_code=422)
    try:
        ids = endpoints.resend(db.session, endpoint, start, end)
    except KaikuError as exc:
        db.session.rollback()
        put_errors(form, exc, {"to": "end", "from": "start"})
        return render_detail(_endpoint(endpoint_id), resend=form, status_code=422)
    db.session.commit()
    flash(f"{len(ids)} deliver{'y' if len(ids) == 1 else 'ies'} queued.", "success")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint.id), 303)


@bp.route("/webhooks/<int:endpoint_id>/delete", methods=["GET", "POST"])
@role_required("admin")
def delete_webhook(endpoint_id: int) -> ResponseReturnValue:
    """Ask first, naming the endpoint and what goes with it; then remove it and its log."""
    endpoint = _endpoint(endpoint_id)
    form = ConfirmForm()
    if form.is_submitted():
        if not form.validate():
            abort(400)
        url = endpoint.url
        endpoints.delete_endpoint(db.session, endpoint)
        db.session.commit()
        flash(f"{url} is deleted, with its delivery log.", "success")
        return redirect(url_for("admin.webhooks"), 303)
    count = db.session.scalar(
        select(func.count(WebhookDelivery.id)).where(WebhookDelivery.endpoint_id == endpoint.id)
    )
    return render_template(
        "admin/webhook_delete.html", endpoint=endpoint, form=form, deliveries=count,
        kinds=KIND_LABELS,
    )  # fmt: skip
