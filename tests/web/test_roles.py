"""Roles on every staff page, found by walking the app's URL map (new pages are picked up).

Every endpoint but the public ones (static files, respondent pages, the embedded widget with its
API, sign-in with its code step, sign-out, and "forgot your password" with its reset link) and
the API (bearer keys, see test_api_roles.py) must carry ``role_required``; for each, an
anonymous visitor is sent to sign in, each role outside the allowed ones gets 403, and each
role inside gets the page (no 403, no server error), filled with real rows where it takes ids.
"""

import pytest
from werkzeug.routing import Rule

from surveys.models import ROLES
from tests.factories.rows import Rows, make_rows
from tests.factories.staff import make_staff, sign_in

PUBLIC_BLUEPRINTS = {"respond", "api", "embed"}
PUBLIC_ENDPOINTS = {
    "static",
    "auth.login",
    "auth.login_code",
    "auth.logout",
    "auth.forgot_password",
    "auth.reset_password_page",
    "demo_shop",  # the demo's sample company page, 404 outside `flask run-demo`
}
# Which roles each area must allow: admin pages admin only; rescue work admin and agent (the
# report also analyst); insights everyone, but changing the theme taxonomy admin and analyst.
ALL = frozenset(ROLES)
EDITORS = frozenset({"admin", "analyst"})
AREA_ROLES = {"admin": {frozenset({"admin"})}, "insights": {ALL, EDITORS}}


def is_staff_rule(rule: Rule) -> bool:
    blueprint = rule.endpoint.split(".", 1)[0] if "." in rule.endpoint else None
    return rule.endpoint not in PUBLIC_ENDPOINTS and blueprint not in PUBLIC_BLUEPRINTS


def staff_rules(app) -> list[Rule]:
    rules = sorted(
        (rule for rule in app.url_map.iter_rules() if is_staff_rule(rule)),
        key=lambda rule: (rule.endpoint, rule.rule),
    )
    assert rules, "no staff pages found"
    return rules


def roles_of(app, rule: Rule) -> frozenset[str] | None:
    return getattr(app.view_functions[rule.endpoint], "_kaiku_roles", None)


@pytest.fixture
def rows(session, settings) -> Rows:
    return make_rows(session, settings)


@pytest.fixture
def clients(app, client, session, rows) -> dict[str, object]:
    """A signed-in client per role, and ``None`` for an anonymous one."""
    signed_in = {}
    for role in ROLES:
        make_staff(session, role, email=f"walker-{role}@example.com")
    session.commit()
    for role in ROLES:
        signed_in[role] = sign_in(app.test_client(), f"walker-{role}@example.com")
    signed_in[None] = client
    return signed_in


def test_every_staff_endpoint_carries_a_role_check(app):
    missing = [rule.endpoint for rule in staff_rules(app) if roles_of(app, rule) is None]

    assert missing == [], f"staff views without @role_required: {missing}"


def test_every_area_lets_in_the_roles_it_should(app):
    wrong = []
    for rule in staff_rules(app):
        roles = roles_of(app, rule) or frozenset()
        area = rule.endpoint.split(".", 1)[0]
        if "admin" not in roles:
            wrong.append(f"{rule.endpoint}: admins may do everything, got {sorted(roles)}")
        elif area in AREA_ROLES and roles not in AREA_ROLES[area]:
            wrong.append(f"{rule.endpoint}: {area} pages are for {AREA_ROLES[area]}")
        elif rule.endpoint == "rescue.reopen":  # only an admin reopens a resolved task
            if roles != {"admin"}:
                wrong.append(f"{rule.endpoint}: reopening is for admins only")
        elif area == "rescue":
            analyst_ok = "report" in rule.endpoint
            if "agent" not in roles or ("analyst" in roles) != analyst_ok:
                wrong.append(f"{rule.endpoint}: rescue work is admin+agent (report: +analyst)")

    assert wrong == []


def test_each_page_answers_each_role_as_its_roles_say(app, rows, clients):
    problems = []
    for rule in staff_rules(app):
        allowed = roles_of(app, rule)
        url = rows.url_for(rule)
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for method in methods:
            anonymous = clients[None].open(url, method=method)
            if anonymous.status_code != 302 or not anonymous.location.startswith("/login"):
                problems.append(f"anonymous {method} {url}: {anonymous.status_code}")
            for role in ROLES:
                if role in allowed and method != "GET":
                    continue  # writes are the pages' own tests; here only the gate is checked
                status = clients[role].open(url, method=method).status_code
                if role not in allowed and status != 403:
                    problems.append(f"{role} {method} {url}: {status}, expected 403")
                if role in allowed and (status == 403 or status >= 500):
                    problems.append(f"{role} {method} {url}: {status}, expected the page")

    assert problems == [], "\n".join(problems)


def test_the_walk_covers_the_known_pages(app):
    endpoints = {rule.endpoint for rule in staff_rules(app)}

    assert {"insights.overview", "admin.staff_list", "admin.staff_edit"} <= endpoints
    assert not endpoints & PUBLIC_ENDPOINTS
