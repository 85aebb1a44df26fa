"""Secrets and signatures per the Standard Webhooks specification.

A secret is ``whsec_`` + base64 of 24 to 64 random bytes; the HMAC key is the decoded bytes.
A message is signed as base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))
and sent as ``webhook-signature: v1,<signature>``; during a rotation's grace period the old
secret's signature follows, space-separated, so a receiver holding either verifies it.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from surveys.kernel.errors import ValidationError

PREFIX = "whsec_"
MIN_BYTES, MAX_BYTES, NEW_BYTES = 24, 64, 32


def new_secret() -> str:
    """A fresh secret: ``whsec_`` + base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(NEW_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of ``secret``.

    :raises ValidationError: not ``whsec_`` + base64 of 24 to 64 bytes ("secret").
    """
    if not isinstance(secret, str) or not secret.startswith(PREFIX):
        raise ValidationError("A secret starts with whsec_.", fields={"secret": "whsec_ prefix"})
    try:
        key = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            "The part after whsec_ must be base64.", fields={"secret": "not base64"}
        ) from None
    if not MIN_BYTES <= len(key) <= MAX_BYTES:
        raise ValidationError(
            f"A secret holds {MIN_BYTES} to {MAX_BYTES} bytes, not {len(key)}.",
            fields={"secret": f"{MIN_BYTES}-{MAX_BYTES} bytes"},
        )
    return key


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The ``v1,<base64>`` signature of one message with one secret."""
    content = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: Sequence[str], message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The request headers of one attempt, signed with each of ``secrets_`` (the current one
    first, then one still in its grace period)."""
    return {
        "content-type": "application/json",
        "user-agent": "Kaiku-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets_),
    }
