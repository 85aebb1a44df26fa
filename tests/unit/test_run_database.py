"""The suite's own database: without TEST_DATABASE_URL each run has a SQLite file of its own, so
two runs at once (two checkouts) never share one."""

import os
from pathlib import Path

import pytest

from config import TestConfig
from tests.conftest import RUN_DIR


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="TEST_DATABASE_URL is set")
def test_without_a_database_url_the_run_has_a_sqlite_file_in_a_directory_of_its_own(request):
    run_dir = Path(request.config.stash[RUN_DIR])
    assert run_dir.is_dir() and run_dir.name.startswith("kaiku-test-")
    assert TestConfig.SQLALCHEMY_DATABASE_URI == f"sqlite:///{run_dir / 'kaiku.db'}"
