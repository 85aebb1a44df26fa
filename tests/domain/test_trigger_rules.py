"""Trigger rules: filter validation, and the rule services refusing bad input unchanged."""

import pytest
from sqlalchemy import func, select

from surveys.catalog.rules import (
    MAX_DELAY_MINUTES,
    create_rule,
    delete_rule,
    describe_filter,
    get_rule,
    replace_rules,
    update_rule,
    validate_filters,
)
from surveys.customers.events import record_event
from surveys.customers.fields import scalar_from_text
from surveys.delivery.triggers import evaluate_events
from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.models import TriggerRule
from tests.factories.surveys import make_survey


def fields_of(call) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.fields


def test_valid_filters_of_every_operator_are_kept():
    filters = [
        {"field": "stage", "op": "equals", "value": "active"},
        {"field": "stage", "op": "one_of", "value": ["active", "loyal"]},
        {"field": "attributes.plan", "op": "one_of", "value": ["pro", "team"]},
        {"field": "attributes.owner", "op": "exists", "value": True},
        {"field": "attributes.trial", "op": "exists", "value": False},
        {"field": "attributes.mrr", "op": "gte", "value": 100},
        {"field": "attributes.seats", "op": "lt", "value": 2.5},
        {"field": "attributes.vip", "op": "equals", "value": True},
    ]
    assert validate_filters(filters) == filters
    assert validate_filters([]) == []


@pytest.mark.parametrize(
    ("item", "field", "words"),
    [
        ({"field": "plan", "op": "equals", "value": "x"}, "0.field", "attributes.<name>"),
        ({"field": "attributes.", "op": "equals", "value": "x"}, "0.field", "stage"),
        ({"field": "stage", "op": "like", "value": "x"}, "0.op", "one of equals"),
        ({"field": "stage", "op": "equals", "value": "happy"}, "0.value", "lifecycle stage"),
        ({"field": "stage", "op": "one_of", "value": ["active", "x"]}, "0.value", "stage"),
        ({"field": "stage", "op": "gt", "value": 3}, "0.value", "not a number"),
        ({"field": "attributes.mrr", "op": "gt", "value": "100"}, "0.value", "a number"),
        ({"field": "attributes.mrr", "op": "lte", "value": True}, "0.value", "a number"),
        ({"field": "attributes.plan", "op": "one_of", "value": "pro"}, "0.value", "a list"),
        ({"field": "attributes.plan", "op": "one_of", "value": []}, "0.value", "a list"),
        ({"field": "attributes.plan", "op": "exists", "value": "yes"}, "0.value", "true or false"),
        ({"field": "attributes.plan", "op": "equals", "value": {"a": 1}}, "0.value", "string"),
        ({"field": "attributes.plan", "op": "equals"}, "0.value", "required"),
        ({"field": "stage", "op": "equals", "value": "active", "x": 1}, "0.x", "unknown"),
    ],
)
def test_bad_filters_name_the_field_and_say_why(item, field, words):
    fields = fields_of(lambda: validate_filters([item]))
    assert field in fields, fields
    assert words in fields[field]


def test_filters_must_be_a_short_list_of_objects():
    assert "" in fields_of(lambda: validate_filters({"field": "stage"}))
    assert "" in fields_of(lambda: validate_filters([{}] * 21))
    assert "1" in fields_of(lambda: validate_filters([{"field": "stage", "op": "exists",
                                                        "value": True}, "stage"]))  # fmt: skip


def test_create_rule_stores_a_checked_rule(session):
    survey = make_survey(session)
    rule = create_rule(
        session,
        survey,
        event_name="onboarding_completed",
        delay_minutes=3 * 24 * 60,
        filters=[{"field": "stage", "op": "equals", "value": "active"}],
        channel="link",
    )
    assert rule.id and rule.survey_id == survey.id and rule.active
    assert (rule.event_name, rule.delay_minutes, rule.channel) == (
        "onboarding_completed",
        4320,
        "link",
    )
    assert survey.trigger_rules == [rule]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event_name": ""}, "event_name"),
        ({"event_name": "   "}, "event_name"),
        ({"event_name": "two\twords"}, "event_name"),
        ({"event_name": "new\nline"}, "event_name"),
        ({"event_name": "x" * 101}, "event_name"),
        ({"event_name": 7}, "event_name"),
        ({"delay_minutes": -1}, "delay_minutes"),
        ({"delay_minutes": MAX_DELAY_MINUTES + 1}, "delay_minutes"),
        ({"delay_minutes": 1.5}, "delay_minutes"),
        ({"delay_minutes": True}, "delay_minutes"),
        ({"channel": "sms"}, "channel"),
        ({"active": "yes"}, "active"),
        ({"filters": [{"field": "stage", "op": "nope", "value": 1}]}, "filters.0.op"),
    ],
)
def test_bad_rule_values_are_refused_and_nothing_is_stored(session, changes, field):
    survey = make_survey(session)
    values = {"event_name": "renewed", "delay_minutes": 0, "filters": [], "channel": "email"}
    assert field in fields_of(lambda: create_rule(session, survey, **(values | changes)))
    assert session.scalar(select(func.count(TriggerRule.id))) == 0

    rule = create_rule(session, survey, **values)
    assert field in fields_of(lambda: update_rule(session, rule, **changes))
    session.refresh(rule)
    assert (rule.event_name, rule.delay_minutes, rule.channel) == ("renewed", 0, "email")


def test_a_rule_takes_every_event_name_an_event_can_have(session, settings):
    """Events accept names with spaces ("plan upgraded"); a rule on one must be possible, and
    match: both sides go through ``events.check_name`` (surrounding spaces dropped)."""
    survey = make_survey(session)
    rule = create_rule(session, survey, event_name=" plan upgraded ", delay_minutes=0)
    assert rule.event_name == "plan upgraded"
    assert update_rule(session, rule, event_name="Plan upgraded (annual) ✓").event_name == (
        "Plan upgraded (annual) ✓"
    )
    update_rule(session, rule, event_name="plan upgraded")

    event, _ = record_event(
        session, customer={"external_id": "crm-1", "email": "a@example.com"}, name="plan upgraded"
    )
    (invitation,) = evaluate_events(session, [event], settings)
    assert (invitation.trigger_rule_id, invitation.event_id) == (rule.id, event.id)


def test_the_longest_delay_is_365_days(session):
    rule = create_rule(
        session, make_survey(session), event_name="renewal_upcoming", delay_minutes=525600
    )
    assert rule.delay_minutes == 365 * 24 * 60


def test_update_and_delete_rule(session):
    survey = make_survey(session)
    rule = create_rule(session, survey, event_name="signed_up")
    update_rule(session, rule, delay_minutes=60, active=False)
    assert (rule.delay_minutes, rule.active, rule.event_name) == (60, False, "signed_up")
    assert "colour" in fields_of(lambda: update_rule(session, rule, colour="red"))

    assert get_rule(session, survey, rule.id) is rule
    with pytest.raises(NotFoundError):
        get_rule(session, make_survey(session), rule.id)
    delete_rule(session, rule)
    assert survey.trigger_rules == []
    assert session.scalar(select(func.count(TriggerRule.id))) == 0


def test_replace_rules_updates_by_id_adds_new_and_deletes_the_rest(session):
    survey = make_survey(session)
    kept = create_rule(session, survey, event_name="signed_up")
    create_rule(session, survey, event_name="cancelled")

    rules = replace_rules(
        session,
        survey,
        [{"id": kept.id, "delay_minutes": 30}, {"event_name": "renewed", "channel": "link"}],
    )

    assert [r.event_name for r in rules] == ["signed_up", "renewed"]
    assert rules[0] is kept and kept.delay_minutes == 30
    names = session.scalars(select(TriggerRule.event_name).order_by(TriggerRule.event_name))
    assert list(names) == ["renewed", "signed_up"]  # "cancelled" is gone
    assert sorted(r.event_name for r in survey.trigger_rules) == ["renewed", "signed_up"]


def test_replace_rules_checks_everything_before_changing_anything(session):
    survey, other = make_survey(session), make_survey(session)
    rule = create_rule(session, survey, event_name="signed_up")
    foreign = create_rule(session, other, event_name="renewed")

    fields = fields_of(
        lambda: replace_rules(
            session,
            survey,
            [
                {"event_name": "ok"},
                {"delay_minutes": 5},
                {"id": foreign.id},
                {"event_name": "x", "filters": [{"field": "stage", "op": "gt", "value": 1}]},
            ],
        )
    )

    assert fields == {
        "1.event_name": "required",
        "2.id": "not a rule of this survey",
        "3.filters.0.value": "a stage is not a number: use equals or one_of",
    }
    assert [r.id for r in survey.trigger_rules] == [rule.id]
    assert session.scalar(select(func.count(TriggerRule.id))) == 2


def test_text_values_become_numbers_and_booleans_but_codes_stay_text():
    assert scalar_from_text("42") == 42 and scalar_from_text("-3") == -3
    assert scalar_from_text("4.5") == 4.5
    assert scalar_from_text("true") is True and scalar_from_text("false") is False
    assert scalar_from_text("00120") == "00120"
    assert scalar_from_text("pro") == "pro"


def test_filters_read_as_words():
    assert describe_filter({"field": "stage", "op": "one_of", "value": ["active", "loyal"]}) == (
        "stage one of active, loyal"
    )
    assert describe_filter({"field": "attributes.mrr", "op": "gte", "value": 100}) == (
        "attributes.mrr ≥ 100"
    )
    assert describe_filter({"field": "attributes.o", "op": "exists", "value": False}) == (
        "attributes.o is not set"
    )
