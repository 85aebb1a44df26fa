"""A fuzz of every route: bad values in every path segment, query parameter, form and JSON field,
as anyone and as each role, and not one 5xx.

The walk starts from ``app.url_map``, so a new route is fuzzed without a change here; where each
route reads its input is found by tests/web/fuzz.py. Each bad value goes in one place at a time
for the identity that gets deepest (an admin, or anyone on the public pages); the other
identities get every place at once, which is enough to see their gates hold. ``-s`` prints the
request count and the time.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from surveys.models import ROLES, Referral
from surveys.staff.apikeys import create_api_key
from tests.factories.rows import UNKNOWN_ID, make_rows
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_invitation
from tests.web import fuzz

FORM = {"content_type": "application/x-www-form-urlencoded"}
JSON = {"content_type": "application/json"}
INT_SLOT = 987654321
TEXT_SLOT = "fuzz-slot"
# Signing out would leave the rest of the walk anonymous; it is fuzzed anonymously.
SIGNED_IN_SKIP = {"auth.logout"}


@dataclass
class Walk:
    """The clients, the values that fill each URL parameter, and what went wrong."""

    app: object
    ids: dict[str, int]
    texts: dict[str, str]
    who: dict[str, tuple[FlaskClient, dict[str, str]]]
    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def url(self, rule: Rule, slot: str | None = None) -> str:
        values = {}
        for name in rule.arguments:
            is_int = isinstance(rule._converters[name], NumberConverter)
            if name == slot:
                values[name] = INT_SLOT if is_int else TEXT_SLOT
            else:
                values[name] = (
                    self.ids.get(name, UNKNOWN_ID) if is_int else self.texts.get(name, "x")
                )
        return rule.build(values, append_unknown=False)[1]

    def send(self, who: str, method: str, url: str, shown: str, **kwargs) -> None:
        client, headers = self.who[who]
        reply = client.open(url, method=method, headers=headers, **kwargs)
        self.requests += 1
        if reply.status_code >= 500:
            path = urlsplit(url).path
            self.failures.append(f"{reply.status_code} {method} {path[:80]} as {who}: {shown}")


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}… ({len(text)} chars)"


def identities(rule: Rule) -> tuple[str, list[str]]:
    """The identity that gets deepest into ``rule``'s view, and the others."""
    if rule.rule.startswith("/api/"):
        return "admin key", ["anonymous", "agent key", "analyst key"]
    others = ["anonymous", "admin", "agent", "analyst"]
    if rule.endpoint.startswith(("respond.", "auth.", "static")):
        return "anonymous", [o for o in others[1:] if rule.endpoint not in SIGNED_IN_SKIP]
    return "admin", [o for o in others if o != "admin"]


def methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def fuzz_path(walk: Walk, rule: Rule) -> None:
    deep, others = identities(rule)
    for name in rule.arguments:
        url = walk.url(rule, slot=name)
        slot = str(INT_SLOT) if str(INT_SLOT) in url else TEXT_SLOT
        for value in fuzz.BAD_TEXT:
            bad = url.replace(slot, fuzz.encoded(value))
            everyone = [deep] if fuzz.is_big(value) else [deep, *others]
            for method in methods(rule):
                for who in everyone:
                    walk.send(who, method, bad, f"path {name}={short(value)}")


def fuzz_query(walk: Walk, rule: Rule) -> None:
    """Each parameter the view reads alone (on a GET); all of them and the common names at once."""
    deep, others = identities(rule)
    names = sorted(fuzz.query_names(walk.app.view_functions[rule.endpoint]))
    url = walk.url(rule)
    for method in methods(rule):
        for value in fuzz.BAD_TEXT:
            encoded = fuzz.encoded(value)
            for name in names if method == "GET" else ():
                walk.send(deep, method, f"{url}?{name}={encoded}", f"?{name}={short(value)}")
            if fuzz.is_big(value):
                continue
            every = "&".join(f"{name}={encoded}" for name in {*names, *fuzz.COMMON_QUERY_NAMES})
            for who in (deep, *others):
                walk.send(who, method, f"{url}?{every}", f"every parameter={short(value)}")


def fuzz_form(walk: Walk, rule: Rule, method: str) -> None:
    deep, others = identities(rule)
    url = walk.url(rule)
    baseline = walk.forms.get(urlsplit(url).path) or dict.fromkeys(fuzz.COMMON_QUERY_NAMES, "")
    for value in fuzz.BAD_TEXT:
        for name in baseline:
            body = fuzz.form_body(baseline | {name: value})
            walk.send(
                deep, method, url, f"form {name}={short(value)}", data=body, content_type=FORM
            )
        if fuzz.is_big(value):
            continue
        every = fuzz.form_body(dict.fromkeys(baseline, value))
        for who in others:
            walk.send(
                who, method, url, f"every field={short(value)}", data=every, content_type=FORM
            )


def fuzz_json(walk: Walk, rule: Rule, method: str) -> None:
    deep, others = identities(rule)
    url = walk.url(rule)
    paths = fuzz.json_fields(walk.app.view_functions[rule.endpoint])
    for value in (*fuzz.BAD_TEXT, *fuzz.BAD_JSON):
        for path in paths:
            body = fuzz.json_text(fuzz.nested(path, value))
            walk.send(deep, method, url, f"json {path}={short(value)}", data=body, **JSON)
        if fuzz.is_big(value):
            continue
        for who in (deep, *others):
            walk.send(who, method, url, f"body {short(value)}", data=fuzz.json_text(value), **JSON)
            every = fuzz.json_text({path: value for path in paths if "." not in path})
            walk.send(who, method, url, f"every field={short(value)}", data=every, **JSON)


def collect_forms(walk: Walk, rules: list[Rule]) -> None:
    """The POST forms on every page, by their action, as the deepest identity sees them."""
    for rule in rules:
        if "GET" not in methods(rule) or rule.rule.startswith(("/api/", "/static")):
            continue
        client, headers = walk.who[identities(rule)[0]]
        page = client.get(walk.url(rule), headers=headers)
        parser = fuzz.PageForms()
        parser.feed(page.get_data(as_text=True))
        for action, fields in parser.forms:
            walk.forms.setdefault(urlsplit(action).path or walk.url(rule), fields)


def every_rule(app) -> Iterator[Rule]:
    yield from sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint))


@pytest.fixture
def walk(app, session, settings) -> Walk:
    rows = make_rows(session, settings)
    new = make_invitation(session, settings)
    referral = session.query(Referral).first() or Referral(
        programme_id=rows.ids["programme_id"], customer_id=new.invitation.customer_id, code="fuzz1"
    )
    session.add(referral)
    who: dict[str, tuple[FlaskClient, dict[str, str]]] = {"anonymous": (app.test_client(), {})}
    for role in ROLES:
        make_staff(session, role, email=f"fuzz-{role}@example.com")
        _, raw = create_api_key(session, f"fuzz {role}", role=role)
        who[f"{role} key"] = (app.test_client(), {"Authorization": f"Bearer {raw}"})
    session.commit()
    for role in ROLES:
        who[role] = (sign_in(app.test_client(), f"fuzz-{role}@example.com"), {})
    texts = {
        "token": new.token,
        "code": referral.code,
        "external_id": new.invitation.customer.external_id,
        "filename": "respond.js",
    }
    return Walk(app, rows.ids, texts, who)


def test_no_route_answers_bad_input_with_a_server_error(app, walk):
    rules = list(every_rule(app))
    started = time.perf_counter()
    collect_forms(walk, rules)
    for rule in rules:
        fuzz_path(walk, rule)
        fuzz_query(walk, rule)
        for method in set(methods(rule)) - {"GET"}:
            if rule.rule.startswith("/api/"):
                fuzz_json(walk, rule, method)
            else:
                fuzz_form(walk, rule, method)
    seconds = time.perf_counter() - started
    print(f"\nroute fuzz: {walk.requests} requests over {len(rules)} routes in {seconds:.1f} s")

    assert walk.failures == [], f"{len(walk.failures)} server errors:\n" + "\n".join(
        walk.failures[:60]
    )
