"""Bearer API keys: every call under /api/v1 names a live key whose role allows it (but the
OpenAPI document, ``PUBLIC_ENDPOINTS``).

A key's role decides what it may do: ``admin`` everything, ``agent`` reads plus changes to
rescue tasks (POST, PATCH under /rescue-tasks), ``analyst`` reads plus changes to the theme
taxonomy (under /themes). Anything else is 403. A customer's whole export is read by admin
keys only (ADMIN_READS): everything Kaiku holds about a person is not a reader's business.
"""

from flask import Response, g, request

from app.api import bp
from app.api.errors import json_error, unauthorized
from app.extensions import db
from surveys.staff.apikeys import verify_api_key

API_PREFIX = "/api/v1"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Resources (first path segment under /api/v1) an agent key may change, and how.
AGENT_WRITES = {"rescue-tasks": frozenset({"POST", "PATCH"})}
ANALYST_WRITES = {"themes": frozenset({"POST", "PATCH", "DELETE"})}
# URL rules whose reads are for admin keys only.
ADMIN_READS = frozenset({"/api/v1/customers/<path:external_id>/export"})
# Served without a key: the OpenAPI document describes the public contract and holds no data,
# and client generators and fuzzers fetch it before they hold a key (app.api.openapi).
PUBLIC_ENDPOINTS = frozenset({"api.openapi_spec"})
DENIED = {
    "analyst": "This API key has the analyst role: it may read, and change themes only.",
    "agent": "This API key has the agent role: it may read, and change rescue tasks only.",
}


def resource_of(rule: str) -> str:
    """The first path segment under /api/v1 of a URL rule: "/api/v1/rescue-tasks/<id>" gives
    "rescue-tasks"."""
    path = rule.removeprefix(API_PREFIX)
    return path.strip("/").split("/", 1)[0]


def role_allows(role: str, method: str, rule: str) -> bool:
    """Whether a key of ``role`` may call ``method`` on the route ``rule``."""
    if role == "admin":
        return True
    if method in READ_METHODS:
        return role in ("agent", "analyst") and rule not in ADMIN_READS
    if role == "agent":
        return method in AGENT_WRITES.get(resource_of(rule), frozenset())
    if role == "analyst":
        return method in ANALYST_WRITES.get(resource_of(rule), frozenset())
    return False


@bp.before_request
def require_api_key() -> Response | None:
    """Let the call through with ``g.api_key`` set, or answer 401 (no or bad key) with a Bearer
    challenge, or 403 when the key's role does not allow the call.

    Commits the key's ``last_used_at`` (written at most once a minute) before the view runs, so
    a view that fails and rolls back does not lose it. The endpoints of ``PUBLIC_ENDPOINTS``
    need no key.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        return unauthorized("Send an API key in the header: Authorization: Bearer <key>.")
    key = verify_api_key(db.session, raw)
    if key is None:
        return unauthorized("This API key is not valid or has been revoked.", invalid_token=True)
    db.session.commit()
    rule = request.url_rule.rule if request.url_rule is not None else API_PREFIX
    if not role_allows(key.role, request.method, rule):
        message = DENIED.get(key.role, "This API key may not do this.")
        if rule in ADMIN_READS:
            message = "Only an API key with the admin role may export a customer's data."
        return json_error(403, "forbidden", message)
    g.api_key = key
    return None
