"""The batch runner of the batched tasks: retries, and one by one when a batch fails."""

import pytest
from sqlalchemy.exc import OperationalError

from worker import batching
from worker.batching import run_batch


@pytest.fixture
def ctx(app, engine):
    with app.app_context():
        yield


def test_a_bad_row_does_not_hold_back_the_rest_of_its_batch(ctx):
    runs = []

    def run(ids):
        runs.append(list(ids))
        if 3 in ids:
            raise ValueError("row 3 is broken")
        return len(ids)

    assert run_batch([1, 2, 3, 4], run, "response") == 3
    assert runs == [[1, 2, 3, 4], [1], [2], [3], [4]]


def test_a_transient_database_error_is_retried_then_raised(ctx, monkeypatch):
    monkeypatch.setattr(batching.time, "sleep", lambda _s: None)
    calls = []

    def flaky(ids):
        calls.append(ids)
        if len(calls) < 3:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return len(ids)

    assert run_batch([1, 2], flaky, "event") == 2 and len(calls) == 3

    def down(ids):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with pytest.raises(OperationalError):
        run_batch([1], down, "event", attempts=2)
