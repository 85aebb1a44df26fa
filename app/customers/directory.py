"""``GET /customers``: the customer directory for every staff role, its filters in the URL.

The filters and the query are ``surveys.reports.directory``'s; a bad filter renders the page
with the errors next to their fields and status 400, listing nothing.
"""

from flask import render_template, request

from app.auth.decorators import role_required
from app.customers import bp
from app.extensions import db
from surveys.kernel.errors import ValidationError
from surveys.kernel.stages import STAGES
from surveys.reports.directory import (
    SORTS,
    customer_directory,
    parse_directory_filters,
)
from surveys.reports.explorer import ATTRIBUTE_PREFIX
from surveys.reports.segments import segment_names

READERS = ("admin", "agent", "analyst")
SORT_LABELS = {"name": "Name", "last_answer": "Latest answer"}


@bp.get("", endpoint="directory")
@role_required(*READERS)
def directory_page() -> str | tuple[str, int]:
    """One page of the customers matching the query string's search and filters."""
    args = {name: value for name, value in request.args.items() if value.strip()}
    segments = segment_names(db.session)
    context = {
        "args": args,
        "segments": segments,
        "attribute_prefix": ATTRIBUTE_PREFIX,
        "stages": STAGES,
        "sorts": [(key, SORT_LABELS[key]) for key in SORTS],
        "nav_current": "customers",
    }
    try:
        filters = parse_directory_filters(args, segments)
    except ValidationError as exc:
        return render_template(
            "customers/directory.html", page=None, errors=dict(exc.fields), **context
        ), 400
    page = customer_directory(db.session, filters)
    paging = {name: value for name, value in args.items() if name != "page"}
    return render_template(
        "customers/directory.html", page=page, errors={}, paging=paging, **context
    )
