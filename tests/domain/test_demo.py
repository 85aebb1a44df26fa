"""The demo data: a believable story that, once processed, fills every part of the overview."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.demo.seed import ADMIN_EMAIL, seed_demo
from surveys.answers.processing import process_responses
from surveys.kernel import clock
from surveys.models import (
    OPEN_STATUSES,
    Customer,
    Event,
    Invitation,
    Referral,
    ReferralProgramme,
    RescueTask,
    Response,
    Survey,
    TriggerRule,
)
from surveys.staff.accounts import authenticate


@pytest.fixture
def seeded(session, settings):
    # A winter evening: the newcomer's NPS lands in London's quiet hours whatever the real time,
    # so the demo's "postponed by quiet hours" story holds on every run.
    evening = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
    clock.set_source(lambda: evening)
    summary = seed_demo(session, settings)
    assert summary.created
    session.commit()  # as the CLI does
    # What the worker does with the processing the seed's commit sends (a plain session sends
    # nothing: the test stands in for the worker).
    process_responses(session, list(summary.response_ids), settings)
    session.commit()
    return summary


def test_demo_has_two_surveys_in_three_languages_and_sixty_odd_customers(session, seeded):
    surveys = {s.name: s for s in session.scalars(select(Survey))}

    assert {(s.name, s.kind) for s in surveys.values()} == {
        ("Product NPS", "nps"),
        ("Support CSAT", "csat"),
    }
    for survey in surveys.values():
        assert len({survey.question(code) for code in ("en", "fi", "sv")}) == 3
    locales = session.scalars(select(Customer.locale)).all()
    assert len(locales) == seeded.customers >= 64
    assert {"en", "fi", "sv", "sv-FI"} == set(locales)  # two Swedish-speaking newcomers
    assert all(c.attributes.get("plan") for c in session.scalars(select(Customer)))


def test_detractors_get_rescue_tasks_some_open_and_some_overdue(session, seeded):
    detractors = session.scalars(select(Response).where(Response.category == "detractor")).all()
    tasks = {t.response_id: t for t in session.scalars(select(RescueTask))}

    assert len(detractors) >= 5
    assert all(d.id in tasks for d in detractors)
    open_tasks = [t for t in tasks.values() if t.status != "resolved"]
    now = clock.now()
    assert any(t.is_overdue(now) for t in open_tasks)
    assert any(not t.is_overdue(now) for t in open_tasks)
    assert any(t.priority == "high" for t in open_tasks)  # an angry comment


def test_promoters_get_referrals_in_the_demo_programme(session, seeded):
    programme = session.scalars(select(ReferralProgramme)).one()
    promoters = session.scalars(select(Response).where(Response.category == "promoter")).all()
    referrals = {r.response_id: r for r in session.scalars(select(Referral))}

    assert (programme.name, programme.landing_url) == (
        "Bring a friend",
        "https://example.com/invite",
    )
    praised = [p for p in promoters if p.sentiment_label != "negative"]
    assert len(praised) >= 10
    assert all(p.id in referrals for p in praised)
    assert sum(r.clicks for r in referrals.values()) > 0


def test_answers_spread_over_eight_weeks_with_finnish_and_english_comments(session, seeded):
    responses = session.scalars(select(Response)).all()
    now = clock.now()
    ages = [now - r.answered_at for r in responses]

    assert min(ages) < timedelta(days=1)
    assert timedelta(days=42) < max(ages) <= timedelta(days=57)
    assert {r.language for r in responses if r.comment} == {"en", "fi"}
    assert any(r.comment is None for r in responses)
    assert all(r.processed_at is not None for r in responses)
    assert {r.category for r in responses} >= {"promoter", "passive", "detractor", "satisfied"}


def test_some_invitations_stay_unanswered_and_open(session, seeded):
    unanswered = session.scalars(
        select(Invitation)
        .join(Customer)
        .where(Invitation.status != "answered", Customer.external_id.not_like("demo-new-%"))
    ).all()

    assert len(unanswered) == seeded.invitations - len(seeded.response_ids) >= 5
    still_open = [i for i in unanswered if i.status == "sent"]
    assert len(still_open) >= 5
    assert all(i.expires_at > clock.now() for i in still_open)
    assert all(i.expires_at < clock.now() for i in unanswered if i.status == "expired")


def test_demo_admin_can_sign_in_with_the_returned_password(session, seeded):
    assert seeded.admin_email == ADMIN_EMAIL
    assert authenticate(session, ADMIN_EMAIL, seeded.admin_password) is not None


def test_the_seed_only_adds_and_flushes_the_caller_commits(session, settings):
    summary = seed_demo(session, settings)
    assert summary.created and session.scalar(select(func.count(Survey.id))) == 2

    session.rollback()

    assert session.scalar(select(func.count(Survey.id))) == 0
    assert session.scalar(select(func.count(Customer.id))) == 0


def test_seeding_again_changes_nothing(session, settings, seeded):
    counts = session.scalar(select(func.count(Response.id)))

    again = seed_demo(session, settings)

    assert not again.created and again.admin_password is None
    assert session.scalar(select(func.count(Response.id))) == counts


def test_demo_support_team_signs_in_and_shares_the_rescue_work(session, seeded):
    assert {role for _, role in seeded.staff} == {"agent", "analyst"}
    for email, _ in seeded.staff:
        assert authenticate(session, email, seeded.staff_password) is not None
    open_tasks = session.scalars(select(RescueTask).where(RescueTask.status != "resolved")).all()
    assignees = {t.assignee.email for t in open_tasks if t.assignee is not None}
    assert len(assignees) >= 2  # the least-loaded agent, and account owners


def test_demo_events_trigger_rules_and_schedule_invitations_for_newcomers(session, seeded):
    rules = session.scalars(select(TriggerRule)).all()
    assert {r.event_name for r in rules} >= {"onboarding_completed", "support_ticket_closed"}
    assert session.scalar(select(func.count(Event.id))) > 80
    newcomer = session.scalars(select(Customer).where(Customer.external_id == "demo-new-1")).one()
    triggered = session.scalars(
        select(Invitation).where(Invitation.customer_id == newcomer.id)
    ).all()
    assert triggered and all(i.event_id is not None for i in triggered)
    assert {i.status for i in triggered} <= {"scheduled", "skipped"}
    assert any(i.status == "scheduled" and i.scheduled_for > clock.now() for i in triggered)
    assert all(i.reason for i in triggered)


def test_demo_rescue_report_has_contact_times_sla_and_win_backs(session, seeded):
    from surveys.rescue.report import rescue_report

    total = rescue_report(session)["total"]

    assert total["opened"] >= 5
    assert total["median_first_contact_hours"] is not None
    assert 0 < total["contacted_within_sla_pct"] < 100
    assert total["won_back"] >= 1


def test_the_seed_leaves_one_open_invitation_per_customer_and_survey(session, seeded):
    per_pair = (
        select(func.count(Invitation.id))
        .where(Invitation.status.in_(OPEN_STATUSES))
        .group_by(Invitation.customer_id, Invitation.survey_id)
    )
    assert max(session.scalars(per_pair)) == 1
    # Every invitation of the story is the one it meant, none a skipped duplicate.
    planned = (
        select(Invitation.status).join(Customer).where(Customer.external_id.not_like("demo-new-%"))
    )
    assert "skipped" not in set(session.scalars(planned))
