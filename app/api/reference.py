"""``GET /api/reference``: the API reference for staff, rendered on the server from the
OpenAPI document (app.api.openapi), so it cannot differ from what /api/v1/openapi.json says.

Behind sign-in, for every staff role (agents and analysts hold API keys too); no script and
nothing loaded from elsewhere, so it works on a machine with no way out and under the CSP.
"""

from flask import Blueprint, current_app, render_template

from app.api.openapi import cached_spec
from app.api.reference_view import reference_of
from app.auth.decorators import role_required

bp = Blueprint("api_reference", __name__)


@bp.get("/api/reference")
@role_required()
def reference() -> str:
    """The operations by tag, then every schema; each type links to its schema."""
    return render_template(
        "api/reference.html", ref=reference_of(cached_spec(current_app)), nav_current="api"
    )
