"""Surveys over the API with their delivery policy and trigger rules."""

from sqlalchemy import func, select

from surveys.models import Survey, TriggerRule
from tests.web.conftest import assert_error

RULE = {
    "event_name": "onboarding_completed",
    "delay_minutes": 4320,
    "filters": [
        {"field": "stage", "op": "one_of", "value": ["onboarding", "active"]},
        {"field": "attributes.mrr", "op": "gte", "value": 100},
    ],
    "channel": "email",
}


def test_a_new_survey_has_the_default_policy_and_no_rules(api_client):
    survey = api_client.post("/surveys", {"name": "NPS", "kind": "nps"}).get_json()
    assert survey["recontact_days"] == 90
    assert survey["reminder_days"] == 3
    assert survey["expire_days"] == 14
    assert survey["quiet_weekends"] is False
    assert survey["trigger_rules"] == []


def test_create_survey_with_policy_and_rules(api_client):
    body = {
        "name": "Onboarding NPS",
        "kind": "nps",
        "recontact_days": 30,
        "reminder_days": None,
        "expire_days": 7,
        "quiet_weekends": True,
        "trigger_rules": [RULE, {"event_name": "renewed", "channel": "link", "active": False}],
    }
    response = api_client.post("/surveys", body)

    assert response.status_code == 201, response.get_json()
    survey = response.get_json()
    assert (survey["recontact_days"], survey["reminder_days"]) == (30, None)
    assert (survey["expire_days"], survey["quiet_weekends"]) == (7, True)
    first, second = survey["trigger_rules"]
    assert {k: first[k] for k in RULE} == RULE and first["active"] is True
    assert (second["event_name"], second["delay_minutes"], second["filters"]) == ("renewed", 0, [])
    assert (second["channel"], second["active"]) == ("link", False)
    assert api_client.get(f"/surveys/{survey['id']}").get_json() == survey
    assert api_client.get("/surveys").get_json()["items"] == [survey]


def test_a_rule_takes_any_name_the_events_api_takes(api_client):
    event = {"customer": {"external_id": "crm-1"}, "name": "plan upgraded"}
    assert api_client.post("/events", event).status_code == 202
    body = {"name": "X", "kind": "nps", "trigger_rules": [RULE | {"event_name": " plan upgraded "}]}
    survey = api_client.post("/surveys", body)
    assert survey.status_code == 201, survey.get_json()
    assert survey.get_json()["trigger_rules"][0]["event_name"] == "plan upgraded"


def test_bad_rule_on_create_names_the_field_and_stores_nothing(api_client, session):
    cases = [
        ({**RULE, "filters": [{"field": "stage", "op": "near", "value": 1}]}, "filters.0.op"),
        ({**RULE, "filters": [{"field": "attributes.mrr", "op": "gt", "value": "x"}]},
         "filters.0.value"),
        ({**RULE, "delay_minutes": -5}, "delay_minutes"),
        ({**RULE, "delay_minutes": 365 * 24 * 60 + 1}, "delay_minutes"),
        ({**RULE, "channel": "sms"}, "channel"),
        ({**RULE, "event_name": "has\ttab"}, "event_name"),
        ({**RULE, "colour": "red"}, "colour"),
        ({"delay_minutes": 5}, "event_name"),
    ]  # fmt: skip
    for rule, field in cases:
        body = {"name": "X", "kind": "nps", "trigger_rules": [RULE, rule]}
        error = assert_error(api_client.post("/surveys", body), 422)
        assert f"trigger_rules.1.{field}" in error["fields"], (rule, error)
    assert session.scalar(select(func.count(Survey.id))) == 0
    assert session.scalar(select(func.count(TriggerRule.id))) == 0


def test_bad_policy_names_the_field(api_client):
    cases = [
        ({"recontact_days": -1}, "recontact_days"),
        ({"expire_days": 0}, "expire_days"),
        ({"expire_days": 400}, "expire_days"),
        ({"reminder_days": 20, "expire_days": 14}, "reminder_days"),
        ({"quiet_weekends": "yes"}, "quiet_weekends"),
        ({"recontact_days": None}, "recontact_days"),
    ]
    for extra, field in cases:
        error = assert_error(api_client.post("/surveys", {"name": "X", "kind": "nps"} | extra), 422)
        assert field in error["fields"], (extra, error)


def test_patch_policy_and_clear_the_reminder(api_client):
    survey = api_client.post("/surveys", {"name": "CSAT", "kind": "csat"}).get_json()
    changed = api_client.patch(
        f"/surveys/{survey['id']}", {"reminder_days": None, "quiet_weekends": True}
    ).get_json()
    assert changed == survey | {"reminder_days": None, "quiet_weekends": True}

    error = assert_error(api_client.patch(f"/surveys/{survey['id']}", {"expire_days": None}), 422)
    assert "expire_days" in error["fields"]
    error = assert_error(
        api_client.patch(f"/surveys/{survey['id']}", {"reminder_days": 5, "expire_days": 5}), 422
    )
    assert "reminder_days" in error["fields"]
    assert api_client.get(f"/surveys/{survey['id']}").get_json() == changed


def test_patch_trigger_rules_replaces_the_set_keeping_ids(api_client):
    survey = api_client.post(
        "/surveys",
        {"name": "NPS", "kind": "nps", "trigger_rules": [RULE, {"event_name": "cancelled"}]},
    ).get_json()
    kept = survey["trigger_rules"][0]

    response = api_client.patch(
        f"/surveys/{survey['id']}",
        {"trigger_rules": [{"id": kept["id"], "delay_minutes": 60}, {"event_name": "renewed"}]},
    )

    assert response.status_code == 200, response.get_json()
    rules = response.get_json()["trigger_rules"]
    assert [r["event_name"] for r in rules] == ["onboarding_completed", "renewed"]
    assert rules[0]["id"] == kept["id"] and rules[0]["delay_minutes"] == 60
    assert rules[0]["filters"] == RULE["filters"]  # fields left out keep their value
    assert "cancelled" not in [r["event_name"] for r in rules]


def test_patch_without_trigger_rules_leaves_them_alone(api_client):
    survey = api_client.post("/surveys", {"name": "NPS", "kind": "nps", "trigger_rules": [RULE]})
    survey = survey.get_json()
    changed = api_client.patch(f"/surveys/{survey['id']}", {"name": "Renamed"}).get_json()
    assert changed["trigger_rules"] == survey["trigger_rules"]


def test_patch_with_a_bad_rule_changes_nothing(api_client):
    survey = api_client.post("/surveys", {"name": "NPS", "kind": "nps", "trigger_rules": [RULE]})
    survey = survey.get_json()
    other = api_client.post("/surveys", {"name": "B", "kind": "nps", "trigger_rules": [RULE]})
    foreign_id = other.get_json()["trigger_rules"][0]["id"]

    for rules, field in [
        ([{"event_name": "ok"}, {"id": foreign_id}], "trigger_rules.1.id"),
        ([{"event_name": "ok", "filters": [{"field": "x", "op": "equals", "value": 1}]}],
         "trigger_rules.0.filters.0.field"),
        (None, "trigger_rules"),
    ]:  # fmt: skip
        body = {"name": "Changed", "trigger_rules": rules}
        error = assert_error(api_client.patch(f"/surveys/{survey['id']}", body), 422)
        assert field in error["fields"], error
    assert api_client.get(f"/surveys/{survey['id']}").get_json() == survey


def test_empty_list_removes_every_rule(api_client):
    survey = api_client.post("/surveys", {"name": "NPS", "kind": "nps", "trigger_rules": [RULE]})
    changed = api_client.patch(f"/surveys/{survey.get_json()['id']}", {"trigger_rules": []})
    assert changed.get_json()["trigger_rules"] == []
