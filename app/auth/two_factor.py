"""The second factor in the browser: the code step of sign-in, setting TOTP up and turning it off
on /account, and the house rule that sends a member without one to set it up.

The code step comes after a right password (``routes.ask_for_code``): the cookie session holds
only whose password it was and when, nobody is signed in until the code is right, and wrong
codes are rate-limited per client address and per account. The QR code is inline SVG (segno),
which the page's Content-Security-Policy allows as markup; the secret is shown as text too.
"""

import segno
from flask import (
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth import bp
from app.auth.decorators import role_required
from app.auth.forms import CodeForm, DisableTotpForm
from app.auth.limits import posts_limited
from app.auth.routes import (
    LIMITED_PAGES,
    PENDING_CODE_MINUTES,
    PENDING_SINCE,
    PENDING_USER,
    account_page,
    complete_sign_in,
    safe_next,
)
from app.extensions import db
from surveys.kernel import clock
from surveys.kernel.errors import KaikuError
from surveys.models import StaffUser
from surveys.staff.policy import totp_required
from surveys.staff.totp import (
    begin_enrolment,
    confirm_enrolment,
    disable_totp,
    has_totp,
    provisioning_uri,
    verify_second_factor,
)

CODE_WRONG = "That code is not right. Try the newest code from your app, or a recovery code."
# Where a member who must set up a second factor may still go.
OPEN_WHILE_ENROLLING = frozenset(
    {"auth.enrol_totp", "auth.logout", "auth.login", "auth.login_code", "static"}
)


def _pending_user() -> StaffUser | None:
    """Whose right password this browser gave in the last PENDING_CODE_MINUTES, if active."""
    user_id, since = session.get(PENDING_USER), session.get(PENDING_SINCE)
    if not isinstance(user_id, int) or not isinstance(since, int | float):
        return None
    if clock.now().timestamp() - since > PENDING_CODE_MINUTES * 60:
        return None
    user = db.session.get(StaffUser, user_id)
    return user if user is not None and user.active else None


def _pending_key() -> str:
    return f"staff:{session.get(PENDING_USER)}"


@bp.route("/login/code", methods=["GET", "POST"])
@posts_limited("TOTP_RATE_LIMIT", "code-address")
@posts_limited("TOTP_ACCOUNT_RATE_LIMIT", "code-account", _pending_key)
def login_code() -> str | WerkzeugResponse:
    """The second step of sign-in: a code from the app or a recovery code (each works once)."""
    next_url = safe_next(request.args.get("next"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING_USER, None)
        flash("Please sign in again: the code step lasts five minutes.", "info")
        return redirect(url_for("auth.login", next=next_url))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if verify_second_factor(db.session, user, form.code.data):
            return complete_sign_in(user, next_url)
        db.session.commit()
        error = CODE_WRONG
    return render_template("auth/login_code.html", form=form, error=error, next_url=next_url)


def _code_limited(wait: str) -> str:
    error = f"Too many wrong codes. Please wait {wait} and try again."
    next_url = safe_next(request.args.get("next"))
    form = CodeForm(formdata=None)
    return render_template("auth/login_code.html", form=form, error=error, next_url=next_url)


LIMITED_PAGES["auth.login_code"] = _code_limited


def qr_svg(uri: str) -> Markup:
    """The QR code of ``uri`` as inline SVG markup (no script, no external image)."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=5, border=2, dark="#1f2933", light="#ffffff", omitsize=True
    )
    return Markup(
        svg.replace(
            "<svg ", '<svg role="img" aria-label="Scan this with your authenticator app" ', 1
        )
    )


@bp.route("/account/two-factor", methods=["GET", "POST"])
@role_required()
def enrol_totp() -> str | WerkzeugResponse | tuple[str, int]:
    """Set up the second factor: scan the QR code (or type the secret), then confirm with a code.
    The answer to a right code shows the recovery codes, once (not cached)."""
    if has_totp(db.session, current_user):
        return redirect(url_for("auth.account"))
    row = begin_enrolment(db.session, current_user)
    db.session.commit()
    form = CodeForm()
    form.code.description = "The 6 digits your app shows for Kaiku now."
    if form.validate_on_submit():
        try:
            codes = confirm_enrolment(db.session, current_user, form.code.data)
        except KaikuError as exc:
            db.session.rollback()
            form.code.errors = [*form.code.errors, exc.message]
        else:
            db.session.commit()
            response = make_response(render_template("auth/recovery_codes.html", codes=codes))
            response.headers["Cache-Control"] = "no-store"
            return response
    uri = provisioning_uri(current_user, row)
    page = render_template(
        "auth/two_factor_enrol.html",
        form=form,
        qr=qr_svg(uri),
        secret=row.secret,
        uri=uri,
        required=totp_required(db.session),
    )
    response = make_response(page, 422 if form.errors else 200)
    response.headers["Cache-Control"] = "no-store"  # the page shows the secret
    return response


@bp.post("/account/two-factor/disable")
@role_required()
def disable_totp_page() -> WerkzeugResponse | tuple[str, int]:
    """Turn your own second factor off, with your password and a code; not while it is required."""
    form = DisableTotpForm()
    if form.validate_on_submit():
        try:
            disable_totp(db.session, current_user, form.password.data, form.code.data)
        except KaikuError as exc:
            db.session.rollback()
            field = form.password if "password" in exc.fields else form.code
            field.errors = [*field.errors, exc.message]
            return account_page(disable_form=form), exc.status
        db.session.commit()
        flash("The second factor is off: you sign in with your password only.", "success")
        return redirect(url_for("auth.account"))
    return account_page(disable_form=form), 422


@bp.before_app_request
def send_to_enrolment() -> WerkzeugResponse | None:
    """When the house requires a second factor, a signed-in member without one reaches only the
    set-up page (and sign-out) until they have one. API keys are not staff: the API is left be."""
    if request.blueprint == "api" or request.endpoint in OPEN_WHILE_ENROLLING:
        return None
    if request.endpoint is None or not current_user.is_authenticated:
        return None
    if not totp_required(db.session) or has_totp(db.session, current_user):
        return None
    if request.method == "GET":
        flash("Set up a second factor first: every staff account here needs one.", "info")
    return redirect(url_for("auth.enrol_totp"))
