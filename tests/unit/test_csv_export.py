"""CSV for spreadsheets: formulas neutralised, a BOM for Excel, quoted newlines, streamed."""

import csv
import io
import types

import pytest

from surveys.reports.csv_export import BOM, neutralise, stream_csv


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_dangerous_first_character_gets_a_quote(start):
    value = f'{start}HYPERLINK("http://evil.example")'
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Great app", "a=b", " =1", "", "1+1"])
def test_harmless_text_is_left_alone(value):
    assert neutralise(value) == value


def test_numbers_stay_numbers():
    assert neutralise(-0.4) == -0.4 and neutralise(-3) == -3


def read(chunks) -> tuple[str, list[list[str]]]:
    text = b"".join(chunks).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def test_bom_first_then_header_and_rows_with_names_and_comments_neutralised():
    rows = [
        ["id", "comment", "customer_name", "polarity", "mixed", "stage"],
        [1, "=1+2", "@Admin", -0.5, True, None],
        [2, "Hyvä, mutta\nhidas", "-Minus", 0.2, False, "active"],
    ]
    text, parsed = read(stream_csv(rows))

    assert text.startswith(BOM) and text.count(BOM) == 1
    assert parsed[0] == ["id", "comment", "customer_name", "polarity", "mixed", "stage"]
    assert parsed[1] == ["1", "'=1+2", "'@Admin", "-0.5", "true", ""]
    assert parsed[2] == ["2", "Hyvä, mutta\nhidas", "'-Minus", "0.2", "false", "active"]
    assert '"Hyvä, mutta\nhidas"' in text  # the newline stays inside its quoted cell


def test_rows_are_read_only_as_chunks_are_taken():
    taken = []

    def rows():
        for i in range(1000):
            taken.append(i)
            yield [i, f"comment {i}"]

    chunks = stream_csv(rows(), rows_per_chunk=100)
    assert isinstance(chunks, types.GeneratorType)
    first = next(chunks)
    assert first.startswith(BOM.encode("utf-8"))
    assert len(taken) == 100
    assert len(list(chunks)) == 10  # nine more full chunks and the (empty) tail
    assert len(taken) == 1000
