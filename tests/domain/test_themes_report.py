"""The themes report against hand-made answers: counts, shares, sentiment, impact, rising themes,
detractors against promoters, and the scope it reads from a query string."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.reports import stats
from surveys.reports.themes_report import parse_scope, themes_report
from tests.factories.explorer import DAY, make_response
from tests.factories.surveys import make_survey

RANGE = {"from": "2025-03-01", "to": "2025-03-31"}


def answer(session, settings, survey, score, themes=(), comment="text", **fields):
    category = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    fields.setdefault("category", category)
    return make_response(
        session, settings, survey, score=score, comment=comment, themes=themes, **fields
    )


def test_mentions_shares_sentiment_and_impact_from_hand_counted_answers(session, settings):
    survey = make_survey(session, "nps")
    # 10 answers, 8 with a comment: 4 promoters, 2 passives, 4 detractors (NPS 0).
    for _ in range(3):
        answer(session, settings, survey, 10, sentiment_label="positive")
    answer(session, settings, survey, 9, comment=None)
    answer(
        session, settings, survey, 8, ("price",), sentiment_label="neutral", sentiment_mixed=True
    )
    answer(session, settings, survey, 7, comment=None)
    for _ in range(3):
        answer(session, settings, survey, 2, ("price", "support"), sentiment_label="negative")
    answer(session, settings, survey, 1, ("support",))  # no sentiment label: not analysed
    other = make_survey(session, "nps")
    answer(session, settings, other, 0, ("price",))  # another survey: not in the report
    answer(session, settings, survey, 0, ("price",), answered_at=DAY + timedelta(days=40))
    session.commit()

    report = themes_report(session, parse_scope(session, {"survey": str(survey.id), **RANGE}))

    assert (report.responses, report.comments) == (10, 8)
    assert report.headline.value == pytest.approx(0.0)
    rows = {row.theme: row for row in report.themes}
    price, support = rows["price"], rows["support"]
    assert (price.mentions, support.mentions) == (4, 4)
    assert price.share_of_comments == pytest.approx(50.0)
    assert price.sentiment == {"positive": 0, "neutral": 1, "negative": 3, "not_analysed": 0}
    assert price.mixed == 1
    assert support.sentiment["not_analysed"] == 1
    # price: with = (0, 1, 3) → −75; without = (4, 1, 1) → +50; impact = 0 − 50 = −50.
    assert price.impact.with_theme.value == pytest.approx(-75.0)
    assert price.impact.without_theme.value == pytest.approx(50.0)
    assert price.impact.impact == pytest.approx(-50.0)
    expected = stats.theme_impact((4, 2, 4), {"price": (0, 1, 3)}, 8)[0]
    assert price.impact.low == pytest.approx(expected.low)
    assert price.impact.enough is False  # 8 comments, under MIN_THEME_COMMENTS
    # support: with = (0, 0, 4) → −100; without = (4, 2, 0) → +66.7: the costliest, first.
    assert [row.theme for row in report.themes] == ["support", "price"]
    # Detractors (4 comments) mention support 4 times; promoters (3 comments) never.
    against = {c.theme: c for c in report.negative_vs_positive}
    assert against["support"].share == pytest.approx(100.0)
    assert against["support"].previous_share == pytest.approx(0.0)
    assert report.negative_vs_positive[0].theme == "support"


def test_rising_against_the_previous_period_of_equal_length(session, settings):
    survey = make_survey(session, "nps")
    now = datetime(2025, 3, 20, 12, tzinfo=UTC)
    before = datetime(2025, 3, 5, 12, tzinfo=UTC)
    for i in range(60):
        answer(session, settings, survey, 3, ("bugs",) if i < 30 else (), answered_at=now)
        answer(
            session,
            settings,
            survey,
            3,
            ("bugs",) if i < 3 else ("price",) if i < 40 else (),
            answered_at=before,
        )
    session.commit()

    scope = parse_scope(
        session, {"survey": str(survey.id), "from": "2025-03-16", "to": "2025-03-29"}
    )
    report = themes_report(session, scope)

    assert scope.previous_start == datetime(2025, 3, 2, tzinfo=UTC)
    assert report.previous_comments == 60
    assert [c.theme for c in report.rising] == ["bugs"]
    bugs = next(row for row in report.themes if row.theme == "bugs")
    assert (bugs.change.share, bugs.change.previous_share) == (
        pytest.approx(50.0),
        pytest.approx(5.0),
    )
    # A theme seen only before is in no row (no mentions now) and not rising.
    assert "price" not in {row.theme for row in report.themes}


def test_csat_has_no_nps_impact_and_sorts_by_mentions(session, settings):
    survey = make_survey(session, "csat")
    make_response(
        session, settings, survey, score=1, category="dissatisfied", comment="x", themes=("price",)
    )
    for _ in range(2):
        make_response(
            session,
            settings,
            survey,
            score=5,
            category="satisfied",
            comment="y",
            themes=("support",),
        )
    session.commit()

    report = themes_report(session, parse_scope(session, {"kind": "csat", **RANGE}))

    assert report.headline is None
    assert [row.theme for row in report.themes] == ["support", "price"]
    assert all(row.impact is None for row in report.themes)
    assert report.negative_vs_positive[0].theme == "price"
    assert report.as_dict()["kind"] == "csat"


def test_scope_defaults_and_refusals(session, settings):
    survey = make_survey(session, "nps")
    session.commit()
    scope = parse_scope(session, {"kind": "nps"})
    assert scope.end - scope.start == timedelta(days=30)
    assert scope.query_args()["kind"] == "nps"
    scoped = parse_scope(session, {"survey": str(survey.id), **RANGE})
    assert scoped.query_args() == {"survey": str(survey.id), **RANGE}

    for args, field in (
        ({}, "survey"),
        ({"kind": "nope"}, "kind"),
        ({"survey": str(survey.id), "kind": "csat"}, "kind"),
        ({"kind": "nps", "from": "2025-03-05", "to": "2025-03-01"}, "from"),
        ({"kind": "nps", "from": "2000-01-01", "to": "2025-03-01"}, "from"),
        ({"kind": "nps", "to": "March"}, "to"),
    ):
        with pytest.raises(ValidationError) as caught:
            parse_scope(session, args)
        assert field in caught.value.fields
    with pytest.raises(NotFoundError):
        parse_scope(session, {"survey": "987654"})


def test_as_many_queries_however_many_themes(session, settings):
    """A few reads per figure group (base, themes, previous period), none per theme: the stale
    cells, their rollups, and the raw rows of the stale ones (all stale here)."""
    survey = make_survey(session, "nps")
    counts = []
    for themes in (("a",), ("b", "c", "d", "e", "f", "g")):
        for theme in themes:
            answer(session, settings, survey, 3, (theme,))
        session.commit()
        scope = parse_scope(session, {"survey": str(survey.id), **RANGE})
        statements = []
        engine = session.get_bind()

        def record(conn, cursor, statement, *args, _seen=statements):
            _seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            themes_report(session, scope)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 16


def test_each_theme_has_its_share_of_comments_per_week(session, settings):
    survey = make_survey(session, "nps")
    monday = datetime(2025, 3, 3, 12, tzinfo=UTC)  # weeks of 3, 10, 17, 24 and 31 March
    # Week 1: 1 of 4 comments mention price; week 2: 3 of 3; week 3: no comments; week 4: 0 of 2.
    for themes in [("price",), (), (), ()]:
        answer(session, settings, survey, 3, themes, answered_at=monday)
    for _ in range(3):
        answer(session, settings, survey, 3, ("price",), answered_at=monday + timedelta(days=8))
    answer(session, settings, survey, 9, comment=None, answered_at=monday + timedelta(days=15))
    for _ in range(2):
        answer(session, settings, survey, 9, ("support",), answered_at=monday + timedelta(21))
    session.commit()

    report = themes_report(session, parse_scope(session, {"survey": str(survey.id), **RANGE}))

    assert report.period == "week"
    # 1 March is a Saturday: its week starts on 24 February.
    assert [d.isoformat() for d in report.periods] == [
        "2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24", "2025-03-31",
    ]  # fmt: skip
    price = {row.theme: row for row in report.themes}["price"]
    assert [(p.mentions, p.comments) for p in price.trend] == [
        (0, 0), (1, 4), (3, 3), (0, 0), (0, 2), (0, 0),
    ]  # fmt: skip
    assert [p.share for p in price.trend] == [None, 25.0, 100.0, None, 0.0, None]
    body = report.as_dict()["themes"]
    assert {t["theme"]: t["trend"][2] for t in body}["price"] == {
        "start": "2025-03-10", "mentions": 3, "comments": 3, "share": 100.0,
    }  # fmt: skip
