"""Signed identities: the company's backend signs the customer's id with the embed secret.

The simplest form is the one Intercom and AskNicely use: the hex HMAC-SHA256 of the customer id
alone. When the page also passes an expiry or attributes, the signature covers all three:

    "kaiku-embed-v1" LF customer-id LF expires (Unix seconds, or empty) LF attributes (or empty)

The attributes are signed as the exact string the page passes (``data-attributes``), so neither
side needs a canonical JSON. A customer id holds no newline (``check_external_id``), so no
id-only signature can pass for a full one or the other way round.
"""

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

PREFIX = "kaiku-embed-v1"
MAX_SIGNATURE_LENGTH = 128


@dataclass(frozen=True)
class Claim:
    """What the page says about who is answering; nothing of it is trusted until verified."""

    customer: str | None = None
    signature: str | None = None
    key_id: str | None = None
    expires: int | None = None
    attributes: str | None = None  # the raw JSON object text, as signed
    language: str | None = None  # the browser's, for a customer Kaiku does not know yet


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str | None = None  # one of surveys.models.REFUSAL_REASONS when not ok
    key_id: str | None = None


def signed_message(
    customer: str, expires: int | None = None, attributes: str | None = None
) -> bytes:
    if expires is None and not attributes:
        return customer.encode()
    parts = [PREFIX, customer, "" if expires is None else str(expires), attributes or ""]
    return "\n".join(parts).encode()


def sign(
    secret: str, customer: str, expires: int | None = None, attributes: str | None = None
) -> str:
    """The hex signature the company's backend computes (and the tests, and the admin preview)."""
    return hmac.new(
        secret.encode(), signed_message(customer, expires, attributes), hashlib.sha256
    ).hexdigest()


def verify(claim: Claim, secrets: Sequence[tuple[str, str]], *, now: datetime) -> Verdict:
    """Check ``claim`` against the survey's valid ``(key_id, secret)`` pairs.

    With ``claim.key_id`` only that key is tried; without, every valid one (rotation: old and
    new both sign for a while). Compared in constant time.
    """
    if not claim.customer or not claim.signature:
        return Verdict(False, "unsigned")
    signature = claim.signature.strip().lower()
    # A hex digest is ASCII; compare_digest refuses other text with a TypeError (a 500).
    if len(signature) > MAX_SIGNATURE_LENGTH or not signature.isascii():
        return Verdict(False, "bad_signature")
    candidates: Iterable[tuple[str, str]] = secrets
    if claim.key_id:
        candidates = [pair for pair in secrets if pair[0] == claim.key_id]
        if not candidates:
            return Verdict(False, "unknown_key")
    message = signed_message(claim.customer, claim.expires, claim.attributes)
    for key_id, secret in candidates:
        expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, signature):
            if claim.expires is not None and claim.expires <= now.timestamp():
                return Verdict(False, "expired", key_id)
            return Verdict(True, None, key_id)
    return Verdict(False, "bad_signature")
