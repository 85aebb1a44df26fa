"""The company's brand on the respondent pages: the logo route, and ``brand`` in templates.

The logo is served at ``/brand/logo/<sha256>.<ext>``: the hash changes with the image, so the
answer can be cached for a year. Pages get ``brand`` (a ``surveys.brand.BrandView``): the
survey's when the page is about an invitation (set by ``routes._invitation``), else the house's.
"""

import re

from flask import abort, g
from flask.typing import ResponseReturnValue

from app.extensions import db
from app.respond import bp
from surveys.brand import house_view, logo_by_hash
from surveys.brand.logo import EXTENSIONS

_HASH = re.compile(r"[0-9a-f]{64}")
YEAR = 365 * 24 * 3600


@bp.context_processor
def brand_context() -> dict:
    brand = g.get("brand")
    return {"brand": brand if brand is not None else house_view(db.session)}


@bp.get("/brand/logo/<sha256>.<ext>")
def logo(sha256: str, ext: str) -> ResponseReturnValue:
    """The stored (re-encoded) logo with this hash; 404 for any other name."""
    if not _HASH.fullmatch(sha256) or ext not in EXTENSIONS:
        abort(404)
    found = logo_by_hash(db.session, sha256)
    if found is None or found[1] != EXTENSIONS[ext]:
        abort(404)
    data, content_type = found
    return (
        data,
        200,
        {
            "Content-Type": content_type,
            "Cache-Control": f"public, max-age={YEAR}, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="logo.{ext}"',
        },
    )
