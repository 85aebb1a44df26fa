"""The sign-in pages' rate limits (Flask-Limiter): per client address and per account, on POSTs.

Sign-in and its code step count only failed attempts, so colleagues behind one office address
who sign in correctly never lock each other out; the forgot-password form counts every request.
"""

from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response as WerkzeugResponse

from app.extensions import limiter
from surveys.staff.accounts import normalize_email


def limits_off() -> bool:
    return not current_app.config["LOGIN_RATE_LIMIT_ENABLED"]


def failed(response: WerkzeugResponse) -> bool:
    """A failed attempt: the form again (a success redirects)."""
    return response.status_code == 200


def submitted_email() -> str:
    """The form's email, normalised; attempts without one share one bucket (an empty key would
    skip the limit)."""
    return normalize_email(request.form.get("email"))[:320] or "(none)"


def posts_limited(
    setting: str, scope: str, key_func: Callable[[], str] = get_remote_address, *,
    failures_only: bool = True,
):  # fmt: skip
    """A limit of ``current_app.config[setting]`` on the view's POSTs, keyed by ``key_func``
    (the client address by default), counting only failures unless ``failures_only`` is off."""
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key_func,
        scope=scope,
        methods=["POST"],
        deduct_when=failed if failures_only else None,
        exempt_when=limits_off,
    )
