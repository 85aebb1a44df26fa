"""The widget's public JSON API, ``/api/v1/embed/<survey key>/...``, called by the loader on the
company's page (CORS) and by the widget's iframe (Kaiku's own origin).

- ``POST visits``: a page load. Verifies the identity, counts the visit, says whether the widget
  may open and when (the triggers), in which language.
- ``POST displays``: the widget opened. Opens (or reuses) the invitation it answers; 201 with
  the display token the next calls send.
- ``POST responses``: the score, then the comment (the same one-answer-per-invitation rule as
  email, ``surveys.embed.answers``); 201 for a new answer, 200 for a changed one.
- ``POST dismissals``: closed unanswered (204). ``POST referral``: the thank-you's poll for a
  promoter's referral link.

Every call carries the signed identity and is refused (403, nothing stored but the refusal's log
row) when it fails in enforce mode. Each POST commits before it answers; processing is sent
after the commit. Bad input is a 4xx with the design's error body.
"""

from typing import Any

from flask import current_app, g, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from app.api.errors import json_error
from app.api.parsing import json_body
from app.embed import bp, cors
from app.embed.schemas import AnswerBody, DisplayBody, FollowBody, VisitBody
from app.extensions import db, limiter
from app.inputs import keeps_text
from surveys.answers.recording import response_for
from surveys.catalog.scoring import categorize
from surveys.embed import answers, visits
from surveys.embed.identity import Visitor, identify, raise_if_refused
from surveys.embed.policy import embed_of
from surveys.kernel import clock
from surveys.kernel.errors import ForbiddenError, NotFoundError
from surveys.models import Survey
from surveys.referrals.codes import referral_state, referral_url
from surveys.referrals.rewards import reward_text

PREFIX = "/api/v1/embed/<survey_key>"


class OriginRefusedError(ForbiddenError):
    code = "origin_not_allowed"


def _limits_off() -> bool:
    return not current_app.config["EMBED_RATE_LIMIT_ENABLED"]


def _body_customer() -> str | None:
    body = request.get_json(silent=True, cache=True)
    customer = body.get("customer") if isinstance(body, dict) else None
    return customer[:255] if isinstance(customer, str) and customer else None


def _customer_key() -> str:
    return f"{request.view_args.get('survey_key', '')}:{_body_customer()}"


def _limited(setting: str, scope: str, key_func=get_remote_address, exempt=None):  # noqa: ANN001
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key_func,
        scope=scope,
        methods=["POST"],
        exempt_when=exempt or _limits_off,
    )


per_ip = _limited("EMBED_RATE_LIMIT", "embed-ip")
per_customer = _limited(
    "EMBED_CUSTOMER_RATE_LIMIT",
    "embed-customer",
    _customer_key,
    exempt=lambda: _limits_off() or _body_customer() is None,
)
anonymous_per_ip = _limited(
    "EMBED_ANONYMOUS_RATE_LIMIT",
    "embed-anonymous",
    exempt=lambda: _limits_off() or _body_customer() is not None,
)


@bp.before_request
def load_survey() -> None:
    """``g.survey`` and ``g.embed`` for the API calls; 404 for an unknown key, 403 for an origin
    the survey does not allow (before anything is read)."""
    key = (request.view_args or {}).get("survey_key")
    if key is None or not request.path.startswith("/api/"):
        return
    survey = db.session.scalars(select(Survey).where(Survey.key == key[:32])).first()
    if survey is None:
        raise NotFoundError("No survey has this embed key.", fields={"survey_key": "unknown"})
    g.survey, g.embed = survey, embed_of(db.session, survey)
    db.session.commit()  # the embed's defaults, made on first use
    if not cors.allowed(g.embed):
        raise OriginRefusedError(
            f"The origin {cors.request_origin()} may not embed this survey: add it to the "
            "survey's allowed origins (exact scheme, host and port).",
            fields={"origin": "not allowed"},
        )


@bp.after_request
def cors_headers(response):  # noqa: ANN001, ANN201
    if request.path.startswith("/api/"):
        cors.add_headers(response, g.get("embed"))
        response.headers["Cache-Control"] = "no-store"
    return response


def _visitor(body, *, apply_attributes: bool = True) -> Visitor:  # noqa: ANN001
    """Who is calling; a refused identity commits its log row, then answers 403."""
    visitor = identify(
        db.session,
        g.survey,
        g.embed,
        body.claim(),
        origin=cors.request_origin(),
        now=clock.now(),
        apply_attributes=apply_attributes,
    )
    if visitor.refused:
        current_app.logger.warning(
            "embed identity %s for survey %s (%s) from %s",
            visitor.refused,
            g.survey.id,
            "refused" if visitor.customer is None else "let through: report-only",
            cors.request_origin(),
        )
    if visitor.customer is None:
        db.session.commit()
        raise_if_refused(visitor)
    g.embed_language = visitor.language
    return visitor


def _settings():  # noqa: ANN202
    return current_app.extensions["kaiku_settings"]


@bp.post(f"{PREFIX}/visits")
@per_ip
def visit(survey_key: str) -> ResponseReturnValue:
    body = json_body(VisitBody)
    visitor = _visitor(body)
    seen = visits.record_visit(
        db.session, g.survey, g.embed, visitor, now=clock.now(), settings=_settings()
    )
    db.session.commit()
    return {
        "eligible": seen.eligible,
        "reason": seen.reason or None,
        "visits": seen.visits,
        "identity": visitor.identity,
        "language": visitor.language,
        "triggers": g.embed.triggers,
        "dismiss_days": g.embed.dismiss_days,
        "recontact_days": g.survey.recontact_days,
        "anonymous": visitor.anonymous,
        "kind": g.survey.kind,
        "title": _frame_title(visitor.language),
    }


def _frame_title(language: str) -> str:
    """The widget iframe's accessible name, in the customer's language (the loader has none)."""
    with force_locale(language):
        return gettext("Feedback survey")


@bp.post(f"{PREFIX}/displays")
@per_ip
def display(survey_key: str) -> ResponseReturnValue:
    visitor = _visitor(json_body(DisplayBody))
    now = clock.now()
    opened = visits.open_display(
        db.session, g.survey, g.embed, visitor, now=now, settings=_settings()
    )
    if opened is None and not visitor.anonymous:
        seen = visits.record_visit(
            db.session, g.survey, g.embed, visitor, now=now, settings=_settings()
        )
        db.session.commit()
        return json_error(409, "not_eligible", f"Not shown: {seen.reason}.")
    db.session.commit()
    return {
        "display": opened.token if opened else None,
        "identity": visitor.identity,
        "language": visitor.language,
    }, 201


@bp.post(f"{PREFIX}/responses")
@per_ip
@per_customer
@anonymous_per_ip
@keeps_text("comment")
def respond(survey_key: str) -> ResponseReturnValue:
    body = json_body(AnswerBody)
    visitor = _visitor(body, apply_attributes=False)
    response, created = answers.answer(
        db.session,
        g.survey,
        visitor,
        score=body.score,
        comment=body.comment,
        display=body.display,
        idempotency_key=body.idempotency_key,
        now=clock.now(),
        settings=_settings(),
    )
    db.session.commit()
    return _response_json(response, body.display), 201 if created else 200


@bp.post(f"{PREFIX}/dismissals")
@per_ip
def dismissal(survey_key: str) -> ResponseReturnValue:
    body = json_body(FollowBody)
    visitor = _visitor(body)
    shown = _display_invitation(body.display, visitor)
    visits.dismiss(db.session, g.survey, visitor, token_invitation=shown, now=clock.now())
    db.session.commit()
    return "", 204


@bp.post(f"{PREFIX}/referral")
@per_ip
def referral(survey_key: str) -> ResponseReturnValue:
    body = json_body(FollowBody)
    visitor = _visitor(body)
    shown = _display_invitation(body.display, visitor)
    found = response_for(db.session, shown) if shown else None
    db.session.commit()
    return _referral_json(found)


def _display_invitation(token: str | None, visitor: Visitor):  # noqa: ANN202
    if not token:
        return None
    return answers.display_invitation(db.session, g.survey, visitor, token, allow_expired=True)


def _response_json(response, display: str | None) -> dict[str, Any]:  # noqa: ANN001
    return {
        "id": response.id,
        "score": response.score,
        "category": categorize(response.survey.kind, response.score),
        "comment": response.comment,
        "channel": response.channel,
        "identity": response.identity,
        "display": display,
        "referral": _referral_json(response),
    }


def _referral_json(response) -> dict[str, Any]:  # noqa: ANN001
    if response is None:
        return {"status": "none", "url": None, "reward": None}
    state, found = referral_state(db.session, response)
    language = g.get("embed_language") or "en"
    return {
        "status": state,
        "url": referral_url(_settings(), found) if found else None,
        "reward": reward_text(found.programme, language) if found else None,
    }
