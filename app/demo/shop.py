"""The demo's sample shop page, ``/demo/shop``: the company's own site with the widget embedded,
as its integrators would build it, signing the visitor's id on the server.

The route exists in every app but answers 404 unless ``DEMO_SHOP_SURVEY`` names a survey key,
which only ``flask run-demo`` sets: a page that signs any visitor id it is given is exactly
what a production site must not have. Each visitor is a fresh
customer (``?visitor=``; the page makes one up), so the widget can be seen again and again
despite the recontact window and dismissals.
"""

import json
import secrets
import time

from flask import Flask, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from app.extensions import db
from surveys.embed.keys import valid_keys
from surveys.embed.signing import sign
from surveys.kernel import clock
from surveys.kernel.languages import BY_CODE, served_language
from surveys.models import Survey

SIGNATURE_LIFETIME = 3600  # seconds: what a real page would sign for its own session


def register_shop(app: Flask) -> None:
    """Add the sample shop page; it embeds the survey ``DEMO_SHOP_SURVEY`` names, if any."""

    def shop() -> ResponseReturnValue:
        survey_key = current_app.config.get("DEMO_SHOP_SURVEY")
        if not survey_key:
            abort(404)
        visitor = (request.args.get("visitor") or "")[:64]
        lang = served_language(request.args.get("lang"))
        if not visitor.startswith("demo-visitor-"):
            fresh = f"demo-visitor-{secrets.token_hex(3)}"
            return redirect(url_for("demo_shop", visitor=fresh, lang=lang))
        survey = db.session.scalars(select(Survey).where(Survey.key == survey_key)).first()
        keys = valid_keys(db.session, survey.id, clock.now()) if survey else []
        if not keys:
            return "The demo survey has no embed secret: run `flask seed-demo` first.", 404
        expires = int(time.time()) + SIGNATURE_LIFETIME
        attributes = json.dumps({"locale": lang, "plan": "Pro"}, separators=(",", ":"))
        return render_template(
            "demo/shop.html",
            survey_key=survey_key,
            visitor=visitor,
            lang=lang,
            languages=sorted(BY_CODE),
            key_id=keys[0].key_id,
            expires=expires,
            attributes=attributes,
            signature=sign(keys[0].secret, visitor, expires, attributes),
        )

    app.add_url_rule("/demo/shop", "demo_shop", shop)
