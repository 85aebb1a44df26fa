"""The one email-address shape check, for customers and staff alike."""

import re

MAX_EMAIL_LENGTH = 320
# A shape check, not a deliverability check: one @, no spaces, a dot in the domain.
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def looks_like_email(text: str) -> bool:
    """Whether ``text`` is shaped like name@host.tld and not over the RFC 5321 length."""
    return len(text) <= MAX_EMAIL_LENGTH and _EMAIL_SHAPE.fullmatch(text) is not None
