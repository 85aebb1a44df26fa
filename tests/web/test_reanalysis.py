"""Re-tagging through the app: the admin page (roles, CSRF, progress), ``flask reprocess`` and the
sentiment the API and the pages show (mixed, not analysed)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from surveys.answers import processing, reanalysis
from surveys.answers.analysis import Detection
from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel import clock
from surveys.models import ReanalysisRun, RescueTask, Response
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_invitation

OLD = "0+oldtaxonomy"


def processed(session, settings, score, comment):
    new = make_invitation(session, settings)
    response_id = record_answer(session, new.invitation, score, channel="email")
    add_comment(session, new.invitation, comment)
    session.commit()
    process_response(session, response_id, settings)
    session.commit()
    return response_id


def stale(session, settings, n=3) -> list[int]:
    ids = [processed(session, settings, 4, "Support never answered. Awful.") for _ in range(n)]
    session.execute(update(Response).where(Response.id.in_(ids)).values(analysis_version=OLD))
    session.commit()
    return ids


@pytest.fixture
def admin(app, session):
    make_staff(session, "admin")
    session.commit()
    return sign_in(app.test_client(), "admin@example.com")


def test_admin_starts_a_run_and_the_page_shows_its_progress(admin, session, settings):
    ids = stale(session, settings)
    page = admin.get("/admin/reanalysis").get_data(as_text=True)
    assert "3 processed responses tagged by another version" in page
    assert "No re-tagging has run yet." in page

    started = admin.post("/admin/reanalysis", data={})  # eager in tests: it runs at the commit

    assert started.status_code == 303 and started.location.endswith("/admin/reanalysis")
    page = admin.get("/admin/reanalysis").get_data(as_text=True)
    assert "Re-tagging 3 responses on the worker." in page
    assert "Done: 3 responses looked at, 3 re-tagged." in page
    assert "0 processed responses tagged by another version" in page
    status = admin.get("/admin/reanalysis/status").get_json()["run"]
    assert (status["total"], status["done"], status["retagged"]) == (3, 3, 3)
    assert status["finished"] and status["percent"] == 100 and status["rate"] > 0
    assert status["started_at"] and status["finished_at"]
    version = reanalysis.current_version(session)
    assert set(session.scalars(select(Response.analysis_version))) == {version}
    assert session.scalar(select(func.count()).select_from(RescueTask)) == len(ids)


def test_a_run_in_progress_shows_its_counts_and_refreshes(admin, session, settings):
    stale(session, settings, 4)
    reanalysis.start_run(session, batch_size=3, enqueue=False)
    session.commit()
    reanalysis.run_batch(session, 0, enqueue_next=False)
    session.commit()

    page = admin.get("/admin/reanalysis").get_data(as_text=True)
    status = admin.get("/admin/reanalysis/status").get_json()["run"]

    assert "Re-tagging: 3 of 4 responses." in page and "reanalysis.js" in page
    assert 'http-equiv="refresh"' in page  # without script the page refreshes itself
    assert "disabled" in page  # no second start while one runs
    assert (status["status"], status["done"], status["total"], status["percent"]) == (
        "running", 3, 4, 75,
    )  # fmt: skip


def test_starting_while_a_run_runs_starts_no_second(admin, session, settings):
    stale(session, settings)
    first = reanalysis.start_run(session, enqueue=False).run
    session.commit()

    response = admin.post("/admin/reanalysis", data={}, follow_redirects=True)

    assert f"Run {first.id} is already re-tagging" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ReanalysisRun)) == 1


def test_the_form_needs_its_csrf_token(admin, app, session, settings):
    stale(session, settings)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = admin.get("/admin/reanalysis").get_data(as_text=True)
        assert 'name="csrf_token"' in page
        assert admin.post("/admin/reanalysis", data={}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert session.scalars(select(ReanalysisRun)).all() == []


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_only_admins_open_the_page_or_start_a_run(app, client, session, settings, role):
    stale(session, settings)
    make_staff(session, role)
    session.commit()
    for path in ("/admin/reanalysis", "/admin/reanalysis/status"):
        assert client.get(path).status_code == 302  # anonymous: to the sign-in page
    assert client.post("/admin/reanalysis").status_code == 302
    staff = sign_in(app.test_client(), f"{role}@example.com")
    for path in ("/admin/reanalysis", "/admin/reanalysis/status"):
        assert staff.get(path).status_code == 403
    assert staff.post("/admin/reanalysis", data={}).status_code == 403
    assert session.scalars(select(ReanalysisRun)).all() == []


# ---------- flask reprocess ----------


@pytest.fixture
def cli(app, engine):
    return app.test_cli_runner()


def test_reprocess_retags_in_process_with_progress_lines_then_finds_nothing(cli, session, settings):
    stale(session, settings, 5)

    result = cli.invoke(args=["reprocess", "--batch-size", "2"])

    assert result.exit_code == 0, result.output
    assert "re-tagging 5 responses to analysis version" in result.output
    assert "in this process" in result.output  # no worker in the tests
    lines = re.findall(r"(\d+) of 5 responses \((\d+) %\)", result.output)
    assert lines == [("2", "40"), ("4", "80"), ("5", "100")]
    assert "Done: 5 responses looked at, 5 re-tagged" in result.output

    again = cli.invoke(args=["reprocess"])

    assert again.exit_code == 0
    assert "Nothing to re-tag: every response has version" in again.output

    every = cli.invoke(args=["reprocess", "--all", "--eager"])

    assert "Done: 5 responses looked at, 5 re-tagged" in every.output


# ---------- what the API and the pages show ----------


def test_api_sentiment_has_mixed_complaint_and_reason(api_client, session, settings):
    response_id = processed(session, settings, 2, "Support never answered my emails. Awful.")

    body = api_client.get(f"/responses/{response_id}").get_json()

    assert set(body["sentiment"]) == {"polarity", "label", "mixed", "complaint", "reason"}
    assert body["sentiment"]["label"] == "negative" and body["sentiment"]["reason"] is None
    assert body["analysis_version"] == reanalysis.current_version(session)


def test_a_comment_not_analysed_shows_label_null_and_why(
    api_client, admin, session, settings, monkeypatch
):
    monkeypatch.setattr(processing, "identify", lambda text: Detection("et", True))
    response_id = processed(session, settings, 3, "Väga halb teenindus.")
    task = session.scalars(select(RescueTask)).one()

    body = api_client.get(f"/responses/{response_id}").get_json()

    assert body["language"] == "et"
    assert body["sentiment"] == {
        "polarity": None, "label": None, "mixed": False, "complaint": None,
        "reason": "language not analysed: et",
    }  # fmt: skip
    for path in (f"/rescue/{task.id}", "/rescue/", "/"):
        page = admin.get(path).get_data(as_text=True)
        assert re.search(r"[Nn]ot analysed</", page), path
        assert "Language not analysed: et" in page, path


def test_a_mixed_comment_is_marked_mixed_on_the_pages(admin, session, settings):
    response_id = processed(session, settings, 3, "Great app, but it crashes.")
    session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(sentiment_label="positive", sentiment_mixed=True, sentiment_complaint=-0.4)
    )
    session.commit()
    task = session.scalars(select(RescueTask)).one()
    for path in (f"/rescue/{task.id}", "/rescue/", "/"):
        page = admin.get(path).get_data(as_text=True)
        assert re.search(r">[Mm]ixed</", page), path


def test_the_beat_resumes_a_stalled_run_from_its_cursor(app, session, settings):
    from worker.analysis_tasks import resume_stalled_reanalysis

    stale(session, settings, 3)
    run = reanalysis.start_run(session, batch_size=2, enqueue=False).run
    session.commit()
    reanalysis.run_batch(session, 0, enqueue_next=False)  # then the worker died, message lost
    session.commit()
    start = clock.now()
    clock.set_source(lambda: start + reanalysis.STALLED_AFTER + timedelta(seconds=5))

    with app.app_context():
        assert resume_stalled_reanalysis.apply().get() == run.id

    session.expire_all()
    run = session.get(ReanalysisRun, run.id)
    assert (run.status, run.done, run.retagged) == ("done", 3, 3)
