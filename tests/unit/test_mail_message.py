"""The MIME message built from an outbox row, and the SMTP settings read from the config."""

import smtplib
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

from surveys.mail import SmtpSettings, build_message
from surveys.mail.smtp import is_permanent
from surveys.models import OutboxEmail


def outbox_email(**fields) -> OutboxEmail:
    values = {
        "kind": "invitation",
        "to_address": "ann@example.com",
        "from_address": "Kaiku <feedback@kaiku.example>",
        "subject": "Lyhyt kysymys: miten onnistuimme?",
        "text_body": "Hei Ann,\n\nKuinka todennäköisesti...\n",
        "html_body": "<p>Hei Ann,</p><p>Kuinka todennäköisesti...</p>",
        "headers": {"List-Unsubscribe": "<https://kaiku.example/u/tok>"},
        "message_id": "<abc123@kaiku.example>",
    }
    return OutboxEmail(**(values | fields))


def test_message_has_text_and_html_alternatives_and_the_envelope_headers():
    message = build_message(outbox_email())

    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    text, html = parsed.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert text.get_content() == "Hei Ann,\n\nKuinka todennäköisesti...\n"
    assert html.get_content_type() == "text/html"
    assert "<p>Kuinka todennäköisesti...</p>" in html.get_content()
    assert parsed["From"] == "Kaiku <feedback@kaiku.example>"
    assert parsed["To"] == "ann@example.com"
    assert parsed["Subject"] == "Lyhyt kysymys: miten onnistuimme?"
    assert parsed["Message-ID"] == "<abc123@kaiku.example>"
    assert parsed["List-Unsubscribe"] == "<https://kaiku.example/u/tok>"
    assert parsedate_to_datetime(parsed["Date"]).tzinfo is not None


def test_smtp_settings_come_from_the_config():
    smtp = SmtpSettings.from_mapping(
        {
            "SMTP_HOST": "mail.example.com",
            "SMTP_PORT": 587,
            "SMTP_USER": "kaiku",
            "SMTP_PASSWORD": "s3cret",
            "SMTP_STARTTLS": True,
        }
    )

    assert smtp == SmtpSettings("mail.example.com", 587, "kaiku", "s3cret", True, 30.0)
    assert smtp.enabled
    assert "s3cret" not in repr(smtp)


def test_smtp_is_disabled_without_a_host():
    smtp = SmtpSettings.from_mapping({"SMTP_HOST": None, "SMTP_PORT": 25, "SMTP_STARTTLS": False})

    assert not smtp.enabled


def test_only_a_5xx_rejection_is_permanent():
    assert is_permanent(smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no such user")}))
    assert is_permanent(smtplib.SMTPDataError(554, b"rejected as spam"))
    assert not is_permanent(smtplib.SMTPDataError(451, b"try again later"))
    assert not is_permanent(smtplib.SMTPRecipientsRefused({"a@b.c": (450, b"greylisted")}))
    assert not is_permanent(smtplib.SMTPAuthenticationError(535, b"bad password"))
    assert not is_permanent(smtplib.SMTPServerDisconnected("gone"))
    assert not is_permanent(ConnectionRefusedError(111, "Connection refused"))
