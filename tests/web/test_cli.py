"""The CLI: create-admin, create-api-key, seed-demo, and run-demo's in-process scheduler."""

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from surveys.models import ApiKey, Response, StaffUser, Survey
from worker.inprocess import InProcessBeat

PASSWORD = "a long admin password"


@pytest.fixture
def cli(app, engine):
    return app.test_cli_runner()


def test_create_admin_with_password_option_can_sign_in(cli, client):
    result = cli.invoke(args=["create-admin", "Boss@Example.com", "--password", PASSWORD])

    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com" in result.output
    signed_in = client.post("/login", data={"email": "boss@example.com", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200


def test_create_admin_prompts_twice_for_a_hidden_password(cli, session):
    result = cli.invoke(args=["create-admin", "boss@example.com"], input=f"{PASSWORD}\n" * 2)

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert "Repeat for confirmation" in result.output
    user = session.scalars(select(StaffUser)).one()
    assert (user.email, user.role) == ("boss@example.com", "admin")


def test_create_admin_reports_a_short_password_and_a_duplicate(cli, session):
    short = cli.invoke(args=["create-admin", "boss@example.com", "--password", "short"])
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output

    cli.invoke(args=["create-admin", "boss@example.com", "--password", PASSWORD])
    again = cli.invoke(args=["create-admin", "BOSS@example.com", "--password", PASSWORD])
    assert again.exit_code == 1
    assert "exists already" in again.output
    assert session.scalar(select(func.count(StaffUser.id))) == 1


def test_create_api_key_prints_a_working_key_once(app, cli, client, session):
    result = cli.invoke(args=["create-api-key", "CRM sync"])

    assert result.exit_code == 0, result.output
    assert "not shown again" in result.output
    raw = re.search(r"^\s+(\S+)$", result.output, re.MULTILINE).group(1)
    key = session.scalars(select(ApiKey)).one()
    assert key.name == "CRM sync"
    assert raw not in (key.key_hash, key.prefix)  # only a hash is stored
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    if "/api/v1/surveys" in routes:
        assert client.get("/api/v1/surveys").status_code == 401
        headers = {"Authorization": f"Bearer {raw}"}
        assert client.get("/api/v1/surveys", headers=headers).status_code == 200


def test_seed_demo_twice_seeds_once(cli, session):
    first = cli.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Admin login: admin@kaiku.example / " in first.output
    assert re.search(r"\d+ responses \(processed as they came in\)", first.output)
    assert "nothing was added" not in first.output
    responses = session.scalar(select(func.count(Response.id)))

    second = cli.invoke(args=["seed-demo"])

    assert second.exit_code == 0, second.output
    assert second.output.strip() == (
        "The demo data is there already (seeded earlier); nothing was added."
    )
    assert session.scalar(select(func.count(Survey.id))) == 2
    assert session.scalar(select(func.count(Response.id))) == responses > 30


def test_the_demo_script_seeds_once_through_run_demo():
    """scripts/demo used to run seed-demo and then run-demo, whose own seeding then said "the
    demo data exists already" right under "Seeded ...": the console contradicted itself."""
    from pathlib import Path

    script = (Path(__file__).parents[2] / "scripts" / "demo").read_text()
    commands = [
        line.removeprefix("exec ") for line in script.splitlines() if ".venv/bin/flask" in line
    ]

    assert commands[-1].startswith(".venv/bin/flask run-demo")
    assert not any("seed-demo" in line for line in commands)


def test_seeded_admin_password_signs_in(cli, client):
    output = cli.invoke(args=["seed-demo"]).output
    password = re.search(r"Admin login: admin@kaiku.example / (\S+)", output).group(1)

    client.post("/login", data={"email": "admin@kaiku.example", "password": password})
    body = client.get("/").get_data(as_text=True)

    assert "Product NPS" in body and "Support CSAT" in body


def test_in_process_beat_runs_each_periodic_task_at_its_interval(app):
    celery_app = app.extensions["celery"]
    calls = []
    saved = celery_app.conf.beat_schedule
    celery_app.conf.beat_schedule = {
        "probe": {"task": "tests.beat_probe", "schedule": timedelta(seconds=0.1)},
    }

    @celery_app.task(name="tests.beat_probe")
    def beat_probe():
        from flask import current_app

        calls.append(current_app.name)  # runs inside the app context

    try:
        beat = InProcessBeat(app, celery_app)
        assert beat.run_pending() <= 0.1  # nothing due at start: the first run is one interval on
        assert calls == []
        beat.start()
        deadline = time.monotonic() + 5
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        beat.stop()
    finally:
        celery_app.conf.beat_schedule = saved

    assert calls[:2] == [app.name, app.name]


@pytest.fixture
def served(monkeypatch):
    """run-demo without a real server: records run_simple's arguments instead of serving."""
    calls = []
    monkeypatch.setattr(
        "werkzeug.serving.run_simple", lambda *args, **kwargs: calls.append((args, kwargs))
    )
    return calls


def test_run_demo_without_redis_processes_in_process_and_serves(app, cli, session, served):
    celery_app = app.extensions["celery"]
    eager = celery_app.conf.task_always_eager
    app.config["REDIS_URL"], saved_url = "redis://127.0.0.1:1/0", app.config["REDIS_URL"]
    try:
        result = cli.invoke(args=["run-demo", "--port", "5099"])
    finally:
        app.config["REDIS_URL"] = saved_url
        celery_app.conf.task_always_eager = eager

    assert result.exit_code == 0, result.output
    assert "Processing: in-process (Redis not reachable at redis://127.0.0.1:1/0)" in result.output
    assert re.search(r"Sign in as admin@kaiku.example / \S+", result.output)
    # One story on the console: seeded now, never also "there already".
    assert result.output.count("Seeded 2 surveys") == 1
    assert "nothing was added" not in result.output
    assert "http://127.0.0.1:5099/" in result.output
    ((args, kwargs),) = served
    assert args[:3] == ("127.0.0.1", 5099, app)
    assert kwargs == {"threaded": True, "use_reloader": False}
    unprocessed = select(func.count(Response.id)).where(Response.processed_at.is_(None))
    assert session.scalar(unprocessed) == 0
    assert not any(t.name == "kaiku-inprocess-beat" for t in threading.enumerate())


def test_run_demo_with_redis_starts_a_worker_with_beat_and_stops_it(app, cli, monkeypatch, served):
    started, enqueued = [], []

    class FakeWorker:
        def __init__(self, args, **kwargs):
            started.append((args, self))
            self.returncode = None

        def poll(self):
            return self.returncode

        def terminate(self):
            self.returncode = -15

        def wait(self, timeout=None):
            return self.returncode

    monkeypatch.setattr("subprocess.Popen", FakeWorker)
    monkeypatch.setattr("app.cli.demo.redis_answers", lambda url, timeout=0.5: True)
    celery_app = app.extensions["celery"]
    monkeypatch.setattr(celery_app, "send_task", lambda name, args, **_: enqueued.append(name))
    eager = celery_app.conf.task_always_eager
    try:
        result = cli.invoke(args=["run-demo"])
        sent_to_broker = not celery_app.conf.task_always_eager
    finally:
        celery_app.conf.task_always_eager = eager

    assert result.exit_code == 0, result.output
    assert "Processing: Celery worker + beat on redis://" in result.output
    ((command, worker),) = started
    assert command[1:7] == ["-m", "celery", "-A", "worker", "worker", "-B"]
    assert command[command.index("--schedule") + 1].endswith("instance/celerybeat-schedule")
    # the seeded answers wait for the worker
    assert sent_to_broker and enqueued.count("kaiku.process_response") > 30
    assert served
    assert worker.returncode == -15  # terminated when the server stopped
