"""The explorer page: every response, filtered (a GET form, so a view is a URL to share), paged,
sorted, with a CSV download of the same filtered set.

The filters are ``surveys.reports.explorer``'s, read from the query string exactly as
``GET /api/v1/responses`` reads them; this module only pages and presents. A customer attribute
is entered as a name and a value (``attr_name``, ``attr_value``) and becomes ``attr.<name>``;
links from other pages may use ``attr.<name>`` directly.
"""

from collections.abc import Mapping

from flask import Response as HttpResponse
from flask import abort, render_template, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.auth.decorators import role_required
from app.extensions import db
from app.insights import bp
from surveys.catalog import definitions as catalog
from surveys.kernel import clock
from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.kernel.stages import STAGES
from surveys.models import KINDS, RescueTask
from surveys.reports import explorer
from surveys.reports.csv_export import stream_csv
from surveys.reports.explorer_csv import csv_rows

READERS = ("admin", "agent", "analyst")
RESCUE_ROLES = ("admin", "agent")  # who may open a rescue task (app/rescue WORKERS)
PAGE_SIZE = 25
MAX_PAGE = 400  # 10,000 responses deep; past that, narrow the filters (or download the CSV)
SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "score_asc": "Lowest score first",
    "score_desc": "Highest score first",
}
RESCUE_LABELS = {
    "none": "No rescue task",
    "open": "Open rescue task",
    "resolved": "Resolved rescue task",
    "any": "Any rescue task",
}


def filter_args(args: Mapping[str, str]) -> dict[str, str]:
    """The query string's non-empty values, with ``attr_name``/``attr_value`` as ``attr.<name>``
    (``page`` dropped: a new filter starts at page 1)."""
    given = {k: v for k, v in args.items() if v.strip() and k not in ("page", "attr_name")}
    given.pop("attr_value", None)
    name, value = args.get("attr_name", "").strip(), args.get("attr_value", "").strip()
    if name and value:
        given[explorer.ATTRIBUTE_PREFIX + name] = value
    return given


def explorer_url(**args: str | int) -> str:
    """The explorer filtered by ``args`` (query-string names: theme, survey, category...)."""
    return url_for("insights.explorer", **{k: v for k, v in args.items() if v not in (None, "")})


@bp.app_context_processor
def explorer_links() -> dict:
    return {"explorer_url": explorer_url}


@bp.get("/insights/responses", endpoint="explorer")
@role_required(*READERS)
def explorer_page() -> tuple[str, int] | str:
    """One page of the filtered responses, newest first unless ``sort`` says otherwise."""
    args = filter_args(request.args)
    errors: dict[str, str] = {}
    try:
        filters = explorer.parse_filters(args)
    except ValidationError as exc:
        filters, errors = None, dict(exc.fields)
    page = _page_number(request.args.get("page", ""), errors)
    context = {
        "args": args,
        "errors": errors,
        "attribute": _attribute(args),
        "surveys": catalog.list_surveys(db.session),
        "choices": _choices(),
        "page": page,
        "page_size": PAGE_SIZE,
        "nav_current": "responses",
        "can_rescue": current_user.role in RESCUE_ROLES,
    }
    if filters is None or errors:
        return render_template("insights/explorer.html", responses=None, **context), 400
    try:
        stmt = explorer.filtered_responses(db.session, filters)
    except NotFoundError as exc:
        context["errors"] = dict(exc.fields) or {"survey": "no such survey"}
        return render_template("insights/explorer.html", responses=None, **context), 404
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        abort(404, "There is no such page of responses.")
    responses = list(
        db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).unique()
    )
    ids = [r.id for r in responses]
    tasks = dict(
        db.session.execute(
            select(RescueTask.response_id, RescueTask.id).where(RescueTask.response_id.in_(ids))
        ).all()
    ) if ids else {}  # fmt: skip
    return render_template(
        "insights/explorer.html",
        responses=responses,
        tasks=tasks,
        total=total,
        pages=min(pages, MAX_PAGE),
        **context,
    )


@bp.get("/insights/responses.csv", endpoint="explorer_csv")
@role_required(*READERS)
def explorer_csv() -> HttpResponse:
    """Every response the explorer's filters match, as the API's ``format=csv`` streams it
    (``explorer_csv.csv_rows`` through ``csv_export.stream_csv``: neutralised, UTF-8 with a
    BOM)."""
    try:
        filters = explorer.parse_filters(filter_args(request.args))
    except ValidationError as exc:
        abort(400, exc.message)
    # Ask for the survey now, so a wrong id is a 404 before the download starts.
    explorer.filtered_responses(db.session, filters)
    rows = csv_rows(db.session, filters)
    filename = f"kaiku-responses-{clock.now().date().isoformat()}.csv"
    return HttpResponse(
        stream_with_context(stream_csv(rows)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _page_number(text: str, errors: dict[str, str]) -> int:
    if not text.strip():
        return 1
    try:
        page = int(text)
    except ValueError:
        page = 0
    if not 1 <= page <= MAX_PAGE:
        errors["page"] = f"a page between 1 and {MAX_PAGE}"
        return 1
    return page


def _attribute(args: Mapping[str, str]) -> tuple[str, str]:
    """The first ``attr.<name>`` filter as (name, value), for the form's two fields."""
    for key, value in args.items():
        if key.startswith(explorer.ATTRIBUTE_PREFIX):
            return key.removeprefix(explorer.ATTRIBUTE_PREFIX), value
    return "", ""


def _choices() -> dict[str, list[tuple[str, str]]]:
    def labelled(values: tuple[str, ...]) -> list[tuple[str, str]]:
        return [(v, v.replace("_", " ").capitalize()) for v in values]

    return {
        "kind": [(k, k.upper()) for k in KINDS],
        "category": labelled(explorer.CATEGORIES),
        "sentiment": labelled(explorer.SENTIMENTS),
        "stage": labelled(STAGES),
        "rescue": list(RESCUE_LABELS.items()),
        "sort": list(SORT_LABELS.items()),
    }
