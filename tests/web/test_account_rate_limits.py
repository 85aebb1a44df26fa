"""Rate limits of the account pages: "forgot your password" per client address and per address
asked for (every request counts), and wrong second-factor codes per address and per account,
each ending in a clear 429 that changes nothing."""

import pyotp
import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import limiter
from config import TestConfig
from surveys.models import OutboxEmail, StaffUser
from surveys.staff.totp import begin_enrolment, confirm_enrolment
from tests.conftest import use_celery_of
from tests.factories.clock import T0, Clock
from tests.factories.staff import PASSWORD, make_staff


class LimitedConfig(TestConfig):
    LOGIN_RATE_LIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "100 per minute"
    LOGIN_ACCOUNT_RATE_LIMIT = "100 per minute"
    FORGOT_RATE_LIMIT = "3 per 10 minutes"
    FORGOT_ACCOUNT_RATE_LIMIT = "2 per hour"
    TOTP_RATE_LIMIT = "3 per minute"
    TOTP_ACCOUNT_RATE_LIMIT = "4 per 5 minutes"
    RATELIMIT_STORAGE_URI = "memory://"


@pytest.fixture(scope="module")
def limited_app(app):
    limited = create_app(LimitedConfig)
    use_celery_of(app)
    return limited


@pytest.fixture
def limited(limited_app, engine, session):
    limiter.init_app(limited_app)
    limiter.reset()
    yield limited_app
    limiter.reset()


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def reset_emails(session) -> int:
    return session.scalar(
        select(func.count(OutboxEmail.id)).where(OutboxEmail.kind == "password_reset")
    )


def test_forgot_requests_from_one_address_end_in_a_429(limited, session):
    make_staff(session, "agent", email="aino@example.com")
    session.commit()
    client = client_at(limited, "198.51.100.7")
    for n in range(3):
        assert (
            client.post("/forgot-password", data={"email": f"x{n}@example.com"}).status_code == 200
        )

    blocked = client.post("/forgot-password", data={"email": "aino@example.com"})

    assert blocked.status_code == 429
    assert "Too many requests for a reset link. Please wait" in blocked.get_data(as_text=True)
    assert reset_emails(session) == 0


def test_forgot_requests_for_one_address_are_limited_across_addresses(limited, session):
    make_staff(session, "agent", email="aino@example.com")
    session.commit()
    for n in range(2):
        client_at(limited, f"192.0.2.{n}").post(
            "/forgot-password", data={"email": "aino@example.com"}
        )

    blocked = client_at(limited, "192.0.2.99").post(
        "/forgot-password", data={"email": "AINO@example.com"}
    )

    assert blocked.status_code == 429
    assert reset_emails(session) == 2


def test_wrong_codes_end_in_a_429_even_for_a_right_code(limited, session):
    clock = Clock(T0)
    member = make_staff(session, "agent", email="aino@example.com")
    row = begin_enrolment(session, member)
    confirm_enrolment(session, member, pyotp.TOTP(row.secret).at(clock.now))
    session.commit()
    clock.advance(seconds=30)
    client = client_at(limited, "198.51.100.8")
    client.post("/login", data={"email": member.email, "password": PASSWORD})
    for _ in range(3):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 200

    blocked = client.post("/login/code", data={"code": pyotp.TOTP(row.secret).at(clock.now)})

    assert blocked.status_code == 429
    assert "Too many wrong codes" in blocked.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # not signed in


def test_wrong_codes_for_one_account_are_limited_across_addresses(limited, session):
    clock = Clock(T0)
    member = make_staff(session, "agent", email="aino@example.com")
    row = begin_enrolment(session, member)
    confirm_enrolment(session, member, pyotp.TOTP(row.secret).at(clock.now))
    session.commit()
    for n in range(4):
        browser = client_at(limited, f"192.0.2.{n}")
        browser.post("/login", data={"email": member.email, "password": PASSWORD})
        browser.post("/login/code", data={"code": "000000"})

    last = client_at(limited, "192.0.2.200")
    last.post("/login", data={"email": member.email, "password": PASSWORD})
    clock.advance(seconds=30)
    assert (
        last.post("/login/code", data={"code": pyotp.TOTP(row.secret).at(clock.now)}).status_code
        == 429
    )
    assert session.get(StaffUser, member.id, populate_existing=True).last_login_at is None
