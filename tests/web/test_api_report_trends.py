"""Trend and breakdown over the API: the dashboard service's numbers, rounded; 422s."""

from datetime import UTC, date, datetime

import pytest

from surveys.kernel import clock
from surveys.reports import dashboard, figures
from tests.factories.clock import utc
from tests.factories.dashboard import place
from tests.factories.surveys import make_survey
from tests.web.conftest import assert_error

TODAY = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


@pytest.fixture
def survey(session, settings):
    clock.set_source(lambda: TODAY)
    survey = make_survey(session, "nps", name="Product NPS")
    for score in [10] * 20 + [8] * 6 + [2] * 4:
        place(session, settings, survey, score, utc(2026, 3, 3), agent="ann@kaiku.example")
    for score in (10, 0):
        place(session, settings, survey, score, utc(2026, 3, 17), stage="onboarding")
    session.commit()
    return survey


def test_trend_by_week_matches_the_service(api_client, session, survey):
    response = api_client.get(
        "/reports/trend",
        survey=survey.id,
        period="week",
        **{"from": "2026-03-01", "to": "2026-03-31"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    scope = dashboard.scope(
        session, dashboard.Range(date(2026, 3, 1), date(2026, 3, 31)), survey_id=survey.id
    )
    assert body["points"] == figures.rounded(dashboard.trend(session, scope, "week"))
    assert (body["from"], body["to"], body["period"], body["kind"]) == (
        "2026-03-01", "2026-03-31", "week", "nps"
    )  # fmt: skip
    week = body["points"][1]
    assert week["start"] == "2026-03-02" and week["n"] == 30 and week["enough"] is True
    assert week["value"] == 53.3 and week["low"] < 53.3 < week["high"]
    assert body["points"][3]["n"] == 2 and body["points"][3]["enough"] is False


def test_trend_by_kind_and_slice(api_client, survey):
    body = api_client.get(
        "/reports/trend", kind="nps", period="month", by="stage", range="quarter"
    ).get_json()
    assert body["from"] == "2026-01-01" and body["by"] == "stage"
    assert [(s["slice"], s["n"]) for s in body["series"]] == [("active", 30), ("onboarding", 2)]
    assert [p["n"] for p in body["series"][0]["points"]] == [0, 0, 30]


def test_breakdown_by_agent_has_the_leaderboard(api_client, survey):
    body = api_client.get("/reports/breakdown", survey=survey.id, by="agent", range="30").get_json()
    assert [(i["slice"], i["n"]) for i in body["items"]] == [("ann@kaiku.example", 30), (None, 2)]
    board = body["leaderboard"]
    assert [a["agent"] for a in board["ranked"]] == ["ann@kaiku.example"]
    assert board["ranked"][0]["rank"] == 1 and board["min_n"] == 10
    assert board["team"]["n"] == 30


def test_breakdown_defaults_to_stage_and_the_last_30_days(api_client, survey):
    body = api_client.get("/reports/breakdown", survey=survey.id).get_json()
    assert body["by"] == "stage" and (body["from"], body["to"]) == ("2026-03-02", "2026-03-31")
    assert {i["slice"]: i["n"] for i in body["items"]} == {"active": 30, "onboarding": 2}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "year"}, "period"),
        ({"kind": "eNPS"}, "kind"),
        ({"by": "colour"}, "by"),
        ({"by": "attribute:"}, "by"),
        ({"by": "attribute:plan"}, "by"),  # not a segment
        ({"from": "2026-02-30"}, "from"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
        ({"range": "45"}, "range"),
        ({"survey": "0"}, "survey"),
        ({"survey": "abc"}, "survey"),
    ],
)
@pytest.mark.parametrize("path", ["/reports/trend", "/reports/breakdown"])
def test_bad_values_are_422(api_client, survey, path, params, field):
    query = {"survey": survey.id} | params
    error = assert_error(api_client.get(path, **query), 422, "invalid")
    assert field in error["fields"]


def test_neither_survey_nor_kind_is_422_and_a_survey_wins_over_the_kind(api_client, survey):
    assert "survey" in assert_error(api_client.get("/reports/trend"), 422)["fields"]
    body = api_client.get("/reports/breakdown", survey=survey.id, kind="ces").get_json()
    assert body["kind"] == "nps" and body["survey"] == survey.id


def test_by_day_over_more_than_a_year_is_422(api_client, survey):
    query = {"from": "2025-01-01", "to": "2026-03-31", "period": "day", "survey": survey.id}
    assert "period" in assert_error(api_client.get("/reports/trend", **query), 422)["fields"]
    query["period"] = "month"
    assert len(api_client.get("/reports/trend", **query).get_json()["points"]) == 15


def test_an_unknown_survey_is_404(api_client, survey):
    assert_error(api_client.get("/reports/trend", survey=999999), 404)
