"""Secret tokens for links and keys: random, shown once, stored only as a hash."""

import base64
import hashlib
import hmac
import secrets


def new_token(nbytes: int = 24) -> str:
    """A URL-safe random token; 24 bytes = 192 bits."""
    return secrets.token_urlsafe(nbytes)


def new_nonce() -> str:
    """The random half of an invitation token: 16 bytes, hex."""
    return secrets.token_hex(16)


def derive_token(secret: str, nonce: str) -> str:
    """An invitation's link token: HMAC-SHA256(secret, nonce), URL-safe, 256 bits.

    The database keeps the nonce and the token's hash; only the app, holding the secret, can
    rebuild the link (for a reminder, or the API), so a leaked database leaks no answerable link.
    """
    digest = hmac.new(secret.encode(), b"invitation:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    """SHA-256 hex of a high-entropy token (no salt needed: tokens are not guessable)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_hash(token: str, expected_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), expected_hash)


def new_code(nbytes: int = 6) -> str:
    """A short, readable referral code (lowercase letters and digits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(nbytes * 2))
