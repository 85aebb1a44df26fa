"""Staff sign-in and sign-out, and the loader Flask-Login restores the user with."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth import bp
from app.auth.forms import LoginForm
from app.extensions import db, login_manager
from surveys.models import StaffUser
from surveys.staff import authenticate

LOGIN_FAILED = "Email or password is wrong."

login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """The signed-in user from the session cookie's id; None (signed out) once deactivated."""
    try:
        user = db.session.get(StaffUser, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site ("/rescue?x=1"), else None.

    Refuses absolute and scheme-relative URLs ("//evil.example"), and backslashes and control
    characters, which some browsers read as "//".
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | WerkzeugResponse:
    """The sign-in form; on success, on to ``next`` (a path on this site) or the overview."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("insights.overview"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            # A fresh session for the signed-in user: nothing from before sign-in carries over.
            session.clear()
            login_user(user)
            return redirect(next_url or url_for("insights.overview"))
        error = LOGIN_FAILED
    return render_template("auth/login.html", form=form, error=error, next_url=next_url)


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """Sign out; POST only (with the CSRF token), so a link or an image cannot sign anyone out."""
    if current_user.is_authenticated:
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
