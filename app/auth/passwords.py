"""Passwords a staff member looks after themselves: "forgot your password" (ask for a link, then
choose a new password through it) and changing their own on /account.

The views are thin (``surveys/staff/passwords.py`` holds the rules). Asking for a link is
rate-limited per client address and per address asked for, every attempt counting; the answer
is the same page and words whatever the address.
"""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth import bp
from app.auth.decorators import role_required
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from app.auth.limits import posts_limited, submitted_email
from app.auth.routes import LIMITED_PAGES, SESSION_TOKEN, account_page
from app.extensions import db
from surveys.kernel.errors import KaikuError
from surveys.mail.staff_emails import queue_password_reset_email
from surveys.staff.passwords import (
    RESET_TTL,
    ResetLinkError,
    change_own_password,
    find_reset_link,
    reset_with_link,
    start_password_reset,
)

RESET_HOURS = int(RESET_TTL.total_seconds() // 3600)

SENT = (
    "If an active staff account uses that address, we have sent it a link to choose a new "
    "password. The link works once, for an hour. Check your inbox (and spam folder)."
)


@bp.route("/forgot-password", methods=["GET", "POST"])
@posts_limited("FORGOT_RATE_LIMIT", "forgot-address", failures_only=False)
@posts_limited("FORGOT_ACCOUNT_RATE_LIMIT", "forgot-account", submitted_email, failures_only=False)
def forgot_password() -> str | WerkzeugResponse | tuple[str, int]:
    """Ask for a reset link by email; the same answer whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user, token = start_password_reset(db.session, form.email.data)
        queue_password_reset_email(
            db.session, user, token, current_app.extensions["kaiku_settings"], hours=RESET_HOURS
        )
        db.session.commit()
        empty = ForgotPasswordForm(formdata=None)
        return render_template("auth/forgot.html", form=empty, sent=SENT)
    status = 400 if form.is_submitted() else 200
    return render_template("auth/forgot.html", form=form, sent=None), status


def _forgot_limited(wait: str) -> str:
    form = ForgotPasswordForm(formdata=None, email=request.form.get("email", "")[:320])
    error = f"Too many requests for a reset link. Please wait {wait} and try again."
    return render_template("auth/forgot.html", form=form, sent=None, error=error)


LIMITED_PAGES["auth.forgot_password"] = _forgot_limited


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password_page(token: str) -> WerkzeugResponse | tuple[str, int]:
    """Choose a new password through a reset link; a used, expired or unknown link is a 400
    that says so. Signs no one in: the member signs in with the new password (and their code)."""
    form = ResetPasswordForm()
    try:
        find_reset_link(db.session, token)
        if form.validate_on_submit():
            user = reset_with_link(db.session, token, form.new_password.data)
            db.session.commit()
            session.clear()
            flash(
                f"Your password is changed and you are signed out everywhere. Sign in as "
                f"{user.email} with the new one.",
                "success",
            )
            return _private(redirect(url_for("auth.login")))
    except ResetLinkError as exc:
        db.session.rollback()
        page = render_template("auth/reset.html", form=None, link_error=exc.message)
        return _private(page), exc.status
    except KaikuError as exc:
        db.session.rollback()
        form.new_password.errors = [*form.new_password.errors, exc.message]
    status = 422 if form.errors else 200
    return _private(render_template("auth/reset.html", form=form, hours=RESET_HOURS)), status


def _private(page: str | WerkzeugResponse) -> WerkzeugResponse:
    """The token is in the URL: it goes to no other site as a Referer and into no cache."""
    response = current_app.make_response(page)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/account/password")
@role_required()
def change_password() -> WerkzeugResponse | tuple[str, int]:
    """Change your own password, given the current one; your other sessions end, this one stays.
    A wrong current password or a bad new one is a 422 with the form again, nothing changed."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_own_password(
                db.session,
                current_user,
                form.current_password.data,
                form.new_password.data,
                keep_token=session.get(SESSION_TOKEN),
            )
        except KaikuError as exc:
            db.session.rollback()
            field = form.current_password if "current_password" in exc.fields else form.new_password
            field.errors = [*field.errors, exc.message]
        else:
            db.session.commit()
            flash("Your password is changed. You are signed out in every other browser.", "success")
            return redirect(url_for("auth.account"))
    return account_page(password_form=form), 422
