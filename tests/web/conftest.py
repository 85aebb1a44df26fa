"""Fixtures for the API's tests: a live API key, and a client that speaks JSON with it."""

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from surveys.staff.apikeys import create_api_key

API = "/api/v1"


@pytest.fixture
def api(session) -> dict[str, str]:
    """Headers carrying a freshly created, committed API key."""
    _, raw = create_api_key(session, "tests")
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


@dataclass
class JsonClient:
    """The test client with the API key set and paths relative to /api/v1."""

    client: FlaskClient
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, **params: Any) -> TestResponse:
        return self.client.get(API + path, query_string=params, headers=self.headers)

    def post(self, path: str, body: Any) -> TestResponse:
        return self.client.post(API + path, json=body, headers=self.headers)

    def patch(self, path: str, body: Any) -> TestResponse:
        return self.client.patch(API + path, json=body, headers=self.headers)

    def send(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        """Anything else: raw bodies, other content types, extra headers."""
        headers = self.headers | kwargs.pop("headers", {})
        return self.client.open(API + path, method=method, headers=headers, **kwargs)


@pytest.fixture
def api_client(client, api) -> JsonClient:
    return JsonClient(client, api)


def assert_error(response: TestResponse, status: int, code: str | None = None) -> dict:
    """Assert a JSON error in the design's shape; returns its ``error`` object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code
    return error
