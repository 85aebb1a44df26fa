"""Signed identities: the id-only form other tools use, the full form, rotation, expiry."""

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from surveys.embed.signing import Claim, sign, signed_message, verify

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
KEYS = [("ek_new", "kes_new-secret"), ("ek_old", "kes_old-secret")]


def test_the_simplest_form_is_the_hex_hmac_of_the_id_alone():
    expected = hmac.new(b"kes_new-secret", b"cust-42", hashlib.sha256).hexdigest()
    assert sign("kes_new-secret", "cust-42") == expected
    assert verify(Claim("cust-42", expected), KEYS, now=NOW).ok


def test_either_valid_key_verifies_during_rotation():
    old = sign("kes_old-secret", "cust-42")
    verdict = verify(Claim("cust-42", old), KEYS, now=NOW)
    assert verdict.ok and verdict.key_id == "ek_old"
    assert not verify(Claim("cust-42", old), KEYS[:1], now=NOW).ok  # the old one retired


def test_a_named_key_is_the_only_one_tried():
    old = sign("kes_old-secret", "cust-42")
    assert not verify(Claim("cust-42", old, key_id="ek_new"), KEYS, now=NOW).ok
    assert verify(Claim("cust-42", old, key_id="ek_old"), KEYS, now=NOW).ok
    assert verify(Claim("cust-42", old, key_id="ek_gone"), KEYS, now=NOW).reason == "unknown_key"


def test_expiry_and_attributes_are_covered_by_the_signature():
    attributes = '{"plan": "pro"}'
    expires = int(NOW.timestamp()) + 600
    signature = sign("kes_new-secret", "cust-42", expires, attributes)
    assert signed_message("cust-42", expires, attributes) == (
        f"kaiku-embed-v1\ncust-42\n{expires}\n{attributes}".encode()
    )
    assert verify(
        Claim("cust-42", signature, expires=expires, attributes=attributes), KEYS, now=NOW
    ).ok
    for changed in (
        Claim("cust-42", signature, expires=expires + 1, attributes=attributes),
        Claim("cust-42", signature, expires=expires, attributes='{"plan": "max"}'),
        Claim("cust-43", signature, expires=expires, attributes=attributes),
        Claim("cust-42", signature),
    ):
        assert verify(changed, KEYS, now=NOW).reason == "bad_signature"


def test_an_expired_signature_is_refused_as_expired():
    expires = int(NOW.timestamp()) - 1
    signature = sign("kes_new-secret", "cust-42", expires)
    assert verify(Claim("cust-42", signature, expires=expires), KEYS, now=NOW).reason == "expired"


# "Vé5ß" (non-ASCII) was a 500 until schemathesis sent one: compare_digest refuses such text.
@pytest.mark.parametrize("signature", [None, "", "x" * 500, "V\u00e95\u00df\U0001f600"])
def test_missing_or_absurd_signatures(signature):
    verdict = verify(Claim("cust-42", signature), KEYS, now=NOW)
    assert not verdict.ok and verdict.reason in ("unsigned", "bad_signature")


def test_an_uppercase_hex_signature_is_accepted():
    assert verify(Claim("cust-42", sign("kes_new-secret", "cust-42").upper()), KEYS, now=NOW).ok
