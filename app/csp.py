"""The Content-Security-Policy of every response, with a per-request nonce for inline code.

One ``after_request`` hook sets it, for staff, sign-in, error and respondent pages alike. An HTML
page may run only this site's scripts and styles, or inline ones that carry the request's nonce
(``nonce="{{ csp_nonce() }}"`` in a template); never ``'unsafe-inline'``, so injected markup
runs nothing. A page is not framed, unless its view is marked ``@framed_by_self`` (the admin's
answer-page preview, shown in a sandboxed iframe) or names its own framers for this request
with ``allow_framing_by`` (the embedded widget: the survey's allowed origins). Every other
response (JSON, redirects, files) gets a policy that allows nothing at all: an API answer that a
browser is tricked into rendering as a page runs nothing and loads nothing. A response that
brings its own policy keeps it (the email preview, whose hash-based policy
``inline_style_policy`` makes).
"""

import base64
import hashlib
import secrets
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

HEADER = "Content-Security-Policy"
PAGE_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors {frame_ancestors}"
)
NOTHING_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def csp_nonce() -> str:
    """This request's nonce (128 random bits), the same for every call within one request."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def framed_by_self(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let this site's own pages frame the page ``view`` renders (``frame-ancestors 'self'``)."""
    view._kaiku_framed_by_self = True  # type: ignore[attr-defined]
    return view


def allow_framing_by(*sources: str) -> None:
    """Let the pages in ``sources`` frame this request's page: its ``frame-ancestors`` is them.

    Each source is an origin (``https://app.example.com``, already normalised) or ``'self'``;
    anything with a space, a semicolon or a comma would change the policy, so it is refused.

    :raises ValueError: a source that is not a single CSP source expression.
    """
    for source in sources:
        if not source or any(char in source for char in " ;,\t\r\n"):
            raise ValueError(f"not a frame-ancestors source: {source!r}")
    g.csp_frame_ancestors = list(dict.fromkeys(sources))


def _frame_ancestors() -> str:
    own = g.get("csp_frame_ancestors")
    if own:
        return " ".join(own)
    view = current_app.view_functions.get(request.endpoint or "")
    return "'self'" if getattr(view, "_kaiku_framed_by_self", False) else "'none'"


def set_policy(response: Response) -> Response:
    """The after-request hook: this response's policy, unless it brings its own."""
    if HEADER in response.headers:
        return response
    if response.mimetype != "text/html":
        response.headers[HEADER] = NOTHING_POLICY
        return response
    response.headers[HEADER] = PAGE_POLICY.format(
        nonce=csp_nonce(), frame_ancestors=_frame_ancestors()
    )
    return response


class _InlineStyles(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.styles.extend(value for name, value in attrs if name == "style" and value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def inline_style_policy(html: str) -> str:
    """The ``style-src`` of a document whose styles must stay inline (an email's HTML): the
    SHA-256 of each of its ``style`` attributes and ``<style>`` elements, and nothing else."""
    parser = _InlineStyles()
    parser.feed(html)
    parser.close()
    hashes = sorted(
        {
            "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
            for style in parser.styles
        }
    )
    return "style-src 'unsafe-hashes' " + " ".join(hashes) if hashes else "style-src 'none'"


def init_csp(app: Flask) -> None:
    """Set the policy on every response and offer ``csp_nonce()`` to templates."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(set_policy)
