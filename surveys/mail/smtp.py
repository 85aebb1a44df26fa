"""The SMTP connection: settings read from the app's config, and one message handed over."""

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

DEFAULT_TIMEOUT = 30.0
# What a send can raise that a later attempt may get past: the server or the network.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to hand email over; no host means "log it instead of sending"."""

    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> "SmtpSettings":
        """Read SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS (and the optional
        SMTP_TIMEOUT, seconds) from a config mapping such as ``app.config``."""
        return cls(
            host=config.get("SMTP_HOST") or None,
            port=int(config.get("SMTP_PORT") or 25),
            user=config.get("SMTP_USER") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=bool(config.get("SMTP_STARTTLS")),
            timeout=float(config.get("SMTP_TIMEOUT") or DEFAULT_TIMEOUT),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.host)


def send_message(smtp: SmtpSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server: STARTTLS and login when configured.

    :raises smtplib.SMTPException, OSError: the server refused it or could not be reached.
    """
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.user:
            client.login(smtp.user, smtp.password or "")
        client.send_message(message)


def is_permanent(exc: BaseException) -> bool:
    """Whether retrying cannot help: the server rejected the message or recipient (5xx).

    A rejected login is not permanent: fixing the configuration lets the retries through.
    """
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False
