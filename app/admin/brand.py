"""Admin pages: the company's brand (``/admin/brand``) and a survey's overrides of it.

One POST saves the text fields and the logo together; every error (the form's shape, the
service's checks, the logo's) is shown at once and nothing is saved. The page shows the
colour's contrast with white text and previews a survey's email and answer page with the
brand (app/admin/previews.py).

A logo may be larger than the app's MAX_CONTENT_LENGTH, so the views raise it for their own
request, as the customer import does (app/admin/imports.py); the CSRF token is then checked by
the form itself (``validate_on_submit``) rather than before the view.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.admin import bp
from app.admin.brand_forms import HouseBrandForm, survey_brand_form
from app.admin.forms import show_errors
from app.auth.decorators import role_required
from app.extensions import csrf, db
from surveys.brand import (
    MIN_CONTRAST,
    brand_for,
    clean_logo,
    from_header,
    get_brand,
    save_brand,
    set_logo,
)
from surveys.brand.colours import DEFAULT_ACCENT, contrast_ratio, parse_colour
from surveys.brand.logo import MAX_BYTES
from surveys.brand.storage import checked_values
from surveys.catalog import definitions as catalog
from surveys.catalog.definitions import MAX_ID
from surveys.kernel.errors import ValidationError
from surveys.models import Survey


def _contrast(colour: str | None) -> dict | None:
    """What the page says of a colour: its ratio with white text and whether it is used."""
    colour = parse_colour(colour)
    if colour is None:
        return None
    ratio = contrast_ratio(colour)
    return {"colour": colour, "ratio": ratio, "passes": ratio >= MIN_CONTRAST}


# Room for the text fields around the logo in one multipart request.
FORM_OVERHEAD_BYTES = 64 * 1024
TOO_LARGE = "The upload is larger than the logo's limit of 512 KB."


def _posted_form(make):
    """``make()``'s form from this request, with the body limit raised to a logo's worth; None
    when the request is larger still (the caller answers 413, ``_too_large``)."""
    limit = MAX_BYTES + FORM_OVERHEAD_BYTES
    if request.content_length is not None and request.content_length > limit:
        return None
    request.max_content_length = limit
    try:
        return make()
    except RequestEntityTooLarge:
        return None


def _too_large(make, row, survey, preview_survey, surveys) -> tuple:
    form = make(formdata=None)
    form.logo.errors = [TOO_LARGE]
    page, _ = _page(form, row, survey, preview_survey, surveys)
    return page, 413


def _save(form, survey_id: int | None, extra: dict | None = None) -> bool:
    """Check everything, then save it all or nothing; False with the errors on ``form``."""
    form.validate_on_submit()  # the shape and CSRF; its errors stay on the fields
    errors: dict[str, str] = {}
    logo = None
    upload = form.logo.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            logo = clean_logo(upload.read(MAX_BYTES + 1))
        except ValidationError as exc:
            errors.update(exc.fields)
    values = form.values() | (extra or {})
    try:
        checked_values(values)
    except ValidationError as exc:
        errors.update(exc.fields)
    for name in list(errors):
        if name in form and form[name].errors:
            del errors[name]  # the form's own message is already there
    if errors:
        show_errors(form, ValidationError("Some fields need fixing.", fields=errors))
    if errors or form.errors or form.form_errors:
        return False
    save_brand(db.session, values, survey_id=survey_id)
    if logo is not None:
        set_logo(db.session, logo, survey_id=survey_id)
    elif form.remove_logo.data:
        set_logo(db.session, None, survey_id=survey_id)
    db.session.commit()
    return True


def _preview_survey() -> Survey | None:
    """The survey whose email and answer page the brand page previews (``?survey=``)."""
    wanted = request.args.get("survey", type=int)
    if wanted is not None and 0 < wanted <= MAX_ID:
        survey = db.session.get(Survey, wanted)
        if survey is not None:
            return survey
    return db.session.scalars(select(Survey).order_by(Survey.id).limit(1)).first()


def _page(form, row, survey: Survey | None, preview_survey: Survey | None, surveys) -> tuple:
    """The brand page (house or survey), previewing ``preview_survey`` with its brand."""
    preview_view = brand_for(db.session, preview_survey.id if preview_survey else None)
    settings = current_app.extensions["kaiku_settings"]
    page = render_template(
        "admin/brand.html",
        form=form,
        row=row,
        survey=survey,
        contrast=_contrast(_shown_colour(form, row)),
        default_accent=DEFAULT_ACCENT,
        preview_survey=preview_survey,
        surveys=surveys,
        view=preview_view,
        from_header=from_header(preview_view, settings),
    )
    return page, 422 if form.is_submitted() else 200


def _shown_colour(form, row) -> str | None:
    if form.is_submitted():
        return form.primary_color.data
    return row.primary_color if row else None


@bp.route("/brand", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, after the size limit is raised (see above)
@role_required("admin")
def brand() -> ResponseReturnValue:
    """The house brand: name, logo, colour, sender, Reply-To, postal footer, back link."""
    row = get_brand(db.session)

    def make(**kwargs):
        return HouseBrandForm(obj=row, **kwargs)

    form = _posted_form(make) if request.method == "POST" else make()
    if form is None:
        return _too_large(make, row, None, _preview_survey(), catalog.list_surveys(db.session))
    if form.is_submitted():
        if _save(form, None):
            flash("Brand saved. Every email and respondent page uses it from now on.", "success")
            return redirect(url_for("admin.brand"), 303)
    return _page(form, row, None, _preview_survey(), catalog.list_surveys(db.session))


@bp.route("/surveys/<int:survey_id>/brand", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, as above
@role_required("admin")
def survey_brand(survey_id: int) -> ResponseReturnValue:
    """A survey's overrides of the house brand, and its thank-you messages per category."""
    survey = catalog.get_survey(db.session, survey_id)
    row = get_brand(db.session, survey.id)
    saved = {
        f"thanks_{category}_{lang}": text
        for category, by_language in ((row.thanks or {}) if row else {}).items()
        for lang, text in by_language.items()
    }

    def make(**kwargs):
        return survey_brand_form(survey.kind, obj=row, **kwargs)

    form = _posted_form(make) if request.method == "POST" else make(**saved)
    if form is None:
        return _too_large(make, row, survey, survey, [])
    if form.is_submitted():
        if _save(form, survey.id, {"thanks": form.thanks()}):
            flash(f"Brand of “{survey.name}” saved.", "success")
            return redirect(url_for("admin.survey_brand", survey_id=survey.id), 303)
    return _page(form, row, survey, survey, [])
