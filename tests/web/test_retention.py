"""Retention: comments older than the survey's retention (or the global RETENTION_MONTHS) are
deleted by the beat task, with their rescue notes and email copies; scores stay, the cells are
recounted; ``flask retention --dry-run`` and the survey's admin page say what would go."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from surveys.kernel.settings import Settings
from surveys.models import OutboxEmail, RescueNote, RescueTask, Response, RollupCell, Survey
from surveys.privacy.retention import months_before, plan
from surveys.reports import counts
from surveys.reports.rollups import refresh_all
from tests.factories.clock import Clock, utc
from tests.factories.rescue import answer, make_task
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_survey
from tests.web.conftest import assert_error
from worker.privacy_tasks import apply_retention_task

NOW = utc(2026, 9, 15, 12, 0)


@pytest.fixture
def clock():
    return Clock(NOW - timedelta(days=300))


def old_and_new(session, settings, clock, survey: Survey) -> dict:
    """A detractor's commented answer ten months ago (a task with a note, a resolution note
    and an email copy) and a commented answer last month; the clock ends at NOW."""
    task = make_task(session, settings, survey=survey, score=2, comment="Old complaint")
    task.resolution_note = "Refunded; they were upset about the old complaint."
    session.add(RescueNote(task_id=task.id, author_kind="system", body="Quoting: Old complaint"))
    session.add(
        OutboxEmail(
            kind="rescue_follow_up",
            rescue_task_id=task.id,
            to_address="old@example.com",
            from_address="k@example.com",
            subject="About your answer",
            text_body="Old complaint",
            html_body="<p>Old complaint</p>",
            message_id=f"<old-{task.id}@kaiku.test>",
            status="sent",
        )
    )
    session.commit()
    clock.set(NOW - timedelta(days=30))
    recent = answer(session, settings, survey, score=9, comment="Recent praise")
    clock.set(NOW)
    return {"task": task, "old": task.response_id, "recent": recent}


def test_months_before_is_calendar_months():
    assert months_before(utc(2026, 3, 31, 8, 0), 1) == utc(2026, 2, 28, 8, 0)
    assert months_before(utc(2026, 1, 15), 13) == utc(2024, 12, 15)


def test_the_dry_run_counts_and_the_task_deletes_only_what_is_old(app, session, settings, clock):
    survey = make_survey(session, "nps", retention_months=6)
    rows = old_and_new(session, settings, clock, survey)

    [dry] = plan(session, NOW, settings.retention_months)

    assert (dry.comments, dry.notes, dry.emails) == (1, 2, 1)
    assert dry.cutoff == utc(2026, 3, 15, 12, 0)
    assert session.get(Response, rows["old"]).comment == "Old complaint"  # a dry run deletes none
    refresh_all(session)

    deleted = apply_retention_task.delay().get()  # eager in tests, as beat sends it

    assert deleted == 4
    session.expire_all()
    old, recent = session.get(Response, rows["old"]), session.get(Response, rows["recent"])
    assert old.comment is None and old.score == 2 and old.category == "detractor"
    assert recent.comment == "Recent praise"
    task = session.get(RescueTask, rows["task"].id)
    assert task.resolution_note is None and task.notes == []
    copies = select(OutboxEmail.id).where(OutboxEmail.rescue_task_id == task.id)
    assert session.scalars(copies).all() == []
    # The comment count changed: the cells are recounted (after the task's commit, or by the
    # sweep), and the rollups then agree with the raw rows.
    refresh_all(session)
    assert session.scalar(select(func.count()).where(RollupCell.stale.is_(True))) == 0
    commented = counts.commented(session, counts.all_time("nps", survey.id))
    assert commented == {9: 1}
    assert [(p.comments, p.notes, p.emails) for p in plan(session, NOW, 0)] == [(0, 0, 0)]


def test_the_global_setting_applies_unless_the_survey_overrides_it(session, settings, clock):
    follows = make_survey(session, "nps", name="Follows global")
    keeps = make_survey(session, "nps", name="Keeps", retention_months=0)
    old_and_new(session, settings, clock, follows)
    clock.set(NOW - timedelta(days=300))
    old_and_new(session, settings, clock, keeps)

    assert plan(session, NOW, 0) == []
    [item] = plan(session, NOW, 12 - 3)  # nine months: the ten-month-old comment goes

    assert item.survey_name == "Follows global" and item.comments == 1


def test_flask_retention_dry_run_says_what_would_go(app, session, settings, clock, monkeypatch):
    survey = make_survey(session, "nps", name="Support NPS", retention_months=6)
    rows = old_and_new(session, settings, clock, survey)
    cli = app.test_cli_runner()

    dry = cli.invoke(args=["retention", "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert "Support NPS" in dry.output and "would delete 1 comments" in dry.output
    assert "older than 2026-03-15" in dry.output
    assert session.get(Response, rows["old"]).comment == "Old complaint"

    done = cli.invoke(args=["retention"])

    assert done.exit_code == 0 and "deleted 1 comments" in done.output
    session.expire_all()
    assert session.get(Response, rows["old"]).comment is None


def test_without_any_retention_the_cli_says_nothing_is_deleted(app):
    result = app.test_cli_runner().invoke(args=["retention", "--dry-run"])

    assert result.exit_code == 0 and "nothing is deleted" in result.output


def test_the_admin_survey_page_shows_the_dry_run(client, session, settings, clock):
    survey = make_survey(session, "nps", retention_months=6)
    old_and_new(session, settings, clock, survey)
    admin = make_staff(session, "admin", email="retention-admin@example.com")
    session.commit()
    sign_in(client, admin)

    html = client.get(f"/admin/surveys/{survey.id}").get_data(as_text=True)

    line = html.split('id="retention-dry-run">', 1)[1].split("</p>", 1)[0]
    assert "would delete 1 comment, 2 rescue notes and 1 email older than 2026-03-15" in line
    assert 'name="retention_months"' in html and 'value="6"' in html


def test_the_admin_form_sets_and_clears_the_retention(client, session, settings):
    survey = make_survey(session, "nps", name="Form NPS")
    admin = make_staff(session, "admin", email="retention-form@example.com")
    session.commit()
    sign_in(client, admin)
    form = {"name": "Form NPS", "recontact_days": 90, "reminder_days": 3, "expire_days": 14}

    saved = client.post(f"/admin/surveys/{survey.id}", data=form | {"retention_months": "18"})
    assert saved.status_code == 303
    session.expire_all()
    assert session.get(Survey, survey.id).retention_months == 18

    client.post(f"/admin/surveys/{survey.id}", data=form | {"retention_months": ""})
    session.expire_all()
    assert session.get(Survey, survey.id).retention_months is None
    refused = client.post(f"/admin/surveys/{survey.id}", data=form | {"retention_months": "999"})
    assert refused.status_code == 422


def test_the_survey_api_reads_and_sets_the_retention(api_client, session):
    survey = make_survey(session, "nps")
    session.commit()

    assert api_client.get(f"/surveys/{survey.id}").get_json()["retention_months"] is None
    set_ = api_client.patch(f"/surveys/{survey.id}", {"retention_months": 24})
    assert set_.status_code == 200 and set_.get_json()["retention_months"] == 24
    cleared = api_client.patch(f"/surveys/{survey.id}", {"retention_months": None})
    assert cleared.get_json()["retention_months"] is None
    error = assert_error(api_client.patch(f"/surveys/{survey.id}", {"retention_months": -1}), 422)
    assert "retention_months" in error["fields"]
    made = api_client.post("/surveys", {"name": "Kept", "kind": "nps", "retention_months": 0})
    assert made.status_code == 201 and made.get_json()["retention_months"] == 0


def test_the_global_setting_is_read_from_the_config(app):
    assert app.config["RETENTION_MONTHS"] == 0  # off by default
    settings = Settings.from_mapping(app.config | {"RETENTION_MONTHS": 18})

    assert settings.retention_months == 18
