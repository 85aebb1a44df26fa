"""API keys: every call needs a live key; keys are stored only as a prefix and a hash."""

import hashlib
from datetime import UTC, datetime, timedelta

from surveys.kernel import clock
from surveys.models import ApiKey
from surveys.staff.apikeys import create_api_key, revoke_api_key, verify_api_key
from tests.web.conftest import assert_error


def test_call_without_key_is_refused_with_bearer_challenge(client):
    response = client.get("/api/v1/surveys")
    error = assert_error(response, 401, "unauthorized")
    assert "Authorization: Bearer" in error["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_call_with_other_scheme_is_refused(client, api):
    raw = api["Authorization"].removeprefix("Bearer ")
    response = client.get("/api/v1/surveys", headers={"Authorization": f"Basic {raw}"})
    assert_error(response, 401, "unauthorized")


def test_unknown_key_is_refused_as_invalid_token(client, api):
    response = client.get(
        "/api/v1/surveys", headers={"Authorization": "Bearer kk_0123456789ab_" + "x" * 43}
    )
    assert_error(response, 401, "unauthorized")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_key_with_right_prefix_and_wrong_secret_is_refused(client, api):
    raw = api["Authorization"].removeprefix("Bearer ")
    tampered = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    response = client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {tampered}"})
    assert_error(response, 401)


def test_garbage_authorization_header_is_refused(client):
    for value in ["Bearer", "Bearer ", "Bearer kk_", "Bearer " + "k" * 5000, "Bearer kk_ä_ö"]:
        assert_error(client.get("/api/v1/surveys", headers={"Authorization": value}), 401)


def test_revoked_key_is_refused(client, session, api):
    raw = api["Authorization"].removeprefix("Bearer ")
    assert client.get("/api/v1/surveys", headers=api).status_code == 200
    revoke_api_key(session, session.query(ApiKey).one())
    session.commit()
    assert_error(client.get("/api/v1/surveys", headers=api), 401)
    assert verify_api_key(session, raw) is None


def test_key_is_checked_before_the_body(client):
    response = client.post("/api/v1/surveys", data="not json", content_type="text/plain")
    assert_error(response, 401)


def test_only_prefix_and_hash_of_key_are_stored(session):
    key, raw = create_api_key(session, "CRM sync")
    session.commit()
    assert raw.startswith(f"kk_{key.prefix}_") and len(raw) > 40
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in (key.prefix, key.key_hash, key.name)
    other_key, other_raw = create_api_key(session, "CRM sync")
    assert other_raw != raw and other_key.prefix != key.prefix


def test_last_used_is_recorded_at_most_once_a_minute(client, session, api):
    start = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    clock.set_source(lambda: start)
    client.get("/api/v1/surveys", headers=api)
    session.expire_all()
    assert session.query(ApiKey).one().last_used_at == start

    clock.set_source(lambda: start + timedelta(seconds=30))
    client.get("/api/v1/surveys", headers=api)
    session.expire_all()
    assert session.query(ApiKey).one().last_used_at == start

    later = start + timedelta(seconds=61)
    clock.set_source(lambda: later)
    client.get("/api/v1/surveys", headers=api)
    session.expire_all()
    assert session.query(ApiKey).one().last_used_at == later
