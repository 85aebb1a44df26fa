"""The weekly digest: last week's figures against the week before, the rising themes, the open
rescue work, and one email per opted-in staff member and week, however often the beat runs."""

from datetime import timedelta

from sqlalchemy import select

from surveys.models import OutboxEmail, ResponseTheme, WeeklyDigest
from surveys.reports import figures, stats
from surveys.reports.digest import compose_digest, digest_week
from surveys.reports.digest_email import send_weekly_digests
from tests.factories.clock import at, utc
from tests.factories.rescue import answer, make_task
from tests.factories.staff import make_staff
from tests.factories.surveys import make_survey

# A Monday, 07:00 UTC: the beat's moment. Last week is Mon 23 Nov 00:00 .. Mon 30 Nov 00:00.
MONDAY = utc(2026, 11, 30, 7, 0)
LAST_WEEK = utc(2026, 11, 25, 12, 0)
WEEK_BEFORE = utc(2026, 11, 18, 12, 0)


def answers_at(session, settings, survey, moment, scores, comment=None, themes=()):
    at(moment)
    ids = [
        answer(session, settings, survey, score, comment, process=False, name=f"C{i}")
        for i, score in enumerate(scores)
    ]
    for response_id in ids:
        for theme in themes:
            session.add(ResponseTheme(response_id=response_id, theme=theme))
    session.commit()
    return ids


def digests(session):
    return session.scalars(
        select(OutboxEmail).where(OutboxEmail.kind == "weekly_digest").order_by(OutboxEmail.id)
    ).all()


def test_the_digest_week_is_the_last_complete_monday_to_monday_week():
    assert digest_week(MONDAY) == (utc(2026, 11, 23), utc(2026, 11, 30))
    assert digest_week(utc(2026, 12, 2, 18, 30)) == (utc(2026, 11, 23), utc(2026, 11, 30))
    assert digest_week(utc(2026, 11, 29, 23, 59)) == (utc(2026, 11, 16), utc(2026, 11, 23))


def test_each_active_survey_has_last_weeks_headline_with_margin_and_change(session, settings):
    survey = make_survey(session, "nps", name="Support NPS")
    make_survey(session, "nps", name="Paused", active=False)
    session.commit()
    answers_at(session, settings, survey, WEEK_BEFORE, [2] * 20 + [9] * 20)
    answers_at(session, settings, survey, LAST_WEEK, [10] * 30 + [8] * 5 + [3] * 5)
    answers_at(session, settings, survey, MONDAY + timedelta(minutes=1), [0] * 10)  # this week

    digest = compose_digest(session, MONDAY)

    [week] = digest.surveys
    expected = figures.headline("nps", {"promoter": 30, "passive": 5, "detractor": 5})
    before = figures.headline("nps", {"promoter": 20, "passive": 0, "detractor": 20})
    assert week.name == "Support NPS"
    assert week.current == expected and week.current.n == 40
    assert week.previous == before
    assert week.change == stats.change(expected, before)
    assert week.change.difference > 0 and week.change.significant


def test_a_survey_without_answers_says_so_and_has_no_change(session, settings):
    make_survey(session, "csat", name="Quiet CSAT")
    session.commit()

    [week] = compose_digest(session, MONDAY).surveys

    assert week.current.n == 0 and week.current.value is None
    assert week.change.difference is None and not week.change.significant


def test_rising_themes_are_counted_in_last_weeks_comments_against_the_week_before(
    session, settings
):
    survey = make_survey(session, "nps")
    session.commit()
    answers_at(session, settings, survey, WEEK_BEFORE, [8] * 10, "fine", themes=["pricing"])
    answers_at(session, settings, survey, WEEK_BEFORE, [8] * 50, "fine")
    answers_at(session, settings, survey, LAST_WEEK, [3] * 40, "too slow", themes=["speed"])
    answers_at(session, settings, survey, LAST_WEEK, [8] * 20, "fine")

    digest = compose_digest(session, MONDAY)

    assert digest.comments == 60
    assert [t.key for t in digest.rising] == ["speed"]  # pricing fell: not listed
    [speed] = digest.rising
    assert (speed.count, speed.previous_count, speed.significant) == (40, 0, True)


def test_open_rescue_work_counts_open_and_overdue_and_lists_the_five_due_first(session, settings):
    at(LAST_WEEK)
    tasks = [
        make_task(session, settings, due_at=MONDAY + timedelta(hours=hours), name=f"Cust {hours}")
        for hours in (5, -3, 8, -1, 2, 30, 1)
    ]
    tasks[5].status = "resolved"
    session.commit()

    digest = compose_digest(session, MONDAY)

    assert (digest.open_tasks, digest.overdue_tasks) == (6, 2)
    assert [t.customer for t in digest.urgent] == [f"Cust {h}" for h in (-3, -1, 1, 2, 5)]
    assert [t.overdue for t in digest.urgent] == [True, True, False, False, False]


def test_only_active_staff_who_opted_in_get_the_digest_once_a_week(session, settings):
    survey = make_survey(session, "nps", name="Support NPS")
    analyst = make_staff(session, "analyst", email="ann@example.com", digest_opt_in=True)
    agent = make_staff(session, "agent", email="aki@example.com", digest_opt_in=True)
    make_staff(session, "admin", email="ada@example.com")  # not opted in
    make_staff(session, "agent", email="gone@example.com", digest_opt_in=True, active=False)
    session.commit()
    answers_at(session, settings, survey, LAST_WEEK, [10] * 30 + [3] * 10)
    at(LAST_WEEK)
    task = make_task(session, settings, due_at=MONDAY - timedelta(hours=1), name="Late Oy")
    session.commit()

    at(MONDAY)
    first = send_weekly_digests(session, settings, MONDAY)
    session.commit()
    again = send_weekly_digests(session, settings, MONDAY + timedelta(hours=1))  # beat re-run
    session.commit()

    emails = digests(session)
    assert len(first) == 2 and again == []
    assert [e.to_address for e in emails] == [analyst.email, agent.email]
    assert all(e.subject == "Kaiku weekly digest: 23 Nov – 29 Nov 2026" for e in emails)
    to_agent = emails[1].text_body
    assert "Support NPS: NPS 50.0 ± " in to_agent and "n = 40" in to_agent
    assert "1 open, 1 overdue" in to_agent
    assert f"{settings.base_url}/insights/dashboard" in to_agent
    assert f"{settings.base_url}/rescue/{task.id}" in to_agent
    assert f'href="{settings.base_url}/rescue/{task.id}"' in emails[1].html_body
    # Analysts do not work rescue tasks: the work is counted, the task not linked.
    assert f"/rescue/{task.id}" not in emails[0].text_body and "#" in emails[0].text_body
    claims = session.scalars(select(WeeklyDigest).order_by(WeeklyDigest.id)).all()
    assert [(c.staff_user_id, c.outbox_email_id) for c in claims] == [
        (analyst.id, emails[0].id),
        (agent.id, emails[1].id),
    ]

    next_week = MONDAY + timedelta(days=7)
    assert len(send_weekly_digests(session, settings, next_week)) == 2


def test_each_member_reads_the_digest_in_their_own_date_and_number_format(session, settings):
    survey = make_survey(session, "csat", name="Support CSAT")
    make_staff(session, "agent", email="fi@example.com", digest_opt_in=True, format_locale="fi")
    make_staff(session, "agent", email="en@example.com", digest_opt_in=True)
    session.commit()
    answers_at(session, settings, survey, LAST_WEEK, [5] * 20 + [2] * 10)  # CSAT 66.7 %
    at(LAST_WEEK)
    make_task(session, settings, due_at=utc(2026, 12, 1, 14, 5), name="Myöhässä Oy")
    session.commit()

    at(MONDAY)
    send_weekly_digests(session, settings, MONDAY)
    session.commit()

    finnish, english = digests(session)
    assert finnish.subject == "Kaiku weekly digest: 23.11. – 29.11.2026"
    assert "Support CSAT: CSAT 66,7\u00a0% ± " in finnish.text_body
    assert "due 1.12.2026 klo 14.05 UTC" in finnish.text_body
    assert "RESCUE WORK" in finnish.text_body  # the words stay English
    assert english.subject == "Kaiku weekly digest: 23 Nov – 29 Nov 2026"
    assert "Support CSAT: CSAT 66.7\u00a0% ± " in english.text_body
    assert "due 1 Dec 2026, 14:05 UTC" in english.text_body
