"""The weekly digest's task and its place in the beat: Mondays at DIGEST_HOUR (07:00) UTC."""

from datetime import UTC, datetime

from sqlalchemy import select

from surveys.models import OutboxEmail
from tests.factories.clock import at
from tests.factories.staff import make_staff
from worker.report_tasks import send_weekly_digests


def test_the_beat_sends_the_digest_on_monday_mornings_at_seven_utc(app):
    schedule = app.extensions["celery"].conf.beat_schedule["send-weekly-digests"]
    assert schedule["task"] == "kaiku.send_weekly_digests"
    cron = schedule["schedule"]
    assert (cron.day_of_week, cron.hour, cron.minute) == ({1}, {7}, {0})


def test_the_task_queues_one_digest_per_opted_in_member_and_a_rerun_none(app, session):
    make_staff(session, "admin", email="ada@example.com", digest_opt_in=True)
    make_staff(session, "agent", email="aki@example.com")
    session.commit()
    at(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))

    with app.app_context():
        assert send_weekly_digests.apply().get() == 1
        assert send_weekly_digests.apply().get() == 0

    emails = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "weekly_digest")).all()
    assert [e.to_address for e in emails] == ["ada@example.com"]
