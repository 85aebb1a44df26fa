"""The widget's rate limits (per address, per customer, anonymous apart) and its answers in the
reports: channel "embed", and who answered counted apart (by=identity)."""

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import limiter
from config import TestConfig
from surveys.models import Response
from tests.conftest import use_celery_of
from tests.factories.embeds import HOST, identity, make_embed


class LimitedConfig(TestConfig):
    EMBED_RATE_LIMIT_ENABLED = True
    EMBED_RATE_LIMIT = "50 per minute"
    EMBED_CUSTOMER_RATE_LIMIT = "3 per minute"
    EMBED_ANONYMOUS_RATE_LIMIT = "2 per hour"
    RATELIMIT_STORAGE_URI = "memory://"


@pytest.fixture(scope="module")
def limited_app(app):
    limited = create_app(LimitedConfig)
    use_celery_of(app)
    return limited


@pytest.fixture
def limited(limited_app, engine):
    limiter.init_app(limited_app)  # one limiter per process: the app built last chose storage
    limiter.reset()
    yield limited_app
    limiter.reset()


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def answer(client, survey, body):
    return client.post(f"/api/v1/embed/{survey.key}/responses", json=body, headers={"Origin": HOST})


def test_one_customer_is_limited_and_others_are_not(limited, session):
    survey, secret = make_embed(session)
    session.commit()
    client = client_at(limited, "198.51.100.1")
    who = identity(secret, "cust-busy")
    for score in (1, 2, 3):
        assert answer(client, survey, who | {"score": score}).status_code in (200, 201)
    blocked = answer(client, survey, who | {"score": 4})
    assert blocked.status_code == 429 and blocked.json["error"]["code"] == "too_many_requests"
    assert blocked.headers["Access-Control-Allow-Origin"] == HOST  # the page can read it
    assert answer(client, survey, identity(secret, "cust-calm") | {"score": 9}).status_code == 201
    assert session.scalars(select(Response).where(Response.score == 4)).first() is None


def test_anonymous_answers_are_limited_per_address(limited, session):
    survey, _ = make_embed(session, anonymous=True)
    session.commit()
    client = client_at(limited, "198.51.100.2")
    for n in range(2):
        assert (
            answer(client, survey, {"score": 8, "idempotency_key": f"key-{n:020d}"}).status_code
            == 201
        )
    assert (
        answer(client, survey, {"score": 8, "idempotency_key": "key-" + "9" * 20}).status_code
        == 429
    )
    other = client_at(limited, "203.0.113.5")
    assert (
        answer(other, survey, {"score": 8, "idempotency_key": "key-" + "8" * 20}).status_code == 201
    )
    assert session.scalar(select(func.count()).select_from(Response)) == 3


def test_widget_answers_are_counted_apart_by_identity(client, api_client, session):
    survey, secret = make_embed(session, mode="report_only", anonymous=True)
    session.commit()
    answer(client, survey, identity(secret, "cust-ok") | {"score": 10})
    answer(client, survey, {"customer": "cust-unsigned", "score": 0})
    answer(client, survey, {"score": 9, "idempotency_key": "anon-key-0123456789"})
    breakdown = api_client.get("/reports/breakdown", survey=survey.id, by="identity")
    assert breakdown.status_code == 200, breakdown.json
    slices = {item["slice"]: item["n"] for item in breakdown.json["items"]}
    assert slices == {"signed": 1, "unverified": 1, "anonymous": 1}
    channels = api_client.get("/reports/breakdown", survey=survey.id, by="channel").json
    assert {item["slice"]: item["n"] for item in channels["items"]} == {"embed": 3}
    listed = api_client.get("/responses", survey=survey.id).json["items"]
    assert sorted(r["identity"] for r in listed) == ["anonymous", "signed", "unverified"]
