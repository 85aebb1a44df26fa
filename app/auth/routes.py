"""Staff sign-in and sign-out, and the loader Flask-Login restores the user with.

Who is signed in is decided on the server: the cookie carries a session token, and the user is
the one of its live session (``surveys/staff/sessions.py``), so a copied cookie is worth nothing
after sign-out, deactivation, a password reset or ``SESSION_HOURS``. A member with a second
factor is signed in only after its code (``ask_for_code``, then ``app/auth/two_factor.py``).
"""

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth import bp
from app.auth.decorators import role_required
from app.auth.forms import AccountForm, ChangePasswordForm, DisableTotpForm, LoginForm
from app.auth.limits import posts_limited, submitted_email
from app.extensions import db, limiter, login_manager
from surveys.kernel import clock
from surveys.models import StaffUser
from surveys.staff.accounts import (
    authenticate,
    record_sign_in,
    set_digest_opt_in,
    set_format_locale,
)
from surveys.staff.policy import totp_required
from surveys.staff.sessions import end_session, find_signed_in, start_session
from surveys.staff.totp import has_totp, remaining_recovery_codes

LOGIN_FAILED = "Email or password is wrong."
# Other sign-in pages' answers past their rate limit: endpoint → page(wait words); filled by
# app/auth/passwords.py and app/auth/two_factor.py.
LIMITED_PAGES: dict = {}

login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"


# The key of the session cookie that carries the server-side session's token.
SESSION_TOKEN = "_kaiku_session"
# Between a right password and a right code: whose password it was, and when (a timestamp).
PENDING_USER = "_kaiku_2fa_user"
PENDING_SINCE = "_kaiku_2fa_since"
PENDING_CODE_MINUTES = 5


@login_manager.user_loader
def load_user(user_id: str) -> StaffUser | None:
    """The signed-in user, only through a live server-side session (``surveys.staff.sessions``):
    None (signed out) once that session has ended or expired, or the user is deactivated."""
    user = find_signed_in(db.session, session.get(SESSION_TOKEN))
    return user if user is not None and user.get_id() == user_id else None


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
@posts_limited("LOGIN_RATE_LIMIT", "address")
@posts_limited("LOGIN_ACCOUNT_RATE_LIMIT", "account", submitted_email)
def login() -> str | WerkzeugResponse:
    """The sign-in form; on success, on to ``next`` (a path on this site) or the overview.

    Failed attempts are rate-limited per client address and per account email
    (``LOGIN_RATE_LIMIT``, ``LOGIN_ACCOUNT_RATE_LIMIT``); past the limit the answer is 429.
    """
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("insights.overview"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            if has_totp(db.session, user):
                db.session.commit()  # a rehashed password is kept
                return ask_for_code(user, next_url)
            return complete_sign_in(user, next_url)
        error = LOGIN_FAILED
    return render_template("auth/login.html", form=form, error=error, next_url=next_url)


def complete_sign_in(user: StaffUser, next_url: str | None) -> WerkzeugResponse:
    """Sign ``user`` in (password, and code if they have a second factor, are right): a fresh
    cookie session, nothing from before sign-in carried over, and a server-side session."""
    session.clear()
    record_sign_in(db.session, user)
    lifetime = current_app.permanent_session_lifetime
    token = start_session(db.session, user, lifetime)
    db.session.commit()
    login_user(user)
    session[SESSION_TOKEN] = token
    return redirect(next_url or url_for("insights.overview"))


def ask_for_code(user: StaffUser, next_url: str | None) -> WerkzeugResponse:
    """The password was right and ``user`` has a second factor: remember that (for
    ``PENDING_CODE_MINUTES``) in a fresh cookie session, and ask for the code. No one is signed
    in yet."""
    session.clear()
    session[PENDING_USER] = user.id
    session[PENDING_SINCE] = clock.now().timestamp()
    return redirect(url_for("auth.login_code", next=next_url))


def wait_words() -> str:
    """How long the limit that was just hit lasts, in words ("a minute", "7 minutes")."""
    current = limiter.current_limit
    seconds = current.reset_at - time.time() if current is not None else 60
    minutes = max(1, round(seconds / 60))
    return "a minute" if minutes == 1 else f"{minutes} minutes"


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(exc: RateLimitExceeded) -> tuple[str, int]:
    """The page again, saying how long to wait; 429 (Retry-After is added after)."""
    wait = wait_words()
    if request.endpoint in LIMITED_PAGES:
        return LIMITED_PAGES[request.endpoint](wait), 429
    form = LoginForm(formdata=None, email=request.form.get("email", "")[:320])
    error = f"Too many failed sign-in attempts. Please wait {wait} and try again."
    next_url = safe_next(request.args.get("next"))
    page = render_template("auth/login.html", form=form, error=error, next_url=next_url)
    return page, 429


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """Sign out and end the session on the server; POST only (with the CSRF token), so a link or
    an image cannot sign anyone out."""
    signed_in = current_user.is_authenticated
    end_session(db.session, session.get(SESSION_TOKEN))
    db.session.commit()
    logout_user()
    session.clear()
    if signed_in:
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@role_required()
def account() -> str | WerkzeugResponse:
    """The signed-in staff member's own account: who they are, the weekly digest opt-in and the
    format their dates and numbers are written in.

    Only ever the current user's row (no id in the URL), so no one changes another's settings.
    An unknown format is a 400 with the form again, and nothing is saved.
    """
    # On POST only what was posted counts: an unticked box sends nothing, which means "off"
    # (pre-filled from the row, an empty post would keep it on). A post without a format
    # keeps the one set.
    if request.method == "GET":
        form = AccountForm(obj=current_user)
    else:
        form = AccountForm(format_locale=current_user.format_locale)
    if form.validate_on_submit():
        set_format_locale(db.session, current_user, form.format_locale.data)
        set_digest_opt_in(db.session, current_user, form.digest_opt_in.data)
        db.session.commit()
        if form.digest_opt_in.data:
            flash("Saved. You will get the weekly digest on Mondays.", "success")
        else:
            flash("Saved. You will not get the weekly digest.", "success")
        return redirect(url_for("auth.account"))
    status = 400 if form.is_submitted() else 200
    return account_page(form=form), status


def account_page(**forms: object) -> str:
    """/account with its three parts: settings, password change, second factor; a part whose
    form is not given gets an empty one."""
    forms.setdefault("form", AccountForm(formdata=None, obj=current_user))
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    forms.setdefault("disable_form", DisableTotpForm(formdata=None))
    return render_template(
        "auth/account.html",
        now=clock.now(),
        has_totp=has_totp(db.session, current_user),
        totp_required=totp_required(db.session),
        recovery_left=remaining_recovery_codes(db.session, current_user),
        **forms,
    )
