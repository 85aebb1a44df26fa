"""Embed settings: exact origins, no wildcard by accident, triggers checked field by field."""

import pytest

from surveys.embed.origins import clean_origins, normalise_origin, origin_allowed
from surveys.embed.policy import check_changes
from surveys.kernel.errors import ValidationError


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("https://App.Example.com", "https://app.example.com"),
        ("https://app.example.com/", "https://app.example.com"),
        ("https://app.example.com:443", "https://app.example.com"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://127.0.0.2:5001", "http://127.0.0.2:5001"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
    ],
)
def test_origins_are_normalised_as_browsers_send_them(given, origin):
    assert normalise_origin(given) == origin


@pytest.mark.parametrize(
    "given",
    [
        "https://*.example.com",
        "*",
        "app.example.com",
        "ftp://example.com",
        "https://example.com/path",
        "https://example.com?x=1",
        "https://user@example.com",
        "https://example.com:99999",
        "null",
        "",
    ],
)
def test_anything_but_an_exact_origin_is_refused(given):
    with pytest.raises(ValueError):
        normalise_origin(given)


def test_matching_is_exact():
    allowed = clean_origins(["https://example.com", "https://example.com/"])
    assert allowed == ["https://example.com"]
    assert origin_allowed("https://example.com", allowed)
    for other in ("https://evil-example.com", "http://example.com", "https://example.com.evil.io",
                  "https://example.com:8443", "null", None):  # fmt: skip
        assert not origin_allowed(other, allowed)


def test_each_bad_origin_is_named_by_position():
    with pytest.raises(ValidationError) as refused:
        clean_origins(["https://ok.example", "https://*.example", "nope"])
    assert set(refused.value.fields) == {"allowed_origins.1", "allowed_origins.2"}


def test_triggers_are_checked_and_reduced_to_their_fields():
    values = check_changes(
        {
            "triggers": [
                {"type": "load", "extra": 1},
                {"type": "delay", "seconds": 20},
                {"type": "visits", "count": 3},
                {"type": "event", "name": "upgraded"},
                {"type": "url", "pattern": "/billing/*"},
            ]
        }
    )
    assert values["triggers"][0] == {"type": "load"}
    with pytest.raises(ValidationError) as refused:
        check_changes(
            {
                "triggers": [
                    {"type": "delay", "seconds": -1},
                    {"type": "url", "pattern": "x"},
                    {"type": "event"},
                    {"type": "nope"},
                ]
            }  # fmt: skip
        )
    assert set(refused.value.fields) == {
        "triggers.0.seconds", "triggers.1.pattern", "triggers.2.name", "triggers.3.type",
    }  # fmt: skip


def test_mode_days_and_unknown_fields():
    with pytest.raises(ValidationError) as refused:
        check_changes({"mode": "lax", "dismiss_days": 1000, "anonymous": "yes", "colour": 1})
    assert set(refused.value.fields) == {"mode", "dismiss_days", "anonymous", "colour"}
    with pytest.raises(ValidationError):
        check_changes({"triggers": []})
