"""The dashboard's counts and figures against hand-made answers, worked out by hand."""

from datetime import date

import pytest

from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.reports import counts, dashboard, segments, stats
from tests.factories.clock import utc
from tests.factories.dashboard import place, unanswered
from tests.factories.surveys import make_survey

MARCH = dashboard.Range(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def nps(session):
    return make_survey(session, "nps", name="Product NPS")


def test_counts_only_the_range_and_the_survey(session, settings, nps):
    other = make_survey(session, "nps")
    place(session, settings, nps, 10, utc(2026, 3, 1, 0, 0))
    place(session, settings, nps, 0, utc(2026, 3, 31, 23, 59))
    place(session, settings, nps, 9, utc(2026, 4, 1, 0, 0))  # the day after
    place(session, settings, nps, 9, utc(2026, 2, 28, 23, 59))  # the day before
    place(session, settings, other, 7, utc(2026, 3, 5))
    scope = dashboard.scope(session, MARCH, survey_id=nps.id)

    tally = counts.totals(session, scope)

    assert tally.scores == {10: 1, 0: 1}
    assert tally.categories == {"promoter": 1, "passive": 0, "detractor": 1}
    assert (tally.score_sum, tally.score_squares) == (10, 100)
    # Every NPS survey: the other survey's passive too.
    by_kind = counts.totals(session, dashboard.scope(session, MARCH, kind="nps"))
    assert by_kind.categories == {"promoter": 1, "passive": 1, "detractor": 1}


def test_summary_headline_change_distribution_and_response_rate(session, settings, nps):
    for score in [10] * 6 + [8] * 2 + [3] * 2:  # March: NPS 40 from 10
        place(session, settings, nps, score, utc(2026, 3, 10))
    for score in [10] * 2 + [8] * 4 + [3] * 4:  # February (28 days before): NPS -20
        place(session, settings, nps, score, utc(2026, 2, 10))
    unanswered(session, settings, nps, utc(2026, 3, 11))
    unanswered(session, settings, nps, utc(2026, 3, 12))

    result = dashboard.summary(session, dashboard.scope(session, MARCH, survey_id=nps.id))

    assert result["headline"] == stats.nps(6, 2, 2).as_dict()
    assert result["headline"]["value"] == 40 and result["headline"]["n"] == 10
    assert result["previous"]["value"] == -20
    assert result["change"] == stats.change(stats.nps(6, 2, 2), stats.nps(2, 4, 4)).as_dict()
    assert result["change"]["difference"] == 60
    assert {d["score"]: d["count"] for d in result["distribution"]}[8] == 2
    assert len(result["distribution"]) == 11
    assert result["response_rate"] == {"delivered": 12, "answered": 10, "rate": 100 * 10 / 12}


def test_the_previous_period_has_equal_length():
    scope = counts.Scope("nps", utc(2026, 3, 1), utc(2026, 4, 1))
    assert scope.previous() == counts.Scope("nps", utc(2026, 1, 29), utc(2026, 3, 1))
    assert MARCH.previous() == dashboard.Range(date(2026, 1, 29), date(2026, 2, 28))


def test_trend_by_week_has_every_period_with_its_band(session, settings, nps):
    for _ in range(30):
        place(session, settings, nps, 10, utc(2026, 3, 3))  # Tuesday of the week of 2 March
    place(session, settings, nps, 0, utc(2026, 3, 17))
    scope = dashboard.scope(session, MARCH, survey_id=nps.id)

    points = dashboard.trend(session, scope, "week")

    assert [p["start"] for p in points] == [
        "2026-03-01", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"
    ]  # fmt: skip
    assert points[0]["end"] == "2026-03-01" and points[-1]["end"] == "2026-03-31"
    assert points[1]["n"] == 30 and points[1]["enough"] and points[1]["value"] == 100
    assert points[1]["low"] < 100 == points[1]["high"]
    assert points[3]["n"] == 1 and not points[3]["enough"]
    assert points[2]["n"] == 0 and points[2]["value"] is None


def test_trend_by_month_and_day(session, settings, nps):
    place(session, settings, nps, 9, utc(2026, 1, 31, 23))
    place(session, settings, nps, 9, utc(2026, 2, 1, 0))
    quarter = dashboard.Range(date(2026, 1, 1), date(2026, 3, 31))
    scope = dashboard.scope(session, quarter, survey_id=nps.id)
    months = dashboard.trend(session, scope, "month")
    assert [(p["start"], p["end"], p["n"]) for p in months] == [
        ("2026-01-01", "2026-01-31", 1), ("2026-02-01", "2026-02-28", 1),
        ("2026-03-01", "2026-03-31", 0),
    ]  # fmt: skip
    assert len(dashboard.trend(session, scope, "day")) == 90
    with pytest.raises(ValueError):
        dashboard.trend(session, scope, "year")


def test_breakdown_by_stage_language_and_attribute(session, settings, nps):
    when = utc(2026, 3, 5)
    place(session, settings, nps, 10, when, stage="onboarding", language="fi",
          attributes={"plan": "pro"})  # fmt: skip
    place(session, settings, nps, 10, when, stage="onboarding", language="fi",
          attributes={"plan": "pro"})  # fmt: skip
    place(session, settings, nps, 0, when, stage="active", language="en",
          attributes={"plan": "free"})  # fmt: skip
    place(session, settings, nps, 8, when, stage="active")
    segments.set_segments(session, ["plan"])
    scope = dashboard.scope(session, MARCH, survey_id=nps.id)

    stage = dashboard.breakdown(session, scope, "stage")["items"]
    assert [(i["slice"], i["n"], i["categories"]["promoter"]) for i in stage] == [
        ("active", 2, 0), ("onboarding", 2, 2)
    ]  # fmt: skip
    language = dashboard.breakdown(session, scope, "language")["items"]
    assert [(i["slice"], i["n"]) for i in language] == [("fi", 2), ("en", 1), (None, 1)]
    plan = dashboard.breakdown(session, scope, "attribute:plan")["items"]
    assert [(i["slice"], i["n"]) for i in plan] == [("pro", 2), ("free", 1), (None, 1)]
    assert plan[0]["value"] == 100 and plan[2]["value"] == 0
    with pytest.raises(ValueError, match="not a segment"):
        dashboard.breakdown(session, scope, "attribute:country")
    with pytest.raises(ValueError):
        dashboard.breakdown(session, scope, "colour")
    with pytest.raises(ValueError):
        dashboard.breakdown(session, scope, "attribute:")


def test_agent_leaderboard_ranks_on_the_shrunken_nps(session, settings, nps):
    when = utc(2026, 3, 5)
    for score in [10] * 8 + [3] * 4:
        place(session, settings, nps, score, when, agent="ann@kaiku.example")
    for score in [10] * 5 + [8] * 5 + [3] * 2:
        place(session, settings, nps, score, when, agent="bo@kaiku.example")
    place(session, settings, nps, 10, when, agent="cy@kaiku.example")  # one lucky answer
    place(session, settings, nps, 5, when)  # nobody recorded

    result = dashboard.breakdown(
        session, dashboard.scope(session, MARCH, survey_id=nps.id), "agent"
    )

    expected = stats.leaderboard(
        {
            "ann@kaiku.example": (8, 0, 4),
            "bo@kaiku.example": (5, 5, 2),
            "cy@kaiku.example": (1, 0, 0),
        }  # fmt: skip
    ).as_dict()
    board = result["leaderboard"]
    assert board["ranked"] == expected["ranked"]
    assert [a["agent"] for a in board["too_few"]] == ["cy@kaiku.example"]
    assert board["min_n"] == stats.MIN_AGENT_ANSWERS
    assert [i["slice"] for i in result["items"]][-1] is None


def test_ranges_and_scopes(session):
    today = date(2026, 5, 20)
    assert dashboard.quick_range("7", today) == dashboard.Range(date(2026, 5, 14), today)
    assert dashboard.quick_range("quarter", today) == dashboard.Range(date(2026, 4, 1), today)
    assert dashboard.quick_range("90", today).days == 90
    with pytest.raises(ValueError):
        dashboard.quick_range("45", today)
    with pytest.raises(ValueError):
        dashboard.custom_range(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(NotFoundError):
        dashboard.scope(session, MARCH, survey_id=999999)
    with pytest.raises(ValueError):
        dashboard.scope(session, MARCH, kind="ces2")


def test_segments_are_set_as_a_whole(session):
    assert segments.set_segments(session, [" plan", "country", "", "plan"]) == ["country", "plan"]
    assert segments.set_segments(session, ["industry", "plan"]) == ["industry", "plan"]
    assert segments.segment_names(session) == ["industry", "plan"]
    assert segments.is_segment(session, "plan") and not segments.is_segment(session, "country")
    with pytest.raises(ValidationError):
        segments.set_segments(session, ["x" * 65])
    with pytest.raises(ValidationError):
        segments.set_segments(session, ["a\tb"])
    with pytest.raises(ValidationError):
        segments.set_segments(session, [f"s{i}" for i in range(21)])
    assert segments.segment_names(session) == ["industry", "plan"]
