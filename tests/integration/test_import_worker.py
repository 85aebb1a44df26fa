"""``flask import-customers`` against a real Celery worker: the import runs on the worker, the
console (a terminal) shows a progress bar that moves batch by batch, then the bad rows with
their line numbers; a re-run of the same file changes nothing."""

import os
import pty
import re
import select
import subprocess
import sys
import time

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select

from surveys.models import Customer, CustomerImport
from tests.live import worker_env
from tests.servers import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.worker]

GOOD = 1000  # five batches of 200


def run_in_terminal(args: list[str], env: dict[str, str], timeout: float = 120) -> tuple[int, str]:
    """Run a command with a pseudo-terminal as its stdout (as a person at a console would), so
    click draws its progress bar; returns the exit status and everything it printed."""
    main, child = pty.openpty()
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env | {"COLUMNS": "120"}, stdin=subprocess.DEVNULL,
        stdout=child, stderr=child,
    )  # fmt: skip
    os.close(child)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                data = os.read(main, 4096)
            except OSError:  # the child closed the terminal
                data = b""
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    else:
        proc.kill()
        pytest.fail("the import command did not finish")
    os.close(main)
    return proc.wait(timeout=10), b"".join(chunks).decode()


def test_cli_import_runs_on_the_worker_with_progress_on_the_console(
    live, live_config, live_worker, session, tmp_path
):
    rows = [f"c{i},c{i}@example.com,Customer {i},en,UTC,active,false,pro\n" for i in range(GOOD)]
    rows.insert(10, "bad1,not-an-email,,,,,,\n")  # line 12
    rows.insert(500, "bad2,b@example.com,,x!,,,,\n")  # line 502
    path = tmp_path / "customers.csv"
    path.write_text(
        "external_id,email,name,locale,timezone,stage,unsubscribed,plan\n" + "".join(rows)
    )
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "import-customers", str(path)]
    env = worker_env(live_config)

    status, output = run_in_terminal(command, env)

    assert status == 1, output  # some rows were refused
    assert f"{GOOD + 2} rows from customers.csv, on the Celery worker at" in output, output
    positions = {int(n) for n in re.findall(rf"\b(\d+)/{GOOD + 2}\b", output)}
    assert GOOD + 2 in positions
    assert len(positions) >= 2, output  # the bar moved while the worker ran
    assert f"Done: {GOOD} created, 0 updated, 0 unchanged, 2 refused." in output
    assert "line 12: email: not an email address" in output
    assert "line 502: locale:" in output
    ran = re.findall(r"kaiku\.import_customers\[[0-9a-f-]+\] succeeded", live_worker.read_text())
    assert ran, "the worker did not run the import"
    assert session.scalar(sql_select(func.count()).select_from(Customer)) == GOOD

    status, again = run_in_terminal(command, env)

    assert status == 1
    assert f"Done: 0 created, 0 updated, {GOOD} unchanged, 2 refused." in again, again
    assert session.scalar(sql_select(func.count()).select_from(Customer)) == GOOD
    assert session.scalar(sql_select(func.count()).select_from(CustomerImport)) == 2
