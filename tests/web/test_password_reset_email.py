"""The "forgot your password" email through the outbox to a real (local) SMTP server: one
message to the member, plain text and HTML, whose link opens the reset form."""

import re

import pytest

from surveys.mail import SmtpSettings, deliver
from surveys.mail.staff_emails import queue_password_reset_email
from surveys.staff.passwords import start_password_reset
from tests.factories.staff import make_staff
from tests.servers import free_port, smtp_servers


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port):
    with smtp_servers(smtp_port) as start:
        yield start()


def test_the_reset_email_reaches_smtp_and_its_link_opens_the_form(
    client, session, settings, smtp_port, inbox
):
    make_staff(session, "agent", email="aino@example.com", name="Aino")
    user, token = start_password_reset(session, "aino@example.com")
    outbox = queue_password_reset_email(session, user, token, settings, hours=1)
    session.commit()

    assert deliver(session, outbox.id, SmtpSettings(host="127.0.0.1", port=smtp_port)) == "sent"
    session.commit()

    [message] = inbox.messages
    assert inbox.recipients == ["aino@example.com"]
    assert message["Subject"] == "Reset your Kaiku password"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    [path] = re.findall(r"http://kaiku\.test(/reset-password/\S+)", text)
    assert path in html and "Choose a new password" in html
    page = client.get(path)
    assert page.status_code == 200
    assert "New password again" in page.get_data(as_text=True)


def test_an_unknown_address_queues_nothing(session, settings):
    user, token = start_password_reset(session, "nobody@example.com")
    assert user is None and token
    assert queue_password_reset_email(session, user, token, settings, hours=1) is None
