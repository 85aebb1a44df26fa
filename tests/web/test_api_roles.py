"""API key roles on every API endpoint, found by walking the URL map (new endpoints count).

admin keys may do everything; agent keys read and change rescue tasks (POST, PATCH under
/rescue-tasks); analyst keys read and change themes (under /themes). Anything else is 403
with a JSON error, and changes nothing.
"""

import pytest
from sqlalchemy import func, select

from app.api.auth import PUBLIC_ENDPOINTS, role_allows
from surveys.kernel.errors import ValidationError
from surveys.models import ROLES, ApiKey, Survey
from surveys.staff.apikeys import create_api_key, revoke_api_key
from tests.factories.rows import make_rows
from tests.web.conftest import assert_error

API = "/api/v1"
READS = {"GET", "HEAD", "OPTIONS"}


def expected_allowed(role: str, method: str, path: str) -> bool:
    """The policy, written out independently of app/api/auth.py."""
    if path.startswith("/customers/") and path.endswith("/export"):
        return role == "admin"  # a person's whole record: admin keys only
    if role == "admin" or method in READS:
        return True
    if role == "analyst":
        return method in ("POST", "PATCH", "DELETE") and path.startswith("/themes")
    return role == "agent" and method in ("POST", "PATCH") and path.startswith("/rescue-tasks")


def api_rules(app):
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in PUBLIC_ENDPOINTS
    ]
    assert rules, "no API endpoints found"
    return sorted(rules, key=lambda rule: rule.rule)


@pytest.fixture
def keys(session) -> dict[str, dict[str, str]]:
    headers = {}
    for role in ROLES:
        _, raw = create_api_key(session, f"{role} key", role=role)
        headers[role] = {"Authorization": f"Bearer {raw}"}
    session.commit()
    return headers


@pytest.fixture
def rows(session, settings):
    return make_rows(session, settings)


def test_every_endpoint_and_method_answers_each_key_role_by_the_policy(app, client, keys, rows):
    problems = []
    calls = 0
    for rule in api_rules(app):
        url = rows.url_for(rule)
        path = url.removeprefix(API)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            body = None if method == "GET" else {}
            anonymous = client.open(url, method=method, json=body)
            if anonymous.status_code != 401:
                problems.append(f"no key {method} {url}: {anonymous.status_code}")
            for role in ROLES:
                calls += 1
                response = client.open(url, method=method, json=body, headers=keys[role])
                status = response.status_code
                if expected_allowed(role, method, path):
                    if status == 403 or status >= 500:
                        problems.append(f"{role} {method} {url}: {status}, expected it allowed")
                elif status != 403 or response.get_json()["error"]["code"] != "forbidden":
                    problems.append(f"{role} {method} {url}: {status}, expected 403 forbidden")

    assert problems == [], "\n".join(problems)
    assert calls >= 3 * len(api_rules(app))


def test_an_analyst_key_reads_but_cannot_change_anything(client, keys, session):
    created = client.post(
        f"{API}/surveys", json={"name": "By admin", "kind": "nps"}, headers=keys["admin"]
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    survey_id = created.get_json()["id"]

    assert client.get(f"{API}/surveys/{survey_id}", headers=keys["analyst"]).status_code == 200
    refused = client.patch(
        f"{API}/surveys/{survey_id}", json={"name": "By analyst"}, headers=keys["analyst"]
    )
    error = assert_error(refused, 403, "forbidden")
    assert "analyst" in error["message"]
    again = client.post(
        f"{API}/surveys", json={"name": "Another", "kind": "nps"}, headers=keys["analyst"]
    )
    assert_error(again, 403, "forbidden")
    session.expire_all()
    assert session.scalars(select(Survey.name)).all() == ["By admin"]


def test_an_agent_key_may_change_rescue_tasks_but_not_surveys(client, keys, rows, session):
    task_id = rows.ids["task_id"]
    survey_id = rows.ids["survey_id"]

    patched = client.patch(
        f"{API}/rescue-tasks/{task_id}", json={"status": "in_progress"}, headers=keys["agent"]
    )
    assert patched.status_code != 403, patched.get_data(as_text=True)
    refused = client.patch(
        f"{API}/surveys/{survey_id}", json={"name": "By agent"}, headers=keys["agent"]
    )
    assert "rescue tasks" in assert_error(refused, 403, "forbidden")["message"]
    session.expire_all()
    assert session.get(Survey, survey_id).name != "By agent"


def test_a_revoked_key_of_any_role_is_401(client, session):
    key, raw = create_api_key(session, "old", role="analyst")
    revoke_api_key(session, key)
    session.commit()

    assert_error(client.get(f"{API}/surveys", headers={"Authorization": f"Bearer {raw}"}), 401)


@pytest.mark.parametrize(
    ("role", "method", "rule", "allowed"),
    [
        ("analyst", "GET", "/api/v1/rescue-tasks", True),
        ("analyst", "PATCH", "/api/v1/rescue-tasks/<int:task_id>", False),
        ("agent", "PATCH", "/api/v1/rescue-tasks/<int:task_id>", True),
        ("agent", "POST", "/api/v1/rescue-tasks", True),
        ("agent", "DELETE", "/api/v1/rescue-tasks/<int:task_id>", False),
        ("agent", "POST", "/api/v1/surveys", False),
        ("agent", "PUT", "/api/v1/customers/<path:external_id>", False),
        ("agent", "POST", "/api/v1/rescue-tasks-export", False),
        ("analyst", "GET", "/api/v1/customers/<path:external_id>/export", False),
        ("agent", "GET", "/api/v1/customers/<path:external_id>", True),
        ("admin", "DELETE", "/api/v1/surveys/<int:survey_id>", True),
        ("nobody", "GET", "/api/v1/surveys", False),
    ],
)
def test_role_policy(role, method, rule, allowed):
    assert role_allows(role, method, rule) is allowed


def test_create_api_key_takes_a_role(session):
    key, _ = create_api_key(session, "reporting", role="analyst")
    assert key.role == "analyst"
    assert create_api_key(session, "default")[0].role == "admin"
    with pytest.raises(ValidationError):
        create_api_key(session, "typo", role="owner")


def test_cli_creates_a_key_with_a_role(app, engine, session, client):
    cli = app.test_cli_runner()
    result = cli.invoke(args=["create-api-key", "BI tool", "--role", "analyst"])

    assert result.exit_code == 0, result.output
    assert "Created analyst API key 'BI tool'" in result.output
    raw = next(
        line.strip() for line in result.output.splitlines() if line.strip().startswith("kk_")
    )
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"{API}/surveys", headers=headers).status_code == 200
    assert client.post(f"{API}/surveys", json={}, headers=headers).status_code == 403

    bad = cli.invoke(args=["create-api-key", "typo", "--role", "owner"])
    assert bad.exit_code != 0
    assert session.scalar(select(func.count(ApiKey.id))) == 1
