"""The referral redirect ``/r/<code>``: a click counts once per browser and code within
``REFERRAL_CLICK_WINDOW_HOURS``.

The browser keeps the codes whose click was counted, each with its time, in one signed cookie
(HttpOnly, SameSite=Lax, path ``/r/``, at most ``MAX_CODES``): a second visit within the
window still redirects but counts nothing; another browser, or the same one after the window,
counts. Link checkers probe with HEAD, which never counts. A cookie that was tampered with is
ignored (the click counts), so a forged cookie can only add clicks a browser could add anyway.
"""

from flask import current_app, redirect, request
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeSerializer

from app.extensions import db
from app.respond import bp
from surveys.kernel import clock
from surveys.referrals.codes import follow_referral

COOKIE = "kaiku_clicks"
MAX_CODES = 20


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="kaiku.referral-clicks")


def _recent_clicks(now: int, window: int) -> dict[str, int]:
    """{code: epoch seconds} of this browser's counted clicks younger than ``window``."""
    try:
        clicks = _serializer().loads(request.cookies.get(COOKIE, ""))
    except BadSignature:
        return {}
    if not isinstance(clicks, dict):
        return {}
    return {
        code: at
        for code, at in clicks.items()
        if isinstance(code, str) and isinstance(at, int) and 0 <= now - at < window
    }


@bp.get("/r/<code>")
def follow(code: str) -> ResponseReturnValue:
    """Redirect to the programme's own landing URL with ``ref=<code>``; count the click unless
    this browser's click on the code was counted within the window. Commits."""
    window = current_app.config["REFERRAL_CLICK_WINDOW_HOURS"] * 3600
    now = int(clock.now().timestamp())
    clicks = _recent_clicks(now, window)
    code = code[:32]  # as follow_referral looks it up
    counts = request.method != "HEAD" and code not in clicks
    response = redirect(follow_referral(db.session, code, count_click=counts), 302)
    db.session.commit()
    if counts:
        clicks[code] = now
        newest = dict(sorted(clicks.items(), key=lambda item: item[1])[-MAX_CODES:])
        response.set_cookie(
            COOKIE,
            _serializer().dumps(newest),
            max_age=window,
            path="/r/",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
    return response
