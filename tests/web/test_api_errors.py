"""Every error under /api/ is JSON in the design's shape, and bad input is never a 500."""

import json

import pytest

from tests.factories.surveys import make_survey
from tests.web.conftest import assert_error

JSON = "application/json"


def post_raw(api_client, path, data, content_type=JSON):
    return api_client.send("POST", path, data=data, content_type=content_type)


@pytest.mark.parametrize(
    "data",
    [
        b"{",
        b'{"name": "x",}',
        b"",
        b"\xff\xfe\xfa",
        b'{"name": NaN, "kind": "nps"}',
        b'{"name": "x", "kind": "nps", "active": Infinity}',
        b'{"n": ' + b"9" * 5000 + b"}",
        b"[" * 20000 + b"]" * 20000,
        b'{"a":' * 30 + b"1" + b"}" * 30,
    ],
    ids=[
        "truncated",
        "trailing-comma",
        "empty",
        "bad-utf8",
        "nan",
        "infinity",
        "huge-int",
        "deep-array",
        "deep-object",
    ],
)
def test_malformed_json_is_400(api_client, data):
    assert_error(post_raw(api_client, "/surveys", data), 400, "bad_request")


@pytest.mark.parametrize("body", [[], "survey", 42, None, [{"name": "x"}]])
def test_body_that_is_not_an_object_is_400(api_client, body):
    error = assert_error(post_raw(api_client, "/surveys", json.dumps(body)), 400)
    assert "object" in error["message"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_body_that_is_not_json_is_415(api_client, content_type):
    body = json.dumps({"name": "x", "kind": "nps"})
    response = api_client.send("POST", "/surveys", data=body, content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


def test_json_with_a_vendor_type_is_accepted(api_client):
    body = json.dumps({"name": "x", "kind": "nps"})
    assert post_raw(api_client, "/surveys", body, "application/vnd.kaiku+json").status_code == 201


def test_body_over_64_kib_is_413(api_client):
    body = json.dumps({"name": "x", "kind": "nps", "question_en": "a" * 70_000})
    error = assert_error(post_raw(api_client, "/surveys", body), 413)
    assert "64 KiB" in error["message"]
    assert api_client.get("/surveys").get_json() == {"items": []}


def test_wrong_types_are_422_naming_each_field(api_client):
    body = {"name": ["x"], "kind": 3, "active": "true", "question_fi": None, "extra": 1}
    error = assert_error(api_client.post("/surveys", body), 422, "invalid")
    assert set(error["fields"]) == {"name", "kind", "active", "extra"}
    assert error["fields"]["extra"] == "unknown field"
    assert "name" in error["message"] and "kind" in error["message"]


def test_nested_field_errors_use_dotted_paths(api_client, session):
    survey = make_survey(session)
    session.commit()
    body = {"customer": {"external_id": "c", "locale": "Deutsch!", "email": 5}}
    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", body), 422)
    assert {"customer.locale", "customer.email"} <= set(error["fields"])


@pytest.mark.parametrize(
    "raw, field",
    [
        ('{"name": "a\\u0000b", "kind": "nps"}', "name"),
        ('{"name": "a\\ud800b", "kind": "nps"}', "name"),
        ('{"name": "x", "kind": "nps", "question_en": "\\udfff"}', "question_en"),
    ],
)
def test_strings_no_database_can_store_are_422(api_client, raw, field):
    error = assert_error(post_raw(api_client, "/surveys", raw), 422, "invalid")
    assert field in error["fields"]


def test_unicode_round_trips(api_client):
    body = {"name": "Asiakaskokemus 🎉 – äöå", "kind": "csat", "question_fi": "Miten meni? 😊"}
    created = api_client.post("/surveys", body).get_json()
    fetched = api_client.get(f"/surveys/{created['id']}").get_json()
    assert fetched["name"] == body["name"] and fetched["question_fi"] == body["question_fi"]


@pytest.mark.parametrize(
    "path",
    [
        "/surveys/4242",
        "/surveys/abc",
        "/surveys/-1",
        "/surveys/1.5",
        "/surveys/99999999999999999999999999",
        "/surveys/2147483648",
        "/responses/0",
        "/nope",
        "/surveys/1/nope",
    ],
)
def test_unknown_ids_and_routes_are_json_404(api_client, path):
    assert_error(api_client.get(path), 404, "not_found")


def test_unknown_route_outside_v1_is_json_too(client):
    assert_error(client.get("/api/v2/surveys"), 404, "not_found")


def test_huge_id_in_a_body_route_is_404(api_client):
    body = {"customer": {"external_id": "c"}}
    assert_error(api_client.post("/surveys/99999999999999999999/invitations", body), 404)
    assert_error(api_client.patch("/surveys/99999999999999999999", {"name": "x"}), 404)


def test_wrong_method_is_json_405(api_client):
    assert_error(api_client.send("DELETE", "/surveys"), 405, "method_not_allowed")
    assert_error(api_client.send("PUT", "/responses/1"), 405)


@pytest.mark.parametrize(
    "path, params",
    [
        ("/responses", {"survey": "1 OR 1=1"}),
        ("/responses", {"before_id": "99999999999999999999999"}),
        ("/responses", {"limit": "1e3"}),
        ("/rescue-tasks", {"status": "\x00"}),
        ("/rescue-tasks", {"limit": "-5"}),
        ("/referrals", {"customer": "x" * 300}),
        ("/referrals", {"customer": "a\x00b"}),
        ("/reports/summary", {"survey": "99999999999999999999999"}),
        # A number is not read as a Unix timestamp (schemathesis found "until=0.5" taken).
        ("/reports/rescue", {"until": "0.5"}),
        ("/reports/rescue", {"since": "1700000000"}),
        ("/reports/trend", {"kind": "nps", "from": "0", "range": "90"}),
        ("/reports/breakdown", {"kind": "nps", "to": "1700000000"}),
    ],
)
def test_bad_query_strings_are_422(api_client, path, params):
    assert_error(api_client.get(path, **params), 422, "invalid")
