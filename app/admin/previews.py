"""Admin pages: preview a survey's invitation email and answer page, in each language.

The previews render the real templates with a dummy customer and token: nothing is stored, no
email is sent, and the answer page's buttons do not submit. The email's HTML is served by a
route of its own with a CSP that allows no script, no network, only its own inline styles (by
hash) and sandboxes it, and is shown in a sandboxed iframe; so is the answer page.
"""

from dataclasses import replace
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext

from app.admin import bp
from app.auth.decorators import role_required
from app.csp import framed_by_self, inline_style_policy
from app.extensions import db
from app.respond.routes import scale_ends
from surveys.brand import BrandView, brand_for
from surveys.catalog import definitions as catalog
from surveys.catalog.scoring import SCALES, categorize
from surveys.delivery.emails import RenderedEmail, render_invitation
from surveys.kernel.languages import BY_CODE, DEFAULT_LANGUAGE, LANGUAGES
from surveys.models import Survey

PREVIEW_TOKEN = "preview"
EMAIL_KINDS = ("invitation", "reminder")
# An email's styles are inline by necessity: its policy lists their hashes (app/csp.py).
EMAIL_CSP = (
    "default-src 'none'; {style_src}; img-src data: {logo_origin}; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox"
)


def _lang() -> str:
    lang = request.args.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in BY_CODE else DEFAULT_LANGUAGE


def _email_kind() -> str:
    kind = request.args.get("email", "invitation")
    return kind if kind in EMAIL_KINDS else "invitation"


def preview_email(survey: Survey, lang: str, kind: str = "invitation") -> RenderedEmail:
    """The survey's email as a customer of ``lang`` would get it, with a dummy link token and
    the survey's brand."""
    with force_locale(lang):
        # A sample customer, named as is typical in the language.
        customer = SimpleNamespace(name=gettext("Alex Example"), locale=lang)
    invitation = SimpleNamespace(survey=survey, customer=customer)
    # Links and the logo on the address the admin is looking from: BASE_URL may name another
    # (the demo's does), and the preview's logo would not load from it.
    settings = replace(current_app.extensions["kaiku_settings"], base_url=_origin())
    return render_invitation(
        invitation,  # type: ignore[arg-type]  # only its survey and customer are read
        PREVIEW_TOKEN,
        settings,
        reminder=kind == "reminder",
        brand=brand_for(db.session, survey.id),
    )


@bp.get("/surveys/<int:survey_id>/preview")
@role_required("admin")
def preview(survey_id: int) -> ResponseReturnValue:
    """The email (subject, HTML, plain text) and the answer page, in the chosen language."""
    survey = catalog.get_survey(db.session, survey_id)
    lang, kind = _lang(), _email_kind()
    return render_template(
        "admin/preview.html",
        survey=survey,
        lang_shown=lang,
        email_kind=kind,
        email=preview_email(survey, lang, kind),
        languages={language.code: language.label for language in LANGUAGES},
    )


@bp.get("/surveys/<int:survey_id>/preview/email")
@role_required("admin")
@framed_by_self
def preview_email_html(survey_id: int) -> ResponseReturnValue:
    """The email's HTML alone, for the preview's sandboxed iframe."""
    survey = catalog.get_survey(db.session, survey_id)
    email = preview_email(survey, _lang(), _email_kind())
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": EMAIL_CSP.format(
            style_src=inline_style_policy(email.html), logo_origin=_origin()
        ),
        "X-Frame-Options": "SAMEORIGIN",
        "Cache-Control": "no-store",
    }
    return email.html, 200, headers


@bp.get("/surveys/<int:survey_id>/preview/answer")
@role_required("admin")
@framed_by_self
def preview_answer(survey_id: int) -> ResponseReturnValue:
    """The respondent's question page; its buttons do not submit, so nothing is recorded."""
    survey = catalog.get_survey(db.session, survey_id)
    lang = _lang()
    with force_locale(lang):
        page = render_template(
            "admin/preview_answer.html",
            lang=lang,
            preview=True,
            token=PREVIEW_TOKEN,
            kind=survey.kind,
            question=survey.question(lang),
            scores=list(SCALES[survey.kind].scores),
            ends=scale_ends(survey.kind),
            selected=None,
            preselected=None,
            current=None,
            error=None,
            prompt=survey.comment_prompt(lang),
            brand=brand_for(db.session, survey.id),
        )
    return page, 200, {"X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"}


@bp.get("/surveys/<int:survey_id>/preview/thanks")
@role_required("admin")
@framed_by_self
def preview_thanks(survey_id: int) -> ResponseReturnValue:
    """The thank-you page after the best score (``?score=`` another), with the brand's message
    for its category and its back link; a preview, nothing is recorded."""
    survey = catalog.get_survey(db.session, survey_id)
    lang = _lang()
    scale = SCALES[survey.kind]
    score = request.args.get("score", type=int)
    score = score if score in scale.scores else scale.high
    brand: BrandView = brand_for(db.session, survey.id)
    with force_locale(lang):
        page = render_template(
            "admin/preview_thanks.html",
            lang=lang,
            token=PREVIEW_TOKEN,
            response=SimpleNamespace(score=score, comment=None),
            referral_state="none",
            referral_url=None,
            reward=None,
            thanks_message=brand.thanks_message(categorize(survey.kind, score), lang),
            brand=brand,
        )
    return page, 200, {"X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"}


def _origin() -> str:
    """The scheme and host this request came to: where the preview's logo is fetched from."""
    parts = urlsplit(request.host_url)
    return f"{parts.scheme}://{parts.netloc}"
