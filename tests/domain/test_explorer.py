"""The explorer's filters: each one alone, together, and the values it refuses."""

import types
from datetime import timedelta

import pytest

from surveys.kernel.errors import NotFoundError, ValidationError
from surveys.models import RescueTask
from surveys.reports.explorer import filtered_responses, parse_filters
from surveys.reports.explorer_csv import csv_rows
from tests.factories.explorer import DAY, make_response
from tests.factories.surveys import make_survey


def found(session, **args) -> list[int]:
    filters = parse_filters({name.replace("__", "."): str(v) for name, v in args.items()})
    return [r.id for r in session.scalars(filtered_responses(session, filters))]


def task_for(session, response, status):
    task = RescueTask(
        response_id=response.id,
        customer_id=response.customer_id,
        survey_id=response.survey_id,
        status=status,
        due_at=DAY + timedelta(days=1),
    )
    session.add(task)
    session.flush()
    return task


def test_date_range_from_and_to_are_whole_days_and_since_still_works(session, settings):
    early = make_response(session, settings, answered_at=DAY - timedelta(days=3))
    on_day = make_response(session, settings, answered_at=DAY)
    late = make_response(session, settings, answered_at=DAY + timedelta(days=3))
    session.commit()

    assert found(session, **{"from": "2025-03-10", "to": "2025-03-10"}) == [on_day.id]
    assert found(session, **{"from": "2025-03-08"}) == [late.id, on_day.id]
    assert found(session, to="2025-03-09") == [early.id]
    assert found(session, **{"from": "2025-03-10T13:00:00+02:00"}) == [late.id, on_day.id]
    assert found(session, since="2025-03-10T12:00:01+00:00") == [late.id]


def test_survey_and_kind(session, settings):
    nps, csat = make_survey(session, "nps"), make_survey(session, "csat")
    other_nps = make_survey(session, "nps")
    a = make_response(session, settings, nps)
    b = make_response(session, settings, csat, score=5)
    c = make_response(session, settings, other_nps)
    session.commit()

    assert found(session, survey=nps.id) == [a.id]
    assert sorted(found(session, kind="nps")) == sorted([a.id, c.id])
    assert found(session, kind="csat") == [b.id]
    with pytest.raises(NotFoundError):
        found(session, survey=987654)


def test_score_exact_and_range_and_category(session, settings):
    low = make_response(session, settings, score=2, category="detractor")
    mid = make_response(session, settings, score=7, category="passive")
    high = make_response(session, settings, score=10, category="promoter")
    session.commit()

    assert found(session, score=7) == [mid.id]
    assert sorted(found(session, score_min=7)) == sorted([mid.id, high.id])
    assert sorted(found(session, score_max=7)) == sorted([low.id, mid.id])
    assert found(session, score_min=3, score_max=9) == [mid.id]
    assert found(session, category="promoter") == [high.id]


def test_sentiment_labels_mixed_and_not_analysed(session, settings):
    pos = make_response(session, settings, comment="Great", sentiment_label="positive")
    neg = make_response(session, settings, comment="Bad", sentiment_label="negative")
    neu = make_response(session, settings, comment="Ok", sentiment_label="neutral")
    mixed = make_response(
        session, settings, comment="Good but slow", sentiment_label="neutral", sentiment_mixed=True
    )
    unknown = make_response(session, settings, comment="Hea", language="et")
    make_response(session, settings)  # no comment: nothing to analyse
    session.commit()

    assert found(session, sentiment="positive") == [pos.id]
    assert found(session, sentiment="negative") == [neg.id]
    assert sorted(found(session, sentiment="neutral")) == sorted([neu.id, mixed.id])
    assert found(session, sentiment="mixed") == [mixed.id]
    assert found(session, sentiment="not_analysed") == [unknown.id]


def test_theme_stage_channel_language(session, settings):
    a = make_response(session, settings, themes=("price", "support"), stage="at_risk")
    b = make_response(session, settings, themes=("support",), channel="link", language="fi")
    session.commit()

    assert found(session, theme="price") == [a.id]
    assert sorted(found(session, theme="support")) == sorted([a.id, b.id])
    assert found(session, stage="at_risk") == [a.id]
    assert found(session, channel="link") == [b.id]
    assert found(session, language="fi") == [b.id]


def test_customer_attributes_match_their_text_of_any_type(session, settings):
    pro = make_response(
        session, settings, customer={"attributes": {"plan": "pro", "seats": 42, "trial": True}}
    )
    free = make_response(
        session, settings, customer={"attributes": {"plan": "free", "seats": 3, "trial": False}}
    )
    make_response(session, settings)  # no attributes at all
    session.commit()

    assert found(session, attr__plan="pro") == [pro.id]
    assert found(session, attr__seats="3") == [free.id]
    assert found(session, attr__trial="true") == [pro.id]
    assert found(session, attr__trial="false") == [free.id]
    assert found(session, attr__plan="pro", attr__seats="3") == []
    assert found(session, attr__country="FI") == []


def test_rescue_status(session, settings):
    none = make_response(session, settings, score=9)
    open_ = make_response(session, settings, score=2)
    working = make_response(session, settings, score=3)
    resolved = make_response(session, settings, score=1)
    task_for(session, open_, "open")
    task_for(session, working, "contacted")
    task_for(session, resolved, "resolved")
    session.commit()

    assert found(session, rescue="none") == [none.id]
    assert sorted(found(session, rescue="open")) == sorted([open_.id, working.id])
    assert found(session, rescue="resolved") == [resolved.id]
    assert len(found(session, rescue="any")) == 3


def test_search_words_case_insensitively_phrases_and_exclusions(session, settings):
    crash = make_response(session, settings, comment="The app CRASHES on start", language="en")
    slow = make_response(session, settings, comment="Slow app that never crashes", language="en")
    fi = make_response(session, settings, comment="Älytön hinta", language="fi")
    make_response(session, settings)
    session.commit()

    assert sorted(found(session, q="crashes")) == sorted([crash.id, slow.id])
    assert found(session, q="crashes -slow") == [crash.id]
    assert found(session, q='"app crashes"') == [crash.id]
    assert found(session, q="älytön") == [fi.id]


def test_filters_combine(session, settings):
    nps = make_survey(session, "nps")
    match = make_response(
        session, settings, nps, score=2, category="detractor", comment="Support was slow",
        language="en", sentiment_label="negative", themes=("support",), stage="active",
        customer={"attributes": {"plan": "pro"}},
    )  # fmt: skip
    make_response(
        session, settings, nps, score=2, category="detractor", comment="Support was slow",
        language="en", sentiment_label="negative", themes=("support",), stage="active",
        customer={"attributes": {"plan": "free"}},
    )  # fmt: skip
    make_response(session, settings, nps, score=9, comment="Support was slow", language="en")
    task_for(session, match, "open")
    session.commit()

    args = dict(
        survey=nps.id, kind="nps", score_max=6, category="detractor", sentiment="negative",
        theme="support", stage="active", channel="email", language="en", attr__plan="pro",
        rescue="open", q="slow", to="2025-03-11",
    )  # fmt: skip
    assert found(session, **args) == [match.id]


def test_sorts(session, settings):
    a = make_response(session, settings, score=5, answered_at=DAY)
    b = make_response(session, settings, score=9, answered_at=DAY + timedelta(hours=1))
    c = make_response(session, settings, score=1, answered_at=DAY + timedelta(hours=2))
    session.commit()

    assert found(session) == [c.id, b.id, a.id]
    assert found(session, sort="oldest") == [a.id, b.id, c.id]
    assert found(session, sort="score_asc") == [c.id, a.id, b.id]
    assert found(session, sort="score_desc") == [b.id, a.id, c.id]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"sentiment": "angry"}, "sentiment"),
        ({"from": "2025-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2025-03-10T10:00:00"}, "from"),  # no UTC offset
        ({"from": "2025-03-11", "to": "2025-03-10"}, "from"),
        ({"score": "11"}, "score"),
        ({"score": "x"}, "score"),
        ({"score_min": "8", "score_max": "3"}, "score_min"),
        ({"kind": "csi"}, "kind"),
        ({"category": "fan"}, "category"),
        ({"stage": "gone"}, "stage"),
        ({"rescue": "maybe"}, "rescue"),
        ({"sort": "random"}, "sort"),
        ({"survey": "0"}, "survey"),
        ({"attr.pl an": "x"}, "attr.pl an"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_values_are_refused_naming_the_filter(args, field):
    with pytest.raises(ValidationError) as caught:
        parse_filters(args)
    assert field in caught.value.fields


def test_empty_and_unknown_parameters_are_ignored():
    filters = parse_filters({"sentiment": "", "limit": "20", "colour": "red"})
    assert filters.sentiment is None and filters.sort == "newest"


def test_csv_rows_are_streamed_one_batch_at_a_time(session, settings):
    """Memory holds a batch, not the result: the rows come from a generator and the session's
    identity map stays near one batch however many rows have gone by."""
    survey = make_survey(session, "nps")
    for i in range(3000):
        make_response(session, settings, survey, score=i % 11, comment=f"comment {i}")
    session.commit()
    session.expunge_all()

    rows = csv_rows(session, parse_filters({}))
    assert isinstance(rows, types.GeneratorType)
    assert next(rows)[0] == "id"
    seen, largest_map = 0, 0
    for _ in rows:
        seen += 1
        largest_map = max(largest_map, len(session.identity_map))
    assert seen == 3000
    assert largest_map <= 2 * 500 + 1  # a batch's responses and customers, and the survey
