"""CORS for the widget's API: only the survey's allowed origins, each named exactly.

A browser sends ``Origin`` with every cross-origin request and with same-origin POSTs. A request
from an origin the survey does not allow is refused with 403 before anything is read or stored
(a plain-text POST that skips the preflight included), and gets no ``Access-Control-Allow-*``
header, so the page cannot read the answer either. Kaiku's own origin (the widget's iframe)
is always allowed. A request without ``Origin`` is not a browser's; it is let through to the
identity check, which is what protects the answers.
"""

from flask import request
from werkzeug.wrappers import Response

from surveys.embed.origins import origin_allowed
from surveys.models import SurveyEmbed

MAX_AGE = 600  # seconds a browser may keep a preflight's answer


def own_origin() -> str:
    """This site's origin as the browser reached it (the widget's iframe runs there): the
    request's own scheme and host, which a browser sets for the site it talks to (behind a
    proxy, as ProxyFix restores them), so it cannot stand in for another site's page."""
    return f"{request.scheme}://{request.host}"


def request_origin() -> str | None:
    return request.headers.get("Origin")


def allowed(embed: SurveyEmbed) -> bool:
    """Whether this request's origin may call the survey's embed API."""
    origin = request_origin()
    return origin is None or origin == own_origin() or origin_allowed(origin, embed.allowed_origins)


def add_headers(response: Response, embed: SurveyEmbed | None) -> Response:
    """Allow the request's origin to read ``response`` when the survey allows it."""
    origin = request_origin()
    response.vary.add("Origin")
    if embed is None or origin is None or not allowed(embed):
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = str(MAX_AGE)
    return response
