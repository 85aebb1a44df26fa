"""Referral clicks: once per browser and code within REFERRAL_CLICK_WINDOW_HOURS, kept in a
signed cookie; HEAD never counts."""

import pytest
from sqlalchemy import select

from app.respond.referral_link import COOKIE
from surveys.models import Referral
from tests.factories.clock import T0, Clock
from tests.factories.surveys import make_invitation, make_programme


@pytest.fixture
def referral(app, session, settings) -> Referral:
    """A promoter's referral, made by answering 10 (Celery is eager here)."""
    make_programme(session)
    new = make_invitation(session, settings)
    session.commit()
    assert app.test_client().post(f"/s/{new.token}", data={"score": "10"}).status_code == 303
    return session.scalars(select(Referral)).one()


def clicks(session, referral: Referral) -> int:
    session.refresh(referral)
    return referral.clicks


def test_fifty_clicks_from_one_browser_count_once(client, session, referral):
    for _ in range(50):
        resp = client.get(f"/r/{referral.code}")
        assert resp.status_code == 302
        assert resp.headers["Location"].endswith(f"ref={referral.code}")
    assert clicks(session, referral) == 1


def test_two_browsers_count_two_clicks(app, session, referral):
    for _ in range(3):
        app.test_client().get(f"/r/{referral.code}")  # a fresh browser each time
    assert clicks(session, referral) == 3


def test_a_click_after_the_window_counts_again(app, client, session, referral):
    clock = Clock(T0)
    client.get(f"/r/{referral.code}")
    clock.advance(hours=23, minutes=59)
    client.get(f"/r/{referral.code}")
    assert clicks(session, referral) == 1

    clock.advance(minutes=1)  # 24 hours after the counted click
    client.get(f"/r/{referral.code}")
    client.get(f"/r/{referral.code}")
    assert clicks(session, referral) == 2


def test_the_cookie_is_signed_http_only_lax_and_only_for_referral_links(client, referral):
    cookie = client.get(f"/r/{referral.code}").headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/r/" in cookie
    assert "Max-Age=86400" in cookie


def test_a_tampered_cookie_is_ignored(client, session, referral):
    client.get(f"/r/{referral.code}")
    client.set_cookie(COOKIE, "eyJmYWtlIjoxfQ.forged", path="/r/")
    client.get(f"/r/{referral.code}")
    assert clicks(session, referral) == 2


def test_head_counts_nothing_and_sets_no_cookie(client, session, referral):
    resp = client.head(f"/r/{referral.code}")
    assert resp.status_code == 302 and "Set-Cookie" not in resp.headers
    client.get(f"/r/{referral.code}")
    assert clicks(session, referral) == 1


def test_each_code_counts_once_in_one_browser(app, client, session, settings, referral):
    second = make_invitation(session, settings)
    session.commit()
    app.test_client().post(f"/s/{second.token}", data={"score": "9"})
    other = session.scalars(select(Referral).where(Referral.id != referral.id)).one()
    for code in (referral.code, other.code, referral.code, other.code):
        client.get(f"/r/{code}")
    assert (clicks(session, referral), clicks(session, other)) == (1, 1)
