"""Secret tokens for links and keys: random, shown once, stored only as a hash."""

import hashlib
import hmac
import secrets


def new_token(nbytes: int = 24) -> str:
    """A URL-safe random token; 24 bytes = 192 bits."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """SHA-256 hex of a high-entropy token (no salt needed: tokens are not guessable)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_hash(token: str, expected_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), expected_hash)


def new_code(nbytes: int = 6) -> str:
    """A short, readable referral code (lowercase letters and digits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(nbytes * 2))
