"""The loader script ``/embed.js`` and the widget page ``/embed/<key>`` it shows in an iframe.

The loader is a static, hand-written file (``static/embed/loader.js``) served at a fixed address
the company's page names in its script tag, so it is cached briefly rather than forever. The
widget page is the survey in the customer's language (``?lang=``) and the brand's colour; it
may be framed by the survey's allowed origins and by Kaiku itself (the admin's live preview,
``?preview=1``, which posts nothing). It reads nothing that is not public: who the customer is
arrives later, by ``postMessage`` from the loader, never in the URL.
"""

import json

from flask import current_app, g, render_template, request, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from app.csp import allow_framing_by
from app.embed import bp
from app.embed.cors import own_origin
from app.extensions import db
from app.respond.routes import scale_ends
from surveys.brand import brand_for
from surveys.catalog.scoring import SCALES
from surveys.kernel.languages import CODES, DEFAULT_LANGUAGE, served_language
from surveys.models import Survey, SurveyEmbed

LOADER = "embed/loader.js"
LOADER_MAX_AGE = 300  # seconds: a fixed address, so a new release reaches pages within minutes


@bp.get("/embed.js")
def loader() -> ResponseReturnValue:
    """The loader script, for ``<script async src="BASE/embed.js" data-survey=...>``."""
    response = send_from_directory(
        current_app.static_folder,
        LOADER,
        mimetype="text/javascript",
        max_age=LOADER_MAX_AGE,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.cache_control.public = True
    return response


def _language() -> str:
    """``?lang=`` (what the visit call answered), else the browser's choice, else the default."""
    asked = request.args.get("lang")
    if asked:
        return served_language(asked)
    return request.accept_languages.best_match(CODES, default=DEFAULT_LANGUAGE)


@bp.get("/embed/<survey_key>")
def widget(survey_key: str) -> ResponseReturnValue:
    """The widget: score, comment, thanks; a short "closed" state for a paused survey."""
    g.lang = _language()
    survey = db.session.scalars(select(Survey).where(Survey.key == survey_key[:32])).first()
    if survey is None:
        return _page(
            "error.html",
            404,
            status=404,
            title=gettext("We could not find this survey"),
            message=gettext("This survey is not available."),
        )
    embed = db.session.get(SurveyEmbed, survey.id)
    origins = list(embed.allowed_origins) if embed else []
    allow_framing_by(*origins, "'self'")
    g.brand = brand_for(db.session, survey.id)
    scale = SCALES[survey.kind]
    preview = request.args.get("preview") == "1"
    return _page(
        "embed/widget.html",
        200,
        survey=survey,
        closed=not survey.active,
        preview=preview,
        question=survey.question(g.lang),
        prompt=survey.comment_prompt(g.lang),
        kind=survey.kind,
        scores=list(scale.scores),
        ends=scale_ends(survey.kind),
        thanks={name: g.brand.thanks_message(name, g.lang) for name in scale.categories},
        config=json.dumps(
            {
                "api": url_for("embed.visit", survey_key=survey.key).rsplit("/", 1)[0],
                "origins": [*origins, own_origin()],
                "bands": scale.bands,
                "preview": preview,
            }
        ),
    )


def _page(template: str, code: int, /, **context) -> ResponseReturnValue:
    page = render_template(template, lang=g.lang, brand=g.get("brand"), **context)
    return (
        page,
        code,
        {
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
