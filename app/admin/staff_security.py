"""Admin pages: the staff accounts' second factor. The house rule "every staff member needs a
second factor", and resetting a member's factor when they lost their phone (they enrol again).
Both are POSTs from the staff list, with the CSRF token."""

from flask import abort, flash, redirect, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from app.admin import bp
from app.admin.staff import _staff_or_404
from app.admin.staff_forms import ConfirmForm, StaffPolicyForm
from app.auth.decorators import role_required
from app.extensions import db
from surveys.staff.policy import set_totp_required
from surveys.staff.totp import reset_totp


@bp.post("/staff/policy", endpoint="staff_policy")
@role_required("admin")
def staff_policy() -> WerkzeugResponse:
    """Turn the second-factor requirement on or off; members without one are sent to set it up
    at their next request (admins too)."""
    form = StaffPolicyForm()
    if not form.validate_on_submit():
        abort(400, "The form expired; please try again.")
    set_totp_required(db.session, form.require_totp.data)
    db.session.commit()
    if form.require_totp.data:
        flash(
            "Every staff member now needs a second factor: those without one set it up at their "
            "next page.",
            "success",
        )
    else:
        flash("A second factor is now each staff member's own choice.", "success")
    return redirect(url_for("admin.staff_list"))


@bp.post("/staff/<int:user_id>/two-factor/reset", endpoint="staff_reset_totp")
@role_required("admin")
def staff_reset_totp(user_id: int) -> WerkzeugResponse:
    """Remove a member's second factor and recovery codes and sign them out everywhere."""
    user = _staff_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; please try again.")
    reset_totp(db.session, user)
    db.session.commit()
    flash(
        f"Reset the second factor of {user.email}: they are signed out and set it up again.",
        "success",
    )
    return redirect(url_for("admin.staff_list"))
