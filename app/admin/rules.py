"""Admin pages: a survey's trigger rules — add, edit, delete.

The rule form has a few filter rows (field, condition, value); "Add a filter row" posts the form
back with one more empty row and saves nothing, so no script is needed.
"""

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.admin import bp
from app.admin.forms import ConfirmForm, RuleForm, show_errors
from app.auth.decorators import role_required
from app.extensions import db
from app.form_errors import domain_check
from surveys.catalog import definitions as catalog
from surveys.catalog import rules as trigger_rules
from surveys.kernel.errors import ValidationError
from surveys.models import STAGES, Survey, TriggerRule


@bp.route("/surveys/<int:survey_id>/rules/new", methods=["GET", "POST"])
@role_required("admin")
def new_rule(survey_id: int) -> ResponseReturnValue:
    survey = catalog.get_survey(db.session, survey_id)
    return _rule_page(survey, None, RuleForm())


@bp.route("/surveys/<int:survey_id>/rules/<int:rule_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_rule(survey_id: int, rule_id: int) -> ResponseReturnValue:
    survey = catalog.get_survey(db.session, survey_id)
    rule = trigger_rules.get_rule(db.session, survey, rule_id)
    form = RuleForm()
    if not form.is_submitted():
        form.show_rule(rule)
    return _rule_page(survey, rule, form)


@bp.post("/surveys/<int:survey_id>/rules/<int:rule_id>/delete")
@role_required("admin")
def delete_rule(survey_id: int, rule_id: int) -> ResponseReturnValue:
    survey = catalog.get_survey(db.session, survey_id)
    rule = trigger_rules.get_rule(db.session, survey, rule_id)
    if ConfirmForm().validate_on_submit():
        name = rule.event_name
        trigger_rules.delete_rule(db.session, rule)
        db.session.commit()
        flash(f"The rule on “{name}” was deleted.", "success")
    else:
        flash("The form expired; please try again.", "error")
    return redirect(url_for("admin.edit_survey", survey_id=survey.id), 303)


def _rule_page(survey: Survey, rule: TriggerRule | None, form: RuleForm) -> ResponseReturnValue:
    if form.is_submitted() and form.add_filter.data:
        form.filters.append_entry()  # a new empty row; nothing is saved yet
        return _render(survey, rule, form)
    if form.is_submitted():
        # The form's own checks and the service's in one round: every problem at once.
        valid = form.validate()
        filters, rows = form.rule_filters()
        values = {
            "event_name": (form.event_name.data or "").strip(),
            "delay_minutes": form.delay_minutes(),
            "filters": filters,
            "channel": form.channel.data,
            "active": bool(form.active.data),
        }

        def save() -> None:
            if rule is None:
                trigger_rules.create_rule(db.session, survey, **values)
            else:
                trigger_rules.update_rule(db.session, rule, **values)

        exc = domain_check(db.session, save, keep=valid)
        if exc is not None:
            _show_rule_errors(form, exc, rows)
        elif valid:
            db.session.commit()
            flash(f"Rule on “{values['event_name']}” saved.", "success")
            return redirect(url_for("admin.edit_survey", survey_id=survey.id), 303)
        db.session.rollback()
    return _render(survey, rule, form, 422 if form.is_submitted() else 200)


def _show_rule_errors(form: RuleForm, exc: ValidationError, rows: list[int]) -> None:
    """Service errors onto the form: ``filters.1.value`` is the value of the row it came from."""
    other = {}
    for name, why in exc.fields.items():
        parts = name.split(".")
        if parts[0] == "filters" and len(parts) >= 2 and parts[1].isdigit():
            row = form.filters.entries[rows[int(parts[1])]].form
            field = row._fields.get(parts[2] if len(parts) > 2 else "field", row.field)
            if field.name.endswith("value") and row.op.data in ("exists", "not_exists"):
                field = row.op
            if not field.errors:  # the form's own word on this field stands
                field.errors = [*field.errors, why]
        else:
            other[name] = why
    if other:
        show_errors(form, ValidationError(exc.message, fields=other), {"delay_minutes": "delay"})


def _render(
    survey: Survey, rule: TriggerRule | None, form: RuleForm, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "admin/rule_form.html",
        survey=survey,
        rule=rule,
        form=form,
        confirm=ConfirmForm(),
        stages=STAGES,
    )
    return page, status
