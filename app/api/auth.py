"""Bearer API keys: every call under /api/v1 names a live key, or is answered 401."""

from flask import Response, g, request

from app.api import bp
from app.api.errors import unauthorized
from app.extensions import db
from surveys.apikeys import verify_api_key


@bp.before_request
def require_api_key() -> Response | None:
    """Let the call through with ``g.api_key`` set, or answer 401 with a Bearer challenge.

    Commits the key's ``last_used_at`` (written at most once a minute) before the view runs, so
    a view that fails and rolls back does not lose it.
    """
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        return unauthorized("Send an API key in the header: Authorization: Bearer <key>.")
    key = verify_api_key(db.session, raw)
    if key is None:
        return unauthorized("This API key is not valid or has been revoked.", invalid_token=True)
    db.session.commit()
    g.api_key = key
    return None
