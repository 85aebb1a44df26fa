"""A Content-Security-Policy on every response, found by walking every GET route of the URL map
as an anonymous visitor and as each role: no ``'unsafe-inline'``, every inline script and style
carries the request's nonce (or, in the email preview, is listed by hash), pages are not framed
but the previews, and what is not a page (JSON, redirects, files) is allowed nothing."""

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from flask import render_template_string
from werkzeug.routing import Rule

from app import create_app
from app.csp import HEADER, NOTHING_POLICY, inline_style_policy
from config import TestConfig
from surveys.models import ROLES
from tests.conftest import use_celery_of
from tests.factories.rows import UNKNOWN_ID, Rows, make_rows
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_invitation
from tests.web.conftest import API

FRAMED_BY_SELF = {"admin.preview_answer", "admin.preview_email_html", "admin.preview_thanks"}


class InlineCode(HTMLParser):
    """Inline scripts and styles of a page, with their nonces; style and on* attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nonces: list[tuple[str, str | None]] = []
        self.style_attributes: list[str] = []
        self.handlers: list[str] = []
        # The text of each <style> without a nonce: allowed only if listed by hash.
        self.unnonced_styles: list[str] = []
        self._style_text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style" and attrs.get("nonce") is None:
            self._style_text = []
        elif tag == "style" or (tag == "script" and "src" not in attrs):
            self.nonces.append((tag, attrs.get("nonce")))
        if attrs.get("style"):
            self.style_attributes.append(attrs["style"])
        self.handlers.extend(f"{tag} {name}" for name in attrs if name.startswith("on"))

    def handle_data(self, data):
        if self._style_text is not None:
            self._style_text.append(data)

    def handle_endtag(self, tag):
        if tag == "style" and self._style_text is not None:
            self.unnonced_styles.append("".join(self._style_text))
            self._style_text = None


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy_problems(endpoint: str, response) -> list[str]:
    """What is wrong with ``response``'s policy for the page (or other answer) it carries."""
    policy = response.headers.get(HEADER)
    if not policy:
        return ["no Content-Security-Policy"]
    if "unsafe-inline" in policy:
        return [f"'unsafe-inline' in {policy}"]
    if response.mimetype != "text/html":
        return [] if policy == NOTHING_POLICY else [f"a {response.mimetype} answer allows {policy}"]
    problems = []
    directives = {
        name: value for name, _, value in (d.strip().partition(" ") for d in policy.split(";"))
    }
    framing = "'self'" if endpoint in FRAMED_BY_SELF else "'none'"
    if directives.get("frame-ancestors") != framing:
        problems.append(f"frame-ancestors {directives.get('frame-ancestors')}, not {framing}")
    for name, value in (("base-uri", "'none'"), ("object-src", "'none'")):
        if directives.get(name, directives.get("default-src")) not in (value, "'none'"):
            problems.append(f"{name} is not {value}")
    if directives.get("form-action") not in ("'self'", "'none'"):
        problems.append("form-action is not 'self'")
    found = InlineCode()
    found.feed(response.get_data(as_text=True))
    nonce = re.search(r"'nonce-([^']+)'", policy)
    for tag, given in found.nonces:
        if nonce is None or given != nonce.group(1):
            problems.append(f"an inline <{tag}> without this request's nonce")
    problems.extend(
        f"an inline <style> without this request's nonce: {style.strip()[:40]}"
        for style in found.unnonced_styles
        if sha256(style) not in directives.get("style-src", "")
    )
    problems.extend(f"inline handler {handler}" for handler in found.handlers)
    problems.extend(
        f"style attribute not allowed by hash: {style[:40]}"
        for style in found.style_attributes
        if sha256(style) not in directives.get("style-src", "")
    )
    return problems


def get_rules(app) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())),
        key=lambda rule: rule.rule,
    )


def build(rule: Rule, rows: Rows, strings: dict[str, str]) -> str:
    """``rule`` filled with real rows' ids and the given strings (a token, a file name)."""
    values = {}
    for name in rule.arguments:
        number = type(rule._converters[name]).__name__ in ("IntegerConverter", "NumberConverter")
        values[name] = rows.ids.get(name, UNKNOWN_ID) if number else strings.get(name, "x")
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def world(app, client, session, settings, api):
    """Rows for every id, an answered and a fresh invitation, API key headers, and a client per
    role."""
    rows = make_rows(session, settings)
    answered = make_invitation(session, settings).token
    fresh = make_invitation(session, settings).token
    for role in ROLES:
        make_staff(session, role, email=f"csp-{role}@example.com")
    session.commit()
    assert client.post(f"/s/{answered}", data={"score": "10"}).status_code == 303
    clients = {role: sign_in(app.test_client(), f"csp-{role}@example.com") for role in ROLES}
    return rows, {"anonymous": client} | clients, (answered, fresh), api


def test_every_get_route_as_every_visitor_carries_a_strict_policy(app, world):
    rows, clients, tokens, api = world
    problems, seen = [], set()
    for who, client in clients.items():
        for token in tokens:
            strings = {"token": token, "filename": "kaiku.css"}
            for rule in get_rules(app):
                url = build(rule, rows, strings)
                for extra in ({}, api) if url.startswith(API) else ({},):
                    response = client.get(url, headers=extra)
                    seen.add((rule.endpoint, response.status_code))
                    problems += [
                        f"{who} GET {url} ({response.status_code}): {problem}"
                        for problem in policy_problems(rule.endpoint, response)
                    ]
        for url in ("/no-such-page", "/login?next=/rescue/"):
            response = client.get(url)
            problems += [f"{who} GET {url}: {p}" for p in policy_problems("", response)]

    assert problems == [], "\n".join(sorted(set(problems)))
    pages = {endpoint for endpoint, status in seen if status == 200}
    assert {
        "insights.overview",
        "admin.preview_email_html",
        "respond.why",
        "api.list_surveys",
    } <= pages


def test_each_page_gets_a_fresh_nonce(client):
    first, second = (client.get("/login").headers[HEADER] for _ in range(2))

    nonce = re.compile(r"'nonce-([A-Za-z0-9_-]{22,})'")
    assert nonce.search(first) and nonce.search(first).group(1) != nonce.search(second).group(1)


@pytest.fixture(scope="module")
def inline_app(app):
    """An app with a page of inline script and style, as a template would write them."""
    inline_app = create_app(TestConfig)
    template = (
        '<!doctype html><style nonce="{{ csp_nonce() }}">p{}</style>'
        '<script nonce="{{ csp_nonce() }}">document.title = "ran"</script>'
    )
    inline_app.add_url_rule("/_probe/inline", "inline", lambda: render_template_string(template))
    use_celery_of(app)
    return inline_app


def test_inline_code_in_a_template_carries_the_nonce_of_its_own_response(inline_app, engine):
    response = inline_app.test_client().get("/_probe/inline")

    nonce = re.search(r"'nonce-([^']+)'", response.headers[HEADER]).group(1)
    assert response.get_data(as_text=True).count(f'nonce="{nonce}"') == 2
    assert policy_problems("inline", response) == []


def test_an_emails_inline_styles_are_allowed_by_their_hashes_only():
    html = '<p style="color:red">a</p><p style="color: red">b</p><style>p{margin:0}</style>'

    policy = inline_style_policy(html)

    assert policy.startswith("style-src 'unsafe-hashes' ")
    assert {sha256("color:red"), sha256("color: red"), sha256("p{margin:0}")} == set(
        policy.split()[2:]
    )
    assert inline_style_policy("<p>plain</p>") == "style-src 'none'"
