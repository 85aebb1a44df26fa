"""The SMTP connection: settings read from the app's config; one connection that hands over
one message or many in a row."""

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


class _Client(smtplib.SMTP):
    """smtplib's client, noting whether the message's content has started to go over (DATA):
    until then the server has accepted nothing, so a retry cannot send the email twice."""

    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


class SmtpConnection:
    """One SMTP connection reused for many messages: opened on the first ``send``, closed
    (QUIT) at the end of the ``with`` block.

    A message the server refuses (MAIL, RCPT or DATA answered with an error) raises, and the
    connection stays open for the next one. A connection the server closed or the network
    dropped is opened again by the next ``send``. When a connection that had already carried a
    message turns out dead before the server could have accepted this one (a server closing
    idle connections, or after N messages), ``send`` reconnects and tries this message once
    more by itself. ``connections`` counts the connections opened (or tried), ``carried`` the
    messages the current (or last) connection delivered.
    """

    def __init__(self, smtp: SmtpSettings) -> None:
        self.smtp = smtp
        self.connections = 0
        self.carried = 0
        self._client: _Client | None = None
        self._data_started = False  # whether the failed message had reached DATA

    def __enter__(self) -> "SmtpConnection":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client.sock is not None

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` over, connecting first when needed.

        :raises smtplib.SMTPException, OSError: the server refused the message (``connected``
            stays true), or the connection failed or was lost (``connected`` is false).
        """
        reused = self.connected and self.carried > 0
        try:
            self._send(message)
        except TRANSIENT_ERRORS:
            if self.connected or not reused or self._data_started:
                raise
            self._send(message)  # the old connection was dead; nothing was accepted on it

    def close(self) -> None:
        """QUIT and close; a connection already gone is just dropped."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            if client.sock is not None:
                client.quit()
        except TRANSIENT_ERRORS:
            pass
        finally:
            client.close()

    def _send(self, message: EmailMessage) -> None:
        self._data_started = False
        if not self.connected:
            self.close()
            self._client = self._connect()
        client = self._client
        client.data_started = False
        try:
            client.send_message(message)
        except TRANSIENT_ERRORS:
            self._data_started = client.data_started
            if client.sock is None:
                self.close()
            raise
        except BaseException:
            # Not the server's answer (a message smtplib cannot encode, a bug): where the
            # conversation stands is unknown, so the next message gets a new connection.
            self._client = None
            client.close()
            raise
        self.carried += 1

    def _connect(self) -> _Client:
        self.carried = 0
        self.connections += 1
        client = _Client(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout)
        try:
            if self.smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if self.smtp.user:
                client.login(self.smtp.user, self.smtp.password or "")
        except BaseException:
            client.close()
            raise
        return client


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
