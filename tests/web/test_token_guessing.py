"""Guessing respondent links: unknown /s/, /u/ and /r/ look-ups are limited per client address;
links that exist are never counted nor refused, also from a limited address."""

import pytest
from sqlalchemy import select

from app import create_app
from app.extensions import limiter
from config import TestConfig
from surveys.models import Referral, Response
from tests.conftest import record_sent_tasks, use_celery_of
from tests.factories.surveys import make_invitation, make_programme, make_survey

LIMIT = 5


class GuessLimitedConfig(TestConfig):
    TOKEN_GUESS_RATE_LIMIT_ENABLED = True
    TOKEN_GUESS_RATE_LIMIT = f"{LIMIT} per minute;50 per hour"
    RATELIMIT_STORAGE_URI = "memory://"


class BehindProxyConfig(GuessLimitedConfig):
    PROXY_COUNT = 1


def _limited(config, app):
    limited = create_app(config)
    use_celery_of(app)  # creating an app made its Celery current; tasks stay on the test app
    return limited


@pytest.fixture(scope="module")
def limited_app(app):
    return _limited(GuessLimitedConfig, app)


@pytest.fixture(scope="module")
def proxied_app(app):
    return _limited(BehindProxyConfig, app)


@pytest.fixture
def limited(limited_app, engine):
    # One limiter serves the process; whichever app was built last chose its storage.
    limiter.init_app(limited_app)
    limiter.reset()
    yield limited_app
    limiter.reset()


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def guess(client, n: int):
    return client.get(f"/s/not-a-token-{n}")


def test_unknown_tokens_past_the_limit_get_a_clear_429(limited):
    client = client_at(limited, "198.51.100.20")
    for n in range(LIMIT):
        assert guess(client, n).status_code == 404

    blocked = guess(client, LIMIT)

    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert "Too many links that do not work" in blocked.text
    assert '<html lang="en">' in blocked.text and "Traceback" not in blocked.text


def test_the_429_page_speaks_the_browsers_language(limited):
    client = client_at(limited, "198.51.100.21")
    for n in range(LIMIT):
        guess(client, n)
    blocked = client.get("/s/nope", headers={"Accept-Language": "fi-FI,fi;q=0.9"})
    assert blocked.status_code == 429
    assert '<html lang="fi">' in blocked.text and "Liian monta toimimatonta linkkiä" in blocked.text


def test_every_kind_of_link_counts_against_one_budget(limited):
    client = client_at(limited, "198.51.100.22")
    urls = ["/s/x1", "/s/x2/why", "/u/x3", "/r/x4", "/s/x5/thanks"]
    assert [client.get(url).status_code for url in urls] == [404] * LIMIT
    assert client.post("/s/x6", data={"score": "9"}).status_code == 429
    assert client.get("/r/x7").status_code == 429
    poll = client.get("/s/x8/referral")
    assert poll.status_code == 429 and poll.json["error"]["code"] == "too_many_requests"


def test_a_limited_address_may_still_use_links_that_exist(limited, session, settings):
    make_programme(session)
    new = make_invitation(session, settings)
    session.commit()
    client = client_at(limited, "198.51.100.23")
    for n in range(LIMIT + 3):
        guess(client, n)
    assert guess(client, 99).status_code == 429

    assert client.get(f"/s/{new.token}?score=10").status_code == 200
    assert client.post(f"/s/{new.token}", data={"score": "10"}).status_code == 303
    assert client.post(f"/s/{new.token}/why", data={"comment": "Great"}).status_code == 303
    assert client.get(f"/s/{new.token}/thanks").status_code == 200
    assert client.get(f"/u/{new.token}").status_code == 200
    code = session.scalars(select(Referral.code)).one()
    assert client.get(f"/r/{code}").status_code == 302
    assert guess(client, 100).status_code == 429  # and guessing stays refused


def test_an_office_answering_500_invitations_never_meets_a_429(
    limited, session, settings, monkeypatch
):
    record_sent_tasks(limited, monkeypatch)  # processing is not what this test is about
    survey = make_survey(session)
    tokens = [make_invitation(session, settings, survey).token for _ in range(500)]
    session.commit()
    office = client_at(limited, "203.0.113.50")
    for token in tokens:
        assert office.post(f"/s/{token}", data={"score": "8"}).status_code == 303
    assert session.query(Response).count() == 500
    assert guess(office, 0).status_code == 404  # none of them was counted


def test_the_limit_counts_per_address(limited):
    blocked, other = client_at(limited, "198.51.100.24"), client_at(limited, "198.51.100.25")
    for n in range(LIMIT):
        guess(blocked, n)
    assert guess(blocked, 0).status_code == 429
    assert guess(other, 0).status_code == 404


def test_behind_a_proxy_the_limit_counts_per_forwarded_address(proxied_app, engine):
    limiter.init_app(proxied_app)
    limiter.reset()
    proxy = "10.0.0.2"  # every request comes from the proxy; X-Forwarded-For names the client
    blocked, other = client_at(proxied_app, proxy), client_at(proxied_app, proxy)
    blocked.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.30"
    other.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.31"
    for n in range(LIMIT):
        guess(blocked, n)
    assert guess(blocked, 0).status_code == 429
    assert guess(other, 0).status_code == 404
    limiter.reset()


def test_the_limit_can_be_switched_off(client):
    """The shared TestConfig switches it off, so other tests may open unknown links freely."""
    assert [guess(client, n).status_code for n in range(LIMIT + 5)] == [404] * (LIMIT + 5)
