"""Sign-in rate limiting: failed attempts per client address and per account, a clear 429."""

import pytest

from app import create_app
from app.auth.security import rate_limit_storage
from app.extensions import limiter
from config import TestConfig
from surveys.staff.accounts import create_staff
from tests.conftest import use_celery_of
from tests.servers import free_port

PASSWORD = "limit password 1"


class LimitedConfig(TestConfig):
    LOGIN_RATE_LIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "3 per minute;20 per hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per 10 minutes"
    RATELIMIT_STORAGE_URI = "memory://"


@pytest.fixture(scope="module")
def limited_app(app):
    limited = create_app(LimitedConfig)
    use_celery_of(app)  # creating an app made its Celery current; tasks stay on the test app
    return limited


@pytest.fixture
def limited(limited_app, engine, session):
    # One limiter serves the process; whichever app was built last chose its storage.
    limiter.init_app(limited_app)
    limiter.reset()
    create_staff(session, "agent@example.com", PASSWORD, role="agent")
    session.commit()
    yield limited_app
    limiter.reset()


def client_at(app, address: str):
    """A browser at ``address`` (what the limiter keys on)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, email="agent@example.com", password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_failed_sign_ins_from_one_address_end_in_a_clear_429(limited):
    client = client_at(limited, "198.51.100.7")
    for _ in range(3):
        failed = sign_in(client, password="wrong password")
        assert failed.status_code == 200
        assert "Email or password is wrong" in failed.get_data(as_text=True)

    blocked = sign_in(client)  # even the right password, once past the limit

    assert blocked.status_code == 429
    body = blocked.get_data(as_text=True)
    assert "Too many failed sign-in attempts" in body
    assert "Please wait a minute and try again" in body
    assert "Traceback" not in body
    assert 'name="email"' in body and 'value="agent@example.com"' in body
    assert int(blocked.headers["Retry-After"]) > 0
    assert client.get("/").status_code == 302  # not signed in


def test_another_address_may_still_sign_in(limited):
    blocked = client_at(limited, "198.51.100.7")
    for _ in range(4):
        sign_in(blocked, password="wrong password")
    assert sign_in(blocked).status_code == 429

    other = client_at(limited, "203.0.113.9")
    assert sign_in(other).status_code == 302
    assert other.get("/").status_code == 200


def test_successful_sign_ins_do_not_count(limited):
    client = client_at(limited, "198.51.100.8")
    for _ in range(6):
        assert sign_in(client).status_code == 302
        client.post("/logout")
    assert sign_in(client, password="wrong password").status_code == 200


def test_one_account_is_limited_across_addresses(limited, session):
    create_staff(session, "other@example.com", PASSWORD, role="agent")
    session.commit()
    for n in range(5):  # two failures each from five addresses: the address limit is not hit
        sign_in(client_at(limited, f"192.0.2.{n}"), email="AGENT@example.com", password="nope")

    fresh = client_at(limited, "192.0.2.200")
    assert sign_in(fresh).status_code == 429
    assert sign_in(fresh, email="other@example.com").status_code == 302


def test_the_sign_in_page_itself_is_not_limited(limited):
    client = client_at(limited, "198.51.100.9")
    for _ in range(4):
        sign_in(client, password="wrong password")

    assert sign_in(client).status_code == 429
    assert client.get("/login").status_code == 200


def test_limits_can_be_switched_off(app, client, session):
    """The shared TestConfig switches them off, so other tests may sign in freely."""
    create_staff(session, "agent@example.com", PASSWORD, role="agent")
    session.commit()
    for _ in range(12):
        assert sign_in(client, password="wrong password").status_code == 200
    assert sign_in(client).status_code == 302


def test_storage_is_memory_when_redis_does_not_answer():
    closed = f"redis://127.0.0.1:{free_port()}/0"
    assert rate_limit_storage({"RATELIMIT_STORAGE_URI": None, "REDIS_URL": closed}) == "memory://"
    named = {"RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": closed}
    assert rate_limit_storage(named) == "memory://"
