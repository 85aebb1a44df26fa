"""The rescue report's exact figures, in total, by agent and by survey."""

from datetime import timedelta

import pytest

from surveys.kernel.actor import Actor
from surveys.kernel.errors import ValidationError
from surveys.models import RescueTask
from surveys.rescue.actions import change_status
from surveys.rescue.report import rescue_report
from tests.factories.clock import T0, at
from tests.factories.rescue import answer, task_of
from tests.factories.staff import make_staff
from tests.factories.surveys import make_survey


def test_an_empty_report(session):
    report = rescue_report(session)
    assert report["total"]["opened"] == 0
    assert report["total"]["median_first_contact_hours"] is None
    assert report["total"]["closure_rate_pct"] is None
    assert report["by_agent"] == [] and report["by_survey"] == []


def test_the_figures(session, settings):
    ann = make_staff(session, "agent", email="ann@kaiku.example")
    bo = make_staff(session, "agent", email="bo@kaiku.example")
    session.commit()
    nps, csat = make_survey(session, "nps", name="NPS"), make_survey(session, "csat", name="CSAT")
    at(T0)
    t1 = task_of(session, answer(session, settings, nps, 1))  # ann
    t2 = task_of(session, answer(session, settings, nps, 2))  # bo
    t3 = task_of(session, answer(session, settings, csat, 1))  # ann
    t4 = task_of(session, answer(session, settings, csat, 2))  # bo
    assert (t1.assignee_id, t2.assignee_id, t3.assignee_id, t4.assignee_id) == (
        ann.id,
        bo.id,
        ann.id,
        bo.id,
    )
    # t1: contacted after 2 h (met), resolved; won back later.
    at(T0 + timedelta(hours=2))
    change_status(session, t1, "contacted", actor=Actor.of_staff(ann), settings=settings)
    change_status(
        session,
        t1,
        "resolved",
        actor=Actor.of_staff(ann),
        settings=settings,
        outcome="satisfied",
        note="ok",
    )
    t1.winback = "won_back"
    # t2: contacted after 30 h (breached), resolved; not won back.
    at(T0 + timedelta(hours=30))
    change_status(session, t2, "contacted", actor=Actor.of_staff(bo), settings=settings)
    change_status(
        session,
        t2,
        "resolved",
        actor=Actor.of_staff(bo),
        settings=settings,
        outcome="lost",
        note="gone",
    )
    t2.winback = "not_won_back"
    # t3: never contacted, past due: breached. t4: resolved as not actionable without contact.
    change_status(
        session,
        t4,
        "resolved",
        actor=Actor.of_staff(bo),
        settings=settings,
        outcome="not_actionable",
        note="test answer",
    )
    session.commit()

    report = rescue_report(session)

    total = report["total"]
    assert total["opened"] == 4
    assert total["contacted"] == 2
    assert total["median_first_contact_hours"] == 16.0  # median of 2 h and 30 h
    assert (total["sla_met"], total["sla_breached"]) == (1, 2)  # t1 / t2, t3 (t4 not counted)
    assert total["contacted_within_sla_pct"] == 33.3
    assert total["resolved"] == 3 and total["closure_rate_pct"] == 75.0
    assert (total["won_back"], total["not_won_back"]) == (1, 1)
    assert total["winback_rate_pct"] == 50.0

    by_agent = {row["agent"]: row for row in report["by_agent"]}
    assert by_agent["ann@kaiku.example"]["opened"] == 2
    assert by_agent["ann@kaiku.example"]["median_first_contact_hours"] == 2.0
    assert by_agent["ann@kaiku.example"]["contacted_within_sla_pct"] == 50.0
    assert by_agent["ann@kaiku.example"]["closure_rate_pct"] == 50.0
    assert by_agent["ann@kaiku.example"]["winback_rate_pct"] == 100.0
    assert by_agent["bo@kaiku.example"]["contacted_within_sla_pct"] == 0.0
    assert by_agent["bo@kaiku.example"]["closure_rate_pct"] == 100.0
    assert by_agent["bo@kaiku.example"]["winback_rate_pct"] == 0.0

    by_survey = {row["survey_name"]: row for row in report["by_survey"]}
    assert by_survey["NPS"]["survey"] == nps.id
    assert by_survey["NPS"]["opened"] == 2 and by_survey["NPS"]["winback_rate_pct"] == 50.0
    assert by_survey["CSAT"]["median_first_contact_hours"] is None
    assert by_survey["CSAT"]["closure_rate_pct"] == 50.0


def test_a_task_still_within_its_due_time_is_not_yet_counted_for_the_sla(session, settings):
    at(T0)
    answer(session, settings, score=1)
    at(T0 + timedelta(hours=1))
    total = rescue_report(session)["total"]
    assert (total["sla_met"], total["sla_breached"], total["contacted_within_sla_pct"]) == (
        0,
        0,
        None,
    )


def test_the_period_selects_tasks_by_when_they_were_opened(session, settings):
    at(T0)
    answer(session, settings, score=1)
    at(T0 + timedelta(days=10))
    answer(session, settings, score=1)
    assert rescue_report(session, since=T0 + timedelta(days=1))["total"]["opened"] == 1
    assert rescue_report(session, until=T0 + timedelta(days=1))["total"]["opened"] == 1
    assert rescue_report(session, since=T0, until=T0 + timedelta(days=11))["total"]["opened"] == 2
    unassigned = rescue_report(session)["by_agent"]
    assert unassigned == [unassigned[0]] and unassigned[0]["agent"] is None


def test_a_bad_period_is_refused(session):
    with pytest.raises(ValidationError):
        rescue_report(session, since=T0, until=T0)
    with pytest.raises(ValidationError):
        rescue_report(session, since=T0.replace(tzinfo=None))


def test_report_ignores_nothing_it_should_count(session, settings):
    at(T0)
    answer(session, settings, score=1)
    assert session.query(RescueTask).count() == rescue_report(session)["total"]["opened"]
