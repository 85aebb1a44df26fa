"""Webhook signatures, secrets, the retry schedule and the SSRF guard's address rules: pure."""

import base64
import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook
from standardwebhooks.exceptions import WebhookVerificationError

from surveys.kernel.errors import ValidationError
from surveys.webhooks.schedule import SCHEDULE, next_delay, parse_retry_after
from surveys.webhooks.signing import headers, new_secret, secret_key, signature
from surveys.webhooks.ssrf import (
    blocked,
    check_url_shape,
    is_allowed_host,
    parse_allowed_hosts,
    validate_url,
)

BODY = '{"type":"response.created","timestamp":"2026-03-02T09:00:00Z","data":{"score":3}}'


def test_the_published_verifier_accepts_kaikus_signature_unchanged():
    secret = new_secret()
    stamp = int(time.time())
    sent = headers([secret], "msg_abc", stamp, BODY)
    assert Webhook(secret).verify(BODY, sent) == {
        "type": "response.created", "timestamp": "2026-03-02T09:00:00Z", "data": {"score": 3},
    }  # fmt: skip
    assert sent["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("3", "4"), sent)


def test_the_specifications_example_signature():
    # The example of the Standard Webhooks specification (and the package's own tests).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    assert signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_during_a_rotation_both_signatures_are_sent_and_either_secret_verifies():
    old, new = new_secret(), new_secret()
    sent = headers([new, old], "msg_rot", int(time.time()), BODY)
    assert len(sent["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(BODY, sent)
    Webhook(old).verify(BODY, sent)


def test_secrets_are_whsec_and_24_to_64_bytes():
    secret = new_secret()
    assert secret.startswith("whsec_") and len(secret_key(secret)) == 32
    assert len(secret_key("whsec_" + base64.b64encode(b"x" * 24).decode())) == 24
    assert len(secret_key("whsec_" + base64.b64encode(b"x" * 64).decode())) == 64
    for bad in ("abc", "whsec_" + base64.b64encode(b"x" * 23).decode(),
                "whsec_" + base64.b64encode(b"x" * 65).decode(), "whsec_!!!notbase64"):  # fmt: skip
        with pytest.raises(ValidationError) as exc:
            secret_key(bad)
        assert "secret" in exc.value.fields


def test_the_schedule_is_the_specifications_with_jitter():
    assert SCHEDULE == (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
    rng = random.Random(1)
    for attempts in range(1, 10):
        delays = [next_delay(attempts, rng=rng) for _ in range(50)]
        assert all(0.9 * SCHEDULE[attempts] <= d <= 1.1 * SCHEDULE[attempts] for d in delays)
        assert len(set(delays)) > 1  # jittered
    assert next_delay(10) is None  # the tenth attempt was the last


def test_retry_after_is_honoured_in_seconds_or_as_a_date_and_capped():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Mon, 02 Mar 2026 09:10:00 GMT", now) == 600
    assert parse_retry_after("soon", now) is None
    assert next_delay(1, retry_after=120) == 120  # more than the 5 s the schedule says
    assert next_delay(2, retry_after=1) >= 270  # never sooner than the schedule
    assert next_delay(1, retry_after=10**9) == 86400


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.1.2.3", "::1", "10.0.0.5", "172.16.0.1", "172.31.255.255",
     "192.168.1.1", "fc00::1", "fd12:3456::1", "169.254.169.254", "169.254.0.1", "fe80::1",
     "100.64.0.1", "100.127.255.254", "100.100.100.200", "0.0.0.0", "::", "224.0.0.1",
     "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "fd00:ec2::254", "240.0.0.1"],
)  # fmt: skip
def test_the_guard_refuses_every_non_public_range(address):
    assert blocked(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "100.128.0.1"])
def test_the_guard_lets_public_addresses_through(address):
    assert not blocked(address)


def test_urls_must_be_http_without_credentials():
    assert check_url_shape("https://hooks.example.com/x") == ("https", "hooks.example.com", 443)
    bad_urls = (
        "ftp://example.com/", "file:///etc/passwd", "https://user:pw@example.com/",
        "https://user@example.com/", "http:///nohost", "https://example.com:99999/",
    )  # fmt: skip
    for bad in bad_urls:
        with pytest.raises(ValidationError):
            check_url_shape(bad)


def test_literal_private_addresses_are_refused_unless_allowed():
    for url in ("http://127.0.0.1:8080/", "http://[::1]/", "http://169.254.169.254/latest"):
        with pytest.raises(ValidationError):
            validate_url(url, frozenset())
    allowed = parse_allowed_hosts("127.0.0.1:8080, Hooks.Internal")
    assert validate_url("http://127.0.0.1:8080/", allowed)
    with pytest.raises(ValidationError):
        validate_url("http://127.0.0.1:8081/", allowed)  # another port
    assert is_allowed_host("hooks.internal", 443, allowed)
    assert not is_allowed_host("evil.internal", 443, allowed)


def test_old_enough_timestamps_fail_the_verifier():
    secret = new_secret()
    stale = int((datetime.now(UTC) - timedelta(minutes=10)).timestamp())
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, headers([secret], "msg_old", stale, BODY))
