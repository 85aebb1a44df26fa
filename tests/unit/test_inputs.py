"""The rule of the one input check (app/inputs.py): what no database stores or person types."""

import pytest

from app.inputs import TYPED_CONTROLS, storable, text_problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a\x00b", "contains a NUL character"),
        ("a\x1bb", "contains a control character"),
        ("a\x7f", "contains a control character"),
        ("a\tb", "contains a control character"),
        ("\ud800", "is not valid Unicode"),
    ],
)
def test_unstorable_or_untypable_text_is_named(text, problem):
    assert text_problem(text) == problem


@pytest.mark.parametrize("text", ["plain", "Hyvää päivää 😀", "a\u200db", "٥ ５", ""])
def test_any_printable_text_passes(text):
    assert text_problem(text) is None


def test_typed_line_breaks_pass_where_allowed_and_storable_keeps_them():
    assert text_problem("a\r\n\tb", TYPED_CONTROLS) is None
    assert storable("he\x00llo\ud800\r\n\x07world") == "hello\r\nworld"
