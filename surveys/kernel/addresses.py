"""The one email-address check, for customers and staff alike: email-validator's syntax rules.

Deliverability is not checked (no DNS look-up: it would make every save wait on the network and
fail offline). What passes is an address a mail server accepts the shape of: one local part with
no quoting, angle brackets, spaces or control characters, and a domain of real hostname labels
with a dot, not a special-use name (``localhost``, ``.local``, ``.test``, ``.invalid``).
"""

from email_validator import EmailNotValidError, validate_email

MAX_EMAIL_LENGTH = 320


def email_address(text: str | None) -> str | None:
    """``text`` as an email address, trimmed and with its domain lower-cased, or None when it
    is not one (``a<script>@example.com``, ``x@exa<b>mple.com``, ``ann@``, over 320 characters).
    """
    if not isinstance(text, str) or len(text) > MAX_EMAIL_LENGTH:
        return None
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.normalized
