"""GET /api/v1/openapi.json: valid OpenAPI 3.1, served without a key, covering every /api/v1
route of the app (a route added without an entry in app/api/openapi_ops.py fails here), and
the serializers' answers matching the spec's response models on real rows.

Validation uses the OpenAPI 3.1 meta-schema and the JSON Schema validator that schemathesis
ships (jsonschema_rs), the same ones its run in tests/integration uses.
"""

import json

import jsonschema_rs
import pytest
from flask import Flask
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR
from sqlalchemy import select

from app.api import openapi
from app.api.openapi import build_spec, openapi_path, routes, undocumented
from app.api.openapi_ops import OPERATIONS
from app.api.reference_view import type_tokens
from app.demo.seed import seed_demo
from surveys.models import ROLES, Customer, RescueTask, Response, Survey
from tests.factories.staff import make_staff, sign_in
from tests.web.conftest import assert_error

DIALECT = "https://json-schema.org/draft/2020-12/schema"


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_spec_is_served_without_a_key_as_openapi_3_1(client, spec):
    assert spec["openapi"] == "3.1.0"
    assert list(OPENAPI_31_VALIDATOR.iter_errors(spec)) == []
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    # The key is still needed everywhere else.
    assert_error(client.get("/api/v1/surveys"), 401, "unauthorized")


def test_every_component_schema_is_valid_json_schema_2020_12(spec):
    bad = [
        name
        for name, schema in spec["components"]["schemas"].items()
        if not jsonschema_rs.meta.is_valid({"$schema": DIALECT, **schema})
    ]
    assert bad == []


def test_every_api_route_of_the_app_is_in_the_spec_and_nothing_else(app, spec):
    assert undocumented(app) == []
    in_app = {(method.lower(), openapi_path(rule)) for method, rule, _ in routes(app)}
    in_spec = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert in_app == in_spec
    assert {endpoint for _, _, endpoint in routes(app)} == set(OPERATIONS)
    assert len(in_spec) >= 35


def test_a_new_route_without_a_spec_entry_is_reported(app):
    extra = Flask("extra", static_folder=None)
    extra.url_map.converters.update(app.url_map.converters)
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        extra.add_url_rule(rule.rule, rule.endpoint, view, methods=rule.methods)
    extra.add_url_rule("/api/v1/widgets", "api.list_widgets", lambda: {}, methods=["GET"])
    assert undocumented(extra) == ["api.list_widgets"]
    assert "/widgets" not in build_spec(extra)["paths"]


def test_each_operation_names_its_errors_with_the_error_body(spec):
    error = spec["components"]["schemas"]["Error"]
    assert error["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert set(spec["components"]["schemas"]["ErrorDetail"]["required"]) == {
        "code",
        "message",
        "fields",
    }
    assert set(spec["components"]["responses"]) >= {
        "400", "401", "403", "404", "409", "413", "415", "422", "429"
    }  # fmt: skip
    create = spec["paths"]["/surveys"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "413", "415", "422"}
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SurveyCreateFull"
    }
    widget = spec["paths"]["/embed/{survey_key}/responses"]["post"]
    assert widget["security"] == []
    assert {"403", "404", "429"} <= set(widget["responses"])
    assert "401" not in widget["responses"]
    assert spec["paths"]["/openapi.json"]["get"]["security"] == []


def test_query_parameters_come_from_the_query_models(spec):
    params = {p["name"]: p for p in spec["paths"]["/rescue-tasks"]["get"]["parameters"]}
    assert set(params) >= {"limit", "before_id", "status", "assignee", "overdue", "survey"}
    assert params["limit"]["schema"]["maximum"] == 500
    assert params["status"]["schema"]["enum"] == ["open", "in_progress", "contacted", "resolved"]
    responses = {p["name"] for p in spec["paths"]["/responses"]["get"]["parameters"]}
    assert {"from", "to", "category", "sentiment", "q", "sort", "format"} <= responses


def test_descriptions_come_from_the_views(spec):
    event = spec["paths"]["/events"]["post"]
    assert event["summary"] == "Record a lifecycle event"
    assert "idempotency key" in event["description"]


def test_the_spec_is_built_once_per_app(app, client, monkeypatch):
    client.get("/api/v1/openapi.json")
    monkeypatch.setattr(openapi, "build_spec", lambda app: pytest.fail("built again"))
    assert client.get("/api/v1/openapi.json").status_code == 200


# The serializers against the response models, on the demo's rows ------------------------------


def _validator(spec: dict, path: str, method: str, status: int):
    answer = spec["paths"][path][method]["responses"][str(status)]
    schema = answer["content"]["application/json"]["schema"]
    root = {"$schema": DIALECT, "components": spec["components"], **schema}
    return jsonschema_rs.validator_for(root)


def _check(spec, response, path: str, method: str = "get") -> dict:
    assert response.status_code < 300, response.get_data(as_text=True)
    body = response.get_json()
    errors = [
        f"{'/'.join(map(str, error.instance_path))}: {error.message}"
        for error in _validator(spec, path, method, response.status_code).iter_errors(body)
    ]
    assert errors == [], f"{method} {path}: {json.dumps(errors[:5])}"
    return body


def test_every_answer_on_the_demo_data_matches_its_response_model(
    spec, api_client, session, settings
):
    seed_demo(session, settings)
    session.commit()
    survey = session.scalars(select(Survey).order_by(Survey.id)).first()
    response = session.scalars(select(Response).where(Response.comment.is_not(None))).first()
    task = session.scalars(select(RescueTask).order_by(RescueTask.id)).first()
    customer = session.scalars(select(Customer).order_by(Customer.id)).first()
    c = api_client
    for path, url in [
        ("/surveys", "/surveys"),
        ("/surveys/{survey_id}", f"/surveys/{survey.id}"),
        ("/invitations", "/invitations"),
        ("/customers/{external_id}", f"/customers/{customer.external_id}"),
        ("/responses", "/responses"),
        ("/responses/{response_id}", f"/responses/{response.id}"),
        ("/rescue-tasks", "/rescue-tasks"),
        ("/rescue-tasks/{task_id}", f"/rescue-tasks/{task.id}"),
        ("/referral-programmes", "/referral-programmes"),
        ("/referrals", "/referrals"),
        ("/themes", "/themes"),
        ("/themes/{key}", "/themes/price"),
        ("/reports/summary", "/reports/summary"),
        ("/reports/rescue", "/reports/rescue"),
    ]:
        body = _check(spec, c.get(url), path)
        if path in ("/rescue-tasks", "/responses", "/referrals", "/invitations"):
            assert body["items"], f"{path}: the demo has rows, the check saw none"
    _check(spec, c.post("/events", {"customer": {"external_id": "x-1"}, "name": "signed_up"}),
           "/events", "post")  # fmt: skip
    _check(spec, c.post("/bounces", {"email": customer.email}), "/bounces", "post")
    secret = c.post(f"/surveys/{survey.id}/embed-secrets", {"grace_hours": 0})
    _check(spec, secret, "/surveys/{survey_id}/embed-secrets", "post")
    put = c.send("PUT", "/customers/new-1", json={"email": "new@example.com", "stage": "active"})
    _check(spec, put, "/customers/{external_id}", "put")


# The reference page ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_reference_page_renders_the_spec_for_every_staff_role(app, session, role):
    make_staff(session, role, email=f"ref-{role}@example.com")
    session.commit()
    page = sign_in(app.test_client(), f"ref-{role}@example.com").get("/api/reference")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for endpoint in OPERATIONS:  # every operation has its section
        assert f'id="op-{endpoint.split(".", 1)[1]}"' in html
    assert 'id="schema-SurveyOut"' in html and 'href="#schema-SurveyOut"' in html
    assert "<code>/surveys/{survey_id}</code>" in html
    assert "<script" not in html.split("</header>", 1)[1]


def test_the_reference_page_sends_anonymous_visitors_to_sign_in(client):
    page = client.get("/api/reference")
    assert page.status_code == 302
    assert page.location.startswith("/login")


def test_the_reference_page_names_types_in_words():
    assert [t.text for t in type_tokens({"type": "string", "maxLength": 200})] == [
        "string",
        ", at most 200 characters",
    ]
    tokens = type_tokens(
        {
            "anyOf": [
                {"type": "array", "items": {"$ref": "#/components/schemas/A"}},
                {"type": "null"},
            ]
        }
    )
    assert [(t.text, t.ref) for t in tokens] == [
        ("array of ", None), ("A", "A"), (" or ", None), ("null", None)
    ]  # fmt: skip
    assert type_tokens({"enum": ["nps", "csat"]})[0].text == "one of nps, csat"
