"""``role_required``: the role check every staff view carries."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from app.extensions import login_manager
from surveys.models import ROLES


def role_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let signed-in staff with one of ``roles`` in; no roles given means any staff role.

    An anonymous visitor is sent to the sign-in page (with ``next``); a signed-in user of
    another role gets 403. The wrapped view carries the allowed roles as ``_kaiku_roles`` (a
    frozenset), so tests can check that every staff page has a role check and which one.

    :raises ValueError: at decoration time, for a role that does not exist (a typo).
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    allowed = frozenset(roles or ROLES)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403, "Your role does not give access to this page.")
            return view(*args, **kwargs)

        wrapped._kaiku_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator
