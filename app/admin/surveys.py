"""Admin pages: surveys — list, create, edit texts, delivery policy and retention (with its
dry run), pause and resume.

Trigger rules (app/admin/rules.py) and previews (app/admin/previews.py) hang off a survey's page.
Every view is for admins only; every change is a POST with a CSRF token, and answers with a
redirect (303) on success or the form again, errors next to their fields, on failure (422).
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.admin import bp
from app.admin.forms import (
    TEXT_ERROR_FIELDS,
    ConfirmForm,
    SurveyForm,
    field_attrs,
    show_errors,
    survey_texts_data,
)
from app.auth.decorators import role_required
from app.extensions import db
from app.form_errors import domain_check
from surveys.catalog import definitions as catalog
from surveys.catalog.rules import describe_filter
from surveys.kernel import clock
from surveys.privacy.retention import plan

# A global, not a context variable: imported macros (admin/_macros.html) see only globals.
bp.add_app_template_global(field_attrs, "admin_field_attrs")


@bp.get("/surveys")
@role_required("admin")
def surveys() -> ResponseReturnValue:
    """Every survey with its status and number of trigger rules, and pause/resume buttons."""
    return render_template(
        "admin/surveys.html",
        surveys=catalog.list_surveys(db.session),
        form=ConfirmForm(),
    )


@bp.route("/surveys/new", methods=["GET", "POST"])
@role_required("admin")
def new_survey() -> ResponseReturnValue:
    form = SurveyForm()
    if form.is_submitted():
        valid = form.validate()
        made = []

        def create() -> None:
            made.append(
                catalog.create_survey(
                    db.session,
                    form.name.data,
                    form.kind.data,
                    active=bool(form.active.data),
                    texts=form.texts(),
                    **form.policy(),
                )
            )

        exc = domain_check(db.session, create, keep=valid)
        if exc is not None:
            show_errors(form, exc, TEXT_ERROR_FIELDS)
        elif valid:
            db.session.commit()
            survey = made[0]
            flash(f"Survey “{survey.name}” created. Add a trigger rule to start asking.", "success")
            return redirect(url_for("admin.edit_survey", survey_id=survey.id), 303)
        db.session.rollback()
    status = 422 if form.is_submitted() else 200
    return render_template(
        "admin/survey_form.html",
        form=form,
        survey=None,
        retention_global=current_app.extensions["kaiku_settings"].retention_months,
    ), status


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_survey(survey_id: int) -> ResponseReturnValue:
    """The survey's texts and delivery policy, and its trigger rules."""
    survey = catalog.get_survey(db.session, survey_id)
    form = SurveyForm(obj=survey, **survey_texts_data(survey))
    del form.kind  # the kind never changes: scores are on its scale
    del form.active  # pause and resume have their own buttons
    if form.is_submitted():
        valid = form.validate()
        exc = domain_check(
            db.session,
            lambda: catalog.update_survey(
                db.session, survey, name=form.name.data, texts=form.texts(), **form.policy()
            ),
            keep=valid,
        )
        if exc is not None:
            show_errors(form, exc, TEXT_ERROR_FIELDS)
        elif valid:
            db.session.commit()
            flash("Survey saved.", "success")
            return redirect(url_for("admin.edit_survey", survey_id=survey.id), 303)
        db.session.rollback()
    status = 422 if form.is_submitted() else 200
    global_months = current_app.extensions["kaiku_settings"].retention_months
    retention = plan(db.session, clock.now(), global_months, survey_id=survey.id)
    return render_template(
        "admin/survey_form.html",
        form=form,
        survey=survey,
        confirm=ConfirmForm(),
        describe_filter=describe_filter,
        retention=retention[0] if retention else None,
        retention_global=global_months,
    ), status


@bp.post("/surveys/<int:survey_id>/pause")
@role_required("admin")
def pause_survey(survey_id: int) -> ResponseReturnValue:
    return _set_active(survey_id, False)


@bp.post("/surveys/<int:survey_id>/resume")
@role_required("admin")
def resume_survey(survey_id: int) -> ResponseReturnValue:
    return _set_active(survey_id, True)


def _set_active(survey_id: int, active: bool) -> ResponseReturnValue:
    survey = catalog.get_survey(db.session, survey_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form expired; please try again.", "error")
        return redirect(url_for("admin.surveys"), 303)
    catalog.update_survey(db.session, survey, active=active)
    db.session.commit()
    if active:
        flash(
            f"“{survey.name}” resumed: its trigger rules invite customers again, and its "
            "scheduled invitations go out (those that expired meanwhile are skipped).",
            "success",
        )
    else:
        flash(
            f"“{survey.name}” paused: its trigger rules invite nobody, and its scheduled "
            "invitations and reminders wait until you resume it.",
            "success",
        )
    return redirect(url_for("admin.surveys"), 303)
