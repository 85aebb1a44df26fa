"""One-click unsubscribe from the link and List-Unsubscribe header of every survey email."""

from datetime import timedelta

from sqlalchemy import update

from surveys.kernel import clock
from surveys.models import Customer, Invitation
from tests.factories.surveys import make_invitation


def _customer(session, new):
    session.expire_all()
    return session.get(Customer, new.invitation.customer_id)


def test_opening_the_unsubscribe_link_only_asks(client, session, settings):
    new = make_invitation(session, settings, email="anna@example.com")
    session.commit()

    page = client.get(f"/u/{new.token}")

    assert page.status_code == 200
    assert b"anna@example.com" in page.data and b"<form" in page.data
    assert _customer(session, new).unsubscribed is False


def test_confirming_unsubscribes_the_customer(client, session, settings):
    new = make_invitation(session, settings)
    session.commit()

    page = client.post(f"/u/{new.token}")

    assert page.status_code == 200 and b"You are unsubscribed" in page.data
    assert _customer(session, new).unsubscribed is True


def test_rfc8058_one_click_post_unsubscribes(client, session, settings):
    new = make_invitation(session, settings)
    session.commit()

    answer = client.post(f"/u/{new.token}", data={"List-Unsubscribe": "One-Click"})

    assert answer.status_code == 204
    assert _customer(session, new).unsubscribed is True


def test_unsubscribe_works_after_the_survey_closed(client, session, settings):
    new = make_invitation(session, settings, locale="fi")
    session.execute(update(Invitation).values(expires_at=clock.now() - timedelta(days=1)))
    session.commit()

    page = client.post(f"/u/{new.token}")

    assert "Tilaus on peruttu" in page.get_data(as_text=True)
    assert _customer(session, new).unsubscribed is True


def test_unknown_unsubscribe_link_is_404_and_changes_nothing(client, session, settings):
    new = make_invitation(session, settings)
    session.commit()

    assert client.post("/u/not-a-token").status_code == 404
    assert _customer(session, new).unsubscribed is False


def test_one_click_needs_no_csrf_token(app, client, session, settings, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    new = make_invitation(session, settings)
    session.commit()

    # A mail client's one-click POST carries no cookie and no CSRF token.
    assert client.post(f"/u/{new.token}", data={"List-Unsubscribe": "One-Click"}).status_code == 204
    assert _customer(session, new).unsubscribed is True
