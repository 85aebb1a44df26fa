"""Admin pages: a survey's Embed tab — where the widget may appear, who may answer in it, when
it opens, the snippet and signing code to copy, signing secrets, a live preview, and the
refusals to read before switching ``enforce`` on.

A new secret is shown on the page that answers its POST, once: it is never stored anywhere a
page could show it again (the database keeps it to verify signatures, and no view reads it
back), and that page is not cached. Admins only, like every survey page; each change is a POST
with a CSRF token.
"""

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.admin import bp
from app.admin.embed_forms import EmbedForm, SecretForm
from app.admin.embed_snippets import EXAMPLES, full_script_tag, js_api, script_tag
from app.admin.forms import show_errors
from app.auth.decorators import role_required
from app.extensions import db
from app.form_errors import domain_check
from surveys.catalog import definitions as catalog
from surveys.embed.evidence import embed_evidence
from surveys.embed.keys import create_secret, key_listing
from surveys.embed.policy import embed_of, update_embed
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.errors import ValidationError
from surveys.kernel.languages import BY_CODE, DEFAULT_LANGUAGE, LANGUAGES
from surveys.models import Survey

REASON_LABELS = {
    "unsigned": "No signature",
    "bad_signature": "Wrong signature",
    "expired": "Signature expired",
    "unknown_key": "Unknown key id",
    "no_customer": "No customer id (anonymous answers are off)",
}
IDENTITY_LABELS = {
    "signed": "Signed: a verified customer",
    "unverified": "Unverified: let through in report-only mode",
    "anonymous": "Anonymous: no customer id",
}


@bp.route("/surveys/<int:survey_id>/embed", methods=["GET", "POST"])
@role_required("admin")
def survey_embed(survey_id: int) -> ResponseReturnValue:
    """The Embed tab: the settings form, and everything to copy, preview and check."""
    survey = catalog.get_survey(db.session, survey_id)
    embed = embed_of(db.session, survey)
    form = EmbedForm()
    if not form.is_submitted():
        db.session.commit()  # the embed's defaults, made on first use
        form.show_embed(embed)
        return _page(survey, form)
    # The form's own checks and the policy's in one round: every problem at once.
    valid = form.validate()
    _, sources = form.triggers()
    exc = domain_check(
        db.session, lambda: update_embed(db.session, survey, form.changes()), keep=valid
    )
    if exc is not None:
        _show_policy_errors(form, exc, sources)
    elif valid:
        db.session.commit()
        flash("Embed settings saved.", "success")
        return redirect(url_for("admin.survey_embed", survey_id=survey.id), 303)
    db.session.rollback()
    return _page(survey, form, status=422)


@bp.post("/surveys/<int:survey_id>/embed/secrets")
@role_required("admin")
def create_embed_secret(survey_id: int) -> ResponseReturnValue:
    """Make a new current secret and show it this once; the older keys retire after the
    chosen grace period."""
    survey = catalog.get_survey(db.session, survey_id)
    form = SecretForm()
    if not form.validate_on_submit():
        flash(
            "The form expired or the grace period was not one offered; please try again.", "error"
        )
        return redirect(url_for("admin.survey_embed", survey_id=survey.id), 303)
    new = create_secret(
        db.session,
        survey,
        by=Actor.of_staff(current_user).label,
        grace=timedelta(hours=form.grace_hours.data),
    )
    db.session.commit()
    page = render_template("admin/embed_secret.html", survey=survey, new=new)
    return page, 200, {"Cache-Control": "no-store"}


def _show_policy_errors(form: EmbedForm, exc: ValidationError, sources: list[str]) -> None:
    """The policy's errors on the fields they came from, each line named."""
    other: dict[str, str] = {}
    for name, why in exc.fields.items():
        target, where = form.error_field(name, sources)
        field = form._fields.get(target)
        if field is None:
            other[name] = why
        elif not field.errors or where:  # the form's own word on a field stands
            field.errors = [*field.errors, f"{where}{why}"]
    if other or not exc.fields:
        show_errors(form, ValidationError(exc.message, fields=other))


def _lang() -> str:
    lang = request.args.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in BY_CODE else DEFAULT_LANGUAGE


def _page(survey: Survey, form: EmbedForm, status: int = 200) -> ResponseReturnValue:
    base_url = current_app.extensions["kaiku_settings"].base_url
    now = clock.now()
    lang = _lang()
    page = render_template(
        "admin/embed.html",
        survey=survey,
        embed=embed_of(db.session, survey),
        form=form,
        secret_form=SecretForm(),
        keys=key_listing(db.session, survey.id),
        now=now,
        evidence=embed_evidence(db.session, survey.id, now),
        reason_labels=REASON_LABELS,
        identity_labels=IDENTITY_LABELS,
        snippets={
            "tag": script_tag(base_url, survey.key),
            "full_tag": full_script_tag(base_url, survey.key),
            "js_api": js_api(base_url, survey.key),
        },
        examples=EXAMPLES,
        lang_shown=lang,
        languages={language.code: language.label for language in LANGUAGES},
        preview_src=f"/embed/{survey.key}?preview=1&lang={lang}",
    )
    return page, status
