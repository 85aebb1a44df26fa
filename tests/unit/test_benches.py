"""The benchmarks stay runnable as the code moves: every bench module imports (none runs here)."""

import importlib
from pathlib import Path

import pytest

BENCHES = sorted(p.stem for p in (Path(__file__).parents[2] / "bench").glob("*.py"))


@pytest.mark.parametrize("name", [n for n in BENCHES if n != "__init__"])
def test_every_bench_module_imports(name, monkeypatch):
    # bare_app is a gunicorn app that reads its database from the environment at import.
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://bench@127.0.0.1/none")
    importlib.import_module(f"bench.{name}")


def test_the_analysis_benches_are_among_them():
    # Re-tagging 100,000 responses on the worker, and the analysis per comment per language.
    assert {"retag", "analysis_speed"} <= set(BENCHES)


def test_the_dashboard_bench_is_among_them():
    # The dashboard service's figures from raw rows, p50/p99 per report and size.
    assert "dashboard" in BENCHES


def test_the_speed_bench_comments_are_all_different():
    from bench.analysis_speed import comments

    for language in ("en", "fi"):
        texts = comments(language, 500)
        assert len(set(texts)) > 450
