"""Trigger rules: filters on stage and attributes, and events turned into invitations."""

import pytest
from sqlalchemy import func, select

from surveys.delivery.triggers import evaluate_events, rule_matches
from surveys.models import Customer, Invitation
from tests.factories.clock import Clock, utc
from tests.factories.surveys import make_customer, make_survey
from tests.factories.triggers import make_event, make_rule

MONDAY_NOON_UTC = utc(2026, 3, 2, 12, 0)


def customer(stage="active", **attributes) -> Customer:
    return Customer(external_id="c", stage=stage, attributes=attributes)


@pytest.mark.parametrize(
    ("flt", "who", "matches"),
    [
        ({"field": "stage", "op": "equals", "value": "active"}, customer(), True),
        ({"field": "stage", "op": "equals", "value": "loyal"}, customer(), False),
        ({"field": "stage", "op": "one_of", "value": ["loyal", "active"]}, customer(), True),
        ({"field": "stage", "op": "one_of", "value": ["churned"]}, customer(), False),
        ({"field": "attributes.plan", "op": "equals", "value": "pro"}, customer(plan="pro"), True),
        ({"field": "attributes.plan", "op": "equals", "value": "pro"}, customer(), False),
        (
            {"field": "attributes.plan", "op": "one_of", "value": ["pro", "team"]},
            customer(plan="team"),
            True,
        ),
        ({"field": "attributes.plan", "op": "exists", "value": True}, customer(plan="x"), True),
        ({"field": "attributes.plan", "op": "exists", "value": True}, customer(), False),
        ({"field": "attributes.plan", "op": "exists", "value": True}, customer(plan=None), False),
        ({"field": "attributes.plan", "op": "exists", "value": False}, customer(), True),
        ({"field": "attributes.plan", "op": "exists", "value": False}, customer(plan=None), True),
        ({"field": "attributes.plan", "op": "exists", "value": False}, customer(plan=""), False),
        ({"field": "attributes.mrr", "op": "gt", "value": 100}, customer(mrr=150), True),
        ({"field": "attributes.mrr", "op": "gt", "value": 100}, customer(mrr=100), False),
        ({"field": "attributes.mrr", "op": "gte", "value": 100}, customer(mrr=100), True),
        ({"field": "attributes.mrr", "op": "lt", "value": 100}, customer(mrr=99.5), True),
        ({"field": "attributes.mrr", "op": "lte", "value": 100}, customer(mrr=101), False),
        ({"field": "attributes.mrr", "op": "gte", "value": 100}, customer(mrr="250"), True),
        ({"field": "attributes.mrr", "op": "gt", "value": 1}, customer(), False),
        ({"field": "attributes.mrr", "op": "gt", "value": 1}, customer(mrr="lots"), False),
        ({"field": "attributes.mrr", "op": "gt", "value": 0}, customer(mrr=True), False),
        ({"field": "attributes.seats", "op": "equals", "value": 3}, customer(seats=3.0), True),
        ({"field": "attributes.beta", "op": "equals", "value": True}, customer(beta=1), False),
        ({"field": "attributes.beta", "op": "equals", "value": True}, customer(beta=True), True),
        ({"field": "attributes.n", "op": "equals", "value": "3"}, customer(n=3), False),
        ({"field": "email", "op": "equals", "value": "x"}, customer(), False),
        ({"field": "stage", "op": "like", "value": "active"}, customer(), False),
    ],
)
def test_filter(flt, who, matches):
    assert rule_matches([flt], who) is matches


def test_all_filters_must_match_and_none_match_everyone():
    pro_active = customer("active", plan="pro")
    filters = [
        {"field": "stage", "op": "equals", "value": "active"},
        {"field": "attributes.plan", "op": "equals", "value": "pro"},
    ]

    assert rule_matches(filters, pro_active)
    assert not rule_matches(filters, customer("loyal", plan="pro"))
    assert rule_matches([], customer()) and rule_matches(None, customer())


# Evaluation -------------------------------------------------------------------------------------


def invitations(session):
    return session.scalars(select(Invitation).order_by(Invitation.id)).all()


def test_a_matching_rule_schedules_an_invitation_after_its_delay(session, settings):
    Clock(MONDAY_NOON_UTC)
    survey = make_survey(session)
    rule = make_rule(session, survey, "purchase_completed", delay_minutes=90)
    event = make_event(session, make_customer(session), occurred_at=MONDAY_NOON_UTC)

    created = evaluate_events(session, [event], settings)

    assert [i.id for i in created] == [i.id for i in invitations(session)]
    (invitation,) = created
    assert invitation.status == "scheduled" and invitation.reason is None
    assert invitation.scheduled_for == utc(2026, 3, 2, 13, 30)
    assert (invitation.event_id, invitation.trigger_rule_id) == (event.id, rule.id)
    assert invitation.token_nonce and len(invitation.token_hash) == 64
    assert invitation.expires_at == utc(2026, 3, 16, 13, 30)  # expire_days after


def test_only_rules_whose_event_and_filters_match_fire(session, settings):
    survey = make_survey(session)
    make_rule(session, survey, "renewed")
    make_rule(
        session, survey, "purchase_completed",
        filters=[{"field": "attributes.plan", "op": "equals", "value": "pro"}],
    )  # fmt: skip
    make_rule(session, survey, "purchase_completed", active=False)
    paused = make_survey(session, active=False)
    make_rule(session, paused, "purchase_completed")
    basic = make_event(session, make_customer(session, attributes={"plan": "basic"}))
    pro = make_event(session, make_customer(session, attributes={"plan": "pro"}))

    created = evaluate_events(session, [basic, pro], settings)

    assert [(i.customer_id, i.survey_id) for i in created] == [(pro.customer_id, survey.id)]


def test_evaluating_an_event_again_adds_nothing(session, settings):
    make_rule(session, make_survey(session))
    event = make_event(session, make_customer(session))
    first = evaluate_events(session, [event], settings)
    session.commit()

    again = evaluate_events(session, [event], settings)

    assert len(first) == 1 and again == []
    assert session.scalar(select(func.count(Invitation.id))) == 1


def test_an_ineligible_customer_gets_a_skipped_invitation_with_the_reason(session, settings):
    make_rule(session, make_survey(session))
    event = make_event(session, make_customer(session, unsubscribed=True))

    (invitation,) = evaluate_events(session, [event], settings)

    assert (invitation.status, invitation.reason) == ("skipped", "skipped: unsubscribed")
    assert invitation.scheduled_for is None


def test_two_events_in_one_batch_give_one_open_invitation(session, settings):
    survey = make_survey(session)
    make_rule(session, survey)
    person = make_customer(session)
    later = make_event(session, person, occurred_at=utc(2026, 3, 2, 12, 5))
    earlier = make_event(session, person, occurred_at=utc(2026, 3, 2, 12, 0))

    created = evaluate_events(session, [later, earlier], settings)

    by_event = {i.event_id: i for i in created}
    assert by_event[earlier.id].status == "scheduled"
    assert by_event[later.id].status == "skipped"
    assert by_event[later.id].reason.startswith("skipped: open invitation")


def test_two_surveys_on_one_event_respect_the_global_window(session, settings):
    nps, csat = make_survey(session), make_survey(session, "csat")
    make_rule(session, nps)
    make_rule(session, csat)
    event = make_event(session, make_customer(session), occurred_at=MONDAY_NOON_UTC)

    by_survey = {i.survey_id: i for i in evaluate_events(session, [event], settings)}

    first, second = by_survey[nps.id], by_survey[csat.id]
    assert first.status == "scheduled"
    assert second.status == "skipped" and "global 90-day" in second.reason


def test_the_decision_uses_the_customers_stage_after_the_event(session, settings):
    survey = make_survey(session)
    make_rule(
        session, survey, "renewed", filters=[{"field": "stage", "op": "equals", "value": "loyal"}]
    )
    person = make_customer(session, stage="active")
    event = make_event(session, person, "renewed")
    person.stage = "loyal"  # what the stage mapping does before triggers run

    assert len(evaluate_events(session, [event], settings)) == 1
