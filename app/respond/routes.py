"""Respondent pages: the question, the "why", thanks, and the error pages of the blueprint.

A GET never records anything: email security scanners fetch every link, so the link behind an
email button (``/s/<token>?score=N``) only pre-selects N, and a small script (or the visible
Send button) posts it. Each POST commits (which sends the answer's processing, registered by
the recording service), then redirects (303).
"""

from flask import current_app, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext

from app.extensions import csrf, db
from app.inputs import keeps_text
from app.respond import bp
from app.respond.forms import CommentForm, ScoreForm
from app.respond.guessing import count_failed_lookup
from surveys.answers.recording import add_comment, record_answer, response_for
from surveys.brand import brand_for
from surveys.catalog.scoring import SCALES, categorize, parse_score
from surveys.delivery.invitations import find_invitation
from surveys.kernel.errors import (
    InvalidScoreError,
    InvitationExpiredError,
    KaikuError,
    NotFoundError,
)
from surveys.kernel.errors import ValidationError as ServiceValidationError
from surveys.kernel.languages import N_, served_language
from surveys.models import Invitation
from surveys.referrals.codes import referral_state, referral_url
from surveys.referrals.rewards import reward_text


def _invitation(token: str) -> Invitation:
    """The invitation behind ``token``; sets ``g.lang`` from its customer, even when expired.

    :raises NotFoundError: unknown token. :raises InvitationExpiredError: closed survey.
    """
    try:
        invitation = find_invitation(db.session, token)
    except InvitationExpiredError:
        closed = find_invitation(db.session, token, allow_expired=True)
        g.lang = served_language(closed.customer.locale)
        g.brand = brand_for(db.session, closed.survey_id)
        raise
    g.lang = served_language(invitation.customer.locale)
    g.brand = brand_for(db.session, invitation.survey_id)  # app/respond/brand.py
    return invitation


def _lang() -> str:
    """The page language: the customer's when known, else the browser's (app/i18n.py)."""
    return str(get_locale())


def render_page(template: str, http_status: int = 200, /, **context) -> ResponseReturnValue:
    return render_template(template, lang=_lang(), **context), http_status


def scale_ends(kind: str) -> tuple[str, str]:
    """The words at the lowest and the highest score of a ``kind``, in the page's language."""
    low, high = SCALES[kind].ends
    return gettext(low), gettext(high)


def _question_page(
    invitation: Invitation,
    token: str,
    preselected: int | None = None,
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    lang = _lang()
    kind = invitation.survey.kind
    response = response_for(db.session, invitation)
    current = response.score if response else None
    return render_page(
        "respond/question.html",
        status,
        token=token,
        kind=kind,
        question=invitation.survey.question(lang),
        scores=list(SCALES[kind].scores),
        ends=scale_ends(kind),
        selected=preselected if preselected is not None else current,
        preselected=preselected,
        current=current,
        error=error,
    )


def _score_param(raw: str | None, kind: str) -> int | None:
    """``?score=N`` when N is on the survey's scale; anything else is ignored."""
    score = parse_score(raw)
    return score if score in SCALES[kind].scores else None


def _bad_score_message(kind: str) -> str:
    scale = SCALES[kind]
    return gettext(
        "Please choose a number from %(low)s to %(high)s.", low=scale.low, high=scale.high
    )


@bp.get("/s/<token>")
def question(token: str) -> ResponseReturnValue:
    """The question with a button per score; ``?score=N`` pre-selects N but records nothing."""
    invitation = _invitation(token)
    preselected = _score_param(request.args.get("score"), invitation.survey.kind)
    return _question_page(invitation, token, preselected)


@bp.post("/s/<token>")
@csrf.exempt  # the token in the URL is the secret: see app/respond/forms.py
def answer(token: str) -> ResponseReturnValue:
    """Record (or replace) the score, commit (processing follows), go on to the comment step."""
    invitation = _invitation(token)
    form = ScoreForm()
    response_id = None
    if form.validate():
        try:
            response_id = record_answer(db.session, invitation, form.score.data, channel="email")
        except InvalidScoreError:
            db.session.rollback()
    if response_id is None:
        error = _bad_score_message(invitation.survey.kind)
        return _question_page(invitation, token, error=error, status=422)
    db.session.commit()
    return redirect(url_for("respond.why", token=token), 303)


@bp.route("/s/<token>/why", methods=["GET", "POST"])
@csrf.exempt
@keeps_text("comment")  # a respondent's words are kept, never refused for a character
def why(token: str) -> ResponseReturnValue:
    """Ask for the reason behind the score; a POST saves it (or clears it) and thanks."""
    invitation = _invitation(token)
    response = response_for(db.session, invitation)
    if response is None:
        return redirect(url_for("respond.question", token=token), 303)
    form = CommentForm()
    error = None
    if request.method == "POST":
        if form.validate():
            try:
                add_comment(db.session, invitation, form.comment.data or "")
            except ServiceValidationError:
                db.session.rollback()
            else:
                db.session.commit()
                return redirect(url_for("respond.thanks", token=token), 303)
        error = gettext("Please keep your comment under 5,000 characters.")
    else:
        form.comment.data = response.comment
    return render_page(
        "respond/why.html",
        422 if error else 200,
        token=token,
        form=form,
        error=error,
        score=response.score,
        prompt=invitation.survey.comment_prompt(_lang()),
    )


@bp.get("/s/<token>/thanks")
def thanks(token: str) -> ResponseReturnValue:
    """Thank the respondent; a promoter sees their referral link once processing made it."""
    invitation = _invitation(token)
    response = response_for(db.session, invitation)
    if response is None:
        return redirect(url_for("respond.question", token=token), 303)
    state, referral = referral_state(db.session, response)
    settings = current_app.extensions["kaiku_settings"]
    category = categorize(response.survey.kind, response.score)
    return render_page(
        "respond/thanks.html",
        token=token,
        response=response,
        thanks_message=g.brand.thanks_message(category, _lang()),
        referral_state=state,
        referral_url=referral_url(settings, referral) if referral else None,
        reward=reward_text(referral.programme, _lang()) if referral else None,
    )


@bp.get("/s/<token>/referral")
def referral_status(token: str) -> ResponseReturnValue:
    """The thanks page's poll, as JSON: ``{"status", "url", "reward"}``.

    ``status`` is ``ready`` (url and reward set), ``pending`` (processing may still make one) or
    ``none`` (no referral for this answer).
    """
    invitation = _invitation(token)
    response = response_for(db.session, invitation)
    state, referral = referral_state(db.session, response) if response else ("none", None)
    settings = current_app.extensions["kaiku_settings"]
    return jsonify(
        status=state,
        url=referral_url(settings, referral) if referral else None,
        reward=reward_text(referral.programme, _lang()) if referral else None,
    )


@bp.after_request
def security_headers(response):
    """No token in a Referer to anyone, no sniffing; token pages are never cached or framed (their
    Content-Security-Policy is every page's, app/csp.py)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.view_args and "token" in request.view_args:
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Frame-Options", "DENY")
    elif request.endpoint == "respond.follow":
        response.headers["Cache-Control"] = "no-store"
    return response


# (title, message) of the respondent's error pages.
ERROR_TEXTS = {
    InvitationExpiredError: (
        N_("This survey has closed"),
        N_("Thank you for your interest. This survey no longer accepts answers."),
    ),
    NotFoundError: (
        N_("We could not find this survey"),
        N_("The link may be incomplete. Open it again from the email, or copy the whole address."),
    ),
}
REFERRAL_NOT_FOUND = (
    N_("This referral link is not valid"),
    N_("Please check the link with the person who shared it."),
)
TOO_MANY_GUESSES = (
    N_("Too many links that do not work"),
    N_("Please wait a while, then open the link again from the email."),
)


@bp.errorhandler(KaikuError)
def domain_error(exc: KaikuError) -> ResponseReturnValue:
    """A friendly page in the respondent's language (404 unknown link, 410 closed survey).

    An unknown link counts against the client's address (app/respond/guessing.py); past the
    limit the answer is 429 with ``Retry-After``.
    """
    db.session.rollback()
    wait = count_failed_lookup() if isinstance(exc, NotFoundError) else None
    if wait is not None:
        return _too_many_guesses(wait)
    if request.endpoint == "respond.referral_status":
        return jsonify(error={"code": exc.code, "message": exc.message}), exc.status
    if request.endpoint == "respond.follow" and isinstance(exc, NotFoundError):
        words = REFERRAL_NOT_FOUND
    else:
        words = next((v for k, v in ERROR_TEXTS.items() if isinstance(exc, k)), None)
    if words:
        title, message = gettext(words[0]), gettext(words[1])
    else:
        title, message = gettext("Something is not right"), exc.message
    return render_page("error.html", exc.status, status=exc.status, title=title, message=message)


def _too_many_guesses(wait: int) -> ResponseReturnValue:
    headers = {"Retry-After": str(wait)}
    title, message = gettext(TOO_MANY_GUESSES[0]), gettext(TOO_MANY_GUESSES[1])
    if request.endpoint == "respond.referral_status":
        return jsonify(error={"code": "too_many_requests", "message": message}), 429, headers
    page, _ = render_page("error.html", status=429, title=title, message=message)
    return page, 429, headers
