"""Admin pages: staff. List colleagues, add one, change name or role, deactivate or reactivate,
reset a password.

Views are thin: validate the form, call ``surveys.staff.accounts``, commit, then redirect; a
domain error rolls back and renders the form again with the error next to its field. A
generated password is shown once, in the answer to the POST that made it (never stored in the
clear, never cached).
"""

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.admin import bp
from app.admin.staff_forms import (
    ROLE_LABELS,
    ConfirmForm,
    PasswordResetForm,
    StaffCreateForm,
    StaffDetailsForm,
    StaffPolicyForm,
)
from app.auth.decorators import role_required
from app.extensions import db
from app.form_errors import domain_check
from surveys.kernel.errors import KaikuError
from surveys.models import StaffUser
from surveys.staff import accounts as staff_service
from surveys.staff.policy import totp_required
from surveys.staff.totp import users_with_totp

Page = str | WerkzeugResponse | tuple[str, int]


@bp.context_processor
def staff_labels() -> dict:
    return {"role_labels": ROLE_LABELS}


@bp.get("/staff", endpoint="staff_list")
@role_required("admin")
def staff_list() -> str:
    """Every colleague with role, status, last sign-in and open rescue tasks."""
    rows = staff_service.list_staff(db.session)
    required = totp_required(db.session)
    return render_template(
        "admin/staff.html",
        rows=rows,
        confirm=ConfirmForm(),
        two_factor=users_with_totp(db.session),
        policy_form=StaffPolicyForm(formdata=None, require_totp=required),
        nav_current="staff",
    )


@bp.route("/staff/new", methods=["GET", "POST"], endpoint="staff_new")
@role_required("admin")
def staff_new() -> Page:
    """Add a colleague with a role and an initial password (typed, or generated and shown once)."""
    form = StaffCreateForm()
    if form.validate_on_submit():
        typed = form.password.data or None
        password = typed or staff_service.generate_password()
        try:
            user = staff_service.create_staff(
                db.session, form.email.data, password, role=form.role.data, name=form.name.data
            )
        except KaikuError as exc:
            return _form_error(exc, form, "admin/staff_form.html", user=None)
        db.session.commit()
        if typed is None:
            return _show_once(user, password, created=True)
        flash(f"Added {user.email} as {ROLE_LABELS[user.role].lower()}.", "success")
        return redirect(url_for("admin.staff_list"))
    if form.is_submitted():  # the service's checks too, so every problem shows in one round
        exc = domain_check(
            db.session,
            lambda: staff_service.create_staff(
                db.session,
                form.email.data or "",
                form.password.data or staff_service.generate_password(),
                role=form.role.data,
                name=form.name.data,
            ),
            keep=False,
        )
        if exc is not None:
            page, _ = _form_error(exc, form, "admin/staff_form.html", user=None)
            return page, 422
    return _render_form(form, user=None, status=422 if form.errors else 200)


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"], endpoint="staff_edit")
@role_required("admin")
def staff_edit(user_id: int) -> Page:
    """Change a colleague's name and role (the last active admin stays an admin)."""
    user = _staff_or_404(user_id)
    form = StaffDetailsForm(obj=user)
    if form.validate_on_submit():
        try:
            staff_service.update_staff(db.session, user, name=form.name.data, role=form.role.data)
        except KaikuError as exc:
            return _form_error(exc, form, "admin/staff_form.html", user=user)
        db.session.commit()
        flash(f"Saved {user.email}.", "success")
        return redirect(url_for("admin.staff_list"))
    return _render_form(form, user=user, status=422 if form.errors else 200)


@bp.route("/staff/<int:user_id>/deactivate", methods=["GET", "POST"], endpoint="staff_deactivate")
@role_required("admin")
def staff_deactivate(user_id: int) -> Page:
    """Ask, then stop a colleague signing in; they are signed out at their next request."""
    user = _staff_or_404(user_id)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            staff_service.deactivate_staff(db.session, user)
        except KaikuError as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            flash(f"Deactivated {user.email}: they can no longer sign in.", "success")
            return redirect(url_for("admin.staff_list"))
    page = render_template(
        "admin/staff_deactivate.html",
        user=user,
        form=form,
        error=error.message if error else None,
        is_self=user.id == current_user.id,
        open_tasks=staff_service.count_open_tasks(db.session, user),
        nav_current="staff",
    )
    return (page, error.status) if error else page


@bp.post("/staff/<int:user_id>/reactivate", endpoint="staff_reactivate")
@role_required("admin")
def staff_reactivate(user_id: int) -> WerkzeugResponse:
    """Let a deactivated colleague sign in again with their password."""
    user = _staff_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; please try again.")
    staff_service.reactivate_staff(db.session, user)
    db.session.commit()
    flash(f"Reactivated {user.email}: they can sign in again.", "success")
    return redirect(url_for("admin.staff_list"))


@bp.route("/staff/<int:user_id>/password", methods=["GET", "POST"], endpoint="staff_password")
@role_required("admin")
def staff_password(user_id: int) -> Page:
    """Set a new password for a colleague, typed or generated (shown once)."""
    user = _staff_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            password = staff_service.reset_password(db.session, user, form.password.data or None)
        except KaikuError as exc:
            return _form_error(exc, form, "admin/staff_password.html", user=user)
        db.session.commit()
        if not form.password.data:
            return _show_once(user, password, created=False)
        flash(f"Changed the password of {user.email}. Tell them through a safe channel.", "success")
        return redirect(url_for("admin.staff_list"))
    page = render_template("admin/staff_password.html", form=form, user=user, nav_current="staff")
    return (page, 422) if form.errors else page


def _staff_or_404(user_id: int) -> StaffUser:
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404, "There is no such staff user.")
    return user


def _render_form(form, *, user: StaffUser | None, status: int = 200) -> Page:
    page = render_template("admin/staff_form.html", form=form, user=user, nav_current="staff")
    return (page, status) if status != 200 else page


def _form_error(exc: KaikuError, form, template: str, *, user: StaffUser | None) -> Page:
    """Roll back and render ``template`` with the service's error on the fields it names."""
    db.session.rollback()
    placed = False
    for part in exc.parts:  # each check's own message at its own field
        for name in part.fields:
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors"):
                if not field.errors:  # the form's own word on a field stands
                    field.errors = [*field.errors, part.message]
                placed = True
    page = render_template(
        template,
        form=form,
        user=user,
        error=None if placed else exc.message,
        nav_current="staff",
    )
    return page, exc.status


def _show_once(user: StaffUser, password: str, *, created: bool) -> WerkzeugResponse:
    """The generated password, once: the answer is not cached and not reachable by URL."""
    response = make_response(
        render_template(
            "admin/staff_secret.html",
            user=user,
            password=password,
            created=created,
            nav_current="staff",
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
