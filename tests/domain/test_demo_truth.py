"""The demo tells the truth: everything the seed made is what the product itself could have made,
checked through the product's own rules (eligibility, expiry, stages, rescue history, handlers),
not by reading back what the seed meant to write."""

from collections import defaultdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.demo.seed import seed_demo
from surveys.customers.stages import stage_history
from surveys.delivery.eligibility import SKIP, decide_with, load_histories
from surveys.delivery.handlers import handled_by
from surveys.delivery.scheduling import expiry
from surveys.kernel import clock
from surveys.kernel.aftercommit import pending_messages
from surveys.mail.outbox import DELIVER_BATCH_TASK, DELIVER_TASK
from surveys.models import (
    Customer,
    Event,
    Invitation,
    OutboxEmail,
    Referral,
    RescueTask,
    Response,
)

EVENING = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)


@pytest.fixture
def seeded(session, settings):
    clock.set_source(lambda: EVENING)
    summary = seed_demo(session, settings)
    assert summary.created
    return summary


def test_nobody_was_sent_a_survey_inside_a_recontact_window(session, settings, seeded):
    sent = session.scalars(select(Invitation).where(Invitation.sent_at.is_not(None))).all()

    assert len(sent) >= 50
    for invitation in sent:
        at = invitation.sent_at
        history = load_histories(session, [invitation.customer_id], settings, at=at)
        earlier = [
            past
            for past in history.get(invitation.customer_id, [])
            if past.id != invitation.id and past.asked_at is not None and past.asked_at < at
        ]
        decision = decide_with(
            invitation.customer, invitation.survey, at=at, settings=settings, history=earlier
        )
        assert decision.action != SKIP, (invitation.id, decision.reason)


def test_every_invitation_closes_the_surveys_window_after_it_went_out(session, seeded):
    invitations = session.scalars(select(Invitation)).all()

    sent = [i for i in invitations if i.sent_at is not None]
    assert sent
    for invitation in sent:
        assert invitation.expires_at == expiry(invitation.survey, invitation.sent_at)
    for invitation in invitations:
        if invitation.status == "scheduled":
            assert invitation.expires_at == expiry(invitation.survey, invitation.scheduled_for)
        if invitation.status == "expired":
            assert invitation.expires_at <= clock.now()


def test_stages_follow_conversions_and_win_backs(session, seeded):
    referrals = session.scalars(select(Referral)).all()
    converted = [r for r in referrals if r.conversions]
    referred = defaultdict(int)
    for customer in session.scalars(select(Customer)):
        if (customer.attributes or {}).get("referred_by"):
            referred[customer.attributes["referred_by"]] += 1

    assert converted and sum(r.clicks for r in referrals) > 0
    for referral in converted:
        assert referral.customer.stage == "advocate", referral.customer.external_id
        causes = [change.cause for change in stage_history(session, referral.customer)]
        assert "referral" in causes
        assert referred[referral.code] == referral.conversions  # a friend behind every count
    won_back = session.scalars(select(RescueTask).where(RescueTask.winback == "won_back")).all()
    assert won_back
    for task in won_back:
        assert task.customer.stage != "at_risk"
        assert task.winback_at >= task.resolved_at


def test_each_rescue_tasks_history_matches_its_state(session, seeded):
    tasks = session.scalars(select(RescueTask)).all()
    now = clock.now()

    assert any(t.status == "resolved" for t in tasks) and any(t.escalated_at for t in tasks)
    for task in tasks:
        history = task.history
        actions = [event.action for event in history]
        times = [event.created_at for event in history]
        assert actions[0] == "created" and times[0] == task.created_at, task.id
        assert times == sorted(times) and times[-1] <= now
        assert task.created_at >= task.response.answered_at
        assert task.due_at > task.created_at
        if task.assignee is not None:
            assert "assigned" in actions
        if task.first_contact_at is not None:
            contacts = [
                e
                for e in history
                if e.action == "follow_up"
                or (e.action == "status" and e.detail["to"] == "contacted")
            ]
            assert contacts and contacts[0].created_at == task.first_contact_at
            assert task.sla_met == (task.first_contact_at <= task.due_at)
        if task.status == "resolved":
            (resolved,) = [e for e in history if e.detail.get("to") == "resolved"]
            assert resolved.created_at == task.resolved_at
            assert resolved.detail["outcome"] == task.outcome
            assert resolved.actor_kind == "staff"
        if task.escalated_at is not None:
            assert "escalated" in actions and task.escalated_at > task.due_at
        if task.winback in ("won_back", "not_won_back"):
            assert "winback" in actions
        overdue_unescalated = task.is_overdue(now) and task.escalated_at is None
        assert not overdue_unescalated  # the periodic escalation ran in the past too


def test_handled_by_is_recorded_where_the_data_says_who_handled(session, seeded):
    sent = session.scalars(select(Invitation).where(Invitation.sent_at.is_not(None))).all()
    properties = dict(session.execute(select(Event.id, Event.properties)).all())

    for invitation in sent:
        expected = handled_by(properties.get(invitation.event_id), invitation.customer.attributes)
        assert expected is not None
        assert invitation.handled_by == expected
    for task in session.scalars(select(RescueTask)):
        invitation = session.get(Invitation, task.response.invitation_id)
        assert task.handled_by is not None and task.handled_by == invitation.handled_by


def test_plan_and_monthly_value_agree(session, seeded):
    per_seat = defaultdict(set)
    for customer in session.scalars(select(Customer)):
        attributes = customer.attributes or {}
        plan, seats, mrr = attributes.get("plan"), attributes.get("seats"), attributes.get("mrr")
        assert plan and seats and mrr is not None, customer.external_id
        if plan == "free":
            assert mrr == 0, customer.external_id
        else:
            per_seat[plan].add(mrr / seats)

    (pro,), (business,) = per_seat["pro"], per_seat["business"]  # one price per seat
    assert business > pro > 0


def test_seeding_emails_nobody_about_the_past(session, seeded):
    emails = session.scalars(select(OutboxEmail)).all()
    tasks = {t.id: t for t in session.scalars(select(RescueTask))}

    for email in emails:
        assert email.status == "logged" and email.sent_at < EVENING, email.id
        task = tasks.get(email.rescue_task_id)
        if task is not None:
            assert task.created_at <= email.sent_at <= (task.resolved_at or EVENING)
    assert {e.kind for e in emails} >= {"invitation", "task_assigned", "escalation"}
    # What the commit would send: deliveries of those logged emails only, which do nothing.
    logged = {e.id for e in emails}
    for task_name, args in pending_messages(session):
        if task_name in (DELIVER_TASK, DELIVER_BATCH_TASK):
            ids = args[0] if isinstance(args[0], list) else [args[0]]
            assert set(ids) <= logged


def test_every_answer_was_processed_as_it_came_in(session, seeded):
    responses = session.scalars(select(Response)).all()

    assert len(responses) == len(seeded.response_ids) >= 45
    for response in responses:
        assert response.processed_at is not None
        assert response.answered_at <= response.processed_at < EVENING
