"""Admin pages: customer imports — upload a CSV, watch its progress, read the refused rows.

Uploads may be up to IMPORT_MAX_BYTES, larger than the app's MAX_CONTENT_LENGTH (64 KiB), so the
upload view raises the limit for its own request. The CSRF check therefore runs in the form
(FlaskForm validates its token) rather than in CSRFProtect's before-request hook, which would
read the body under the small global limit.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.admin import bp
from app.admin.forms import ImportForm
from app.auth.decorators import role_required
from app.extensions import csrf, db
from surveys.customers import imports
from surveys.kernel.actor import Actor
from surveys.kernel.errors import ValidationError
from surveys.kernel.languages import LANGUAGES
from surveys.models import CustomerImport

RECENT_IMPORTS = 20
# Room for the multipart envelope and the CSRF field around the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024


def _recent() -> list[CustomerImport]:
    stmt = select(CustomerImport).order_by(CustomerImport.id.desc()).limit(RECENT_IMPORTS)
    return list(db.session.scalars(stmt))


def _upload_page(form: ImportForm, status: int = 200) -> ResponseReturnValue:
    limit = current_app.config["IMPORT_MAX_BYTES"]
    page = render_template(
        "admin/imports.html",
        form=form,
        imports=_recent(),
        max_bytes=limit,
        status_of=_status,
        languages=LANGUAGES,
    )
    return page, status


@bp.get("/imports")
@role_required("admin")
def imports_page() -> ResponseReturnValue:
    return _upload_page(ImportForm())


@bp.post("/imports")
@csrf.exempt  # checked by ImportForm itself, after the size limit is raised (see above)
@role_required("admin")
def upload_import() -> ResponseReturnValue:
    """Store the file as a queued import (the commit sends its task), show its page."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    too_large = f"The file is larger than the limit of {_size(limit)}."
    if request.content_length is not None and request.content_length > limit + FORM_OVERHEAD_BYTES:
        form = ImportForm(formdata=None)
        form.file.errors = [too_large]
        return _upload_page(form, 413)
    request.max_content_length = limit + FORM_OVERHEAD_BYTES
    try:
        form = ImportForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = ImportForm(formdata=None)
        form.file.errors = [too_large]
        return _upload_page(form, 413)
    if not valid:
        return _upload_page(form, 422)
    upload = form.file.data
    content = upload.read(limit + 1)
    if len(content) > limit:
        form.file.errors = [too_large]
        return _upload_page(form, 413)
    try:
        customer_import = imports.create_import(
            db.session,
            upload.filename or "customers.csv",
            content,
            actor=Actor.of_staff(current_user),
        )
    except ValidationError as exc:
        db.session.rollback()
        form.file.errors = [exc.message]
        return _upload_page(form, 422)
    db.session.commit()
    flash(
        f"Importing {customer_import.total_rows} rows from {customer_import.filename}.", "success"
    )
    return redirect(url_for("admin.import_page", import_id=customer_import.id), 303)


@bp.get("/imports/<int:import_id>")
@role_required("admin")
def import_page(import_id: int) -> ResponseReturnValue:
    """Progress (refreshed by a small script, or by the page itself without one) and results."""
    customer_import = imports.get_import(db.session, import_id)
    return render_template(
        "admin/import.html",
        imp=customer_import,
        status=_status(customer_import),
        refused=imports.failed_rows(customer_import),
    )


@bp.get("/imports/<int:import_id>/status")
@role_required("admin")
def import_status(import_id: int) -> ResponseReturnValue:
    """The import's progress as JSON, for the page's poll."""
    return _status(imports.get_import(db.session, import_id)), 200, {"Cache-Control": "no-store"}


def _status(customer_import: CustomerImport) -> dict:
    return {
        "id": customer_import.id,
        "status": customer_import.status,
        "total_rows": customer_import.total_rows,
        "processed_rows": customer_import.processed_rows,
        "percent": imports.percent_done(customer_import),
        "created": customer_import.created_count,
        "updated": customer_import.updated_count,
        "unchanged": customer_import.unchanged_count,
        "refused": imports.failed_rows(customer_import),
        "finished": customer_import.status in ("done", "failed"),
    }


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
