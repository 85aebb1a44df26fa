"""The erasure keeps the figures right: the cells of the erased answers are marked stale, and
once recounted the rollups agree with the raw rows left (scores kept, comments gone)."""

from sqlalchemy import func, select

from surveys.kernel.actor import Actor
from surveys.models import Customer, Response, RollupCell, SegmentAttribute, Survey
from surveys.privacy.erasure import erase_customer
from surveys.reports import counts
from surveys.reports.rollups import refresh_all
from tests.factories.privacy import EXTERNAL_ID, make_person
from tests.factories.rescue import answer


def figures(session, survey: Survey) -> dict:
    """What the dashboard reads (the rollups, once recounted) for the survey, all time."""
    refresh_all(session)
    scope = counts.all_time(survey.kind, survey.id)
    tally = counts.totals(session, scope)
    return {
        "scores": dict(tally.scores),
        "n": tally.n,
        "commented": sum(counts.commented(session, scope).values()),
        "by_stage": {k: v.n for k, v in counts.by_slice(session, scope, "stage").items()},
        "by_plan": {k: v.n for k, v in counts.by_slice(session, scope, "attribute:plan").items()},
    }


def raw(session, survey: Survey) -> dict:
    """The same figures counted from the raw rows."""
    rows = session.execute(
        select(Response.score, Response.comment, Response.stage, Customer.attributes)
        .join(Customer, Customer.id == Response.customer_id)
        .where(Response.survey_id == survey.id)
    ).all()
    scores: dict = {}
    stages: dict = {}
    plans: dict = {}
    for row in rows:
        scores[row.score] = scores.get(row.score, 0) + 1
        stages[row.stage] = stages.get(row.stage, 0) + 1
        plan = row.attributes.get("plan")
        plans[plan] = plans.get(plan, 0) + 1
    return {
        "scores": scores,
        "n": len(rows),
        "commented": sum(1 for row in rows if row.comment is not None),
        "by_stage": stages,
        "by_plan": plans,
    }


def test_erasure_marks_cells_stale_and_the_recount_matches_the_raw_rows(session, settings):
    session.add(SegmentAttribute(name="plan"))
    session.commit()
    person = make_person(session, settings)
    survey = session.get(Survey, person.survey_id)
    answer(session, settings, survey, score=9, comment="Great service", process=True)
    before = figures(session, survey)
    assert before["n"] == 2 and before["commented"] == 2
    assert session.scalar(select(func.count()).where(RollupCell.stale.is_(True))) == 0

    erase_customer(session, EXTERNAL_ID, actor=Actor("staff", None, "admin", "Admin"), secret="s")
    session.commit()

    assert session.scalar(select(RollupCell.stale).where(RollupCell.survey_id == survey.id)), (
        "the erased answer's cell must be recounted"
    )
    after = figures(session, survey)
    counted = raw(session, survey)
    assert after["n"] == before["n"] == counted["n"] == 2  # the score is kept
    assert after["scores"] == before["scores"] == counted["scores"] == {3: 1, 9: 1}
    assert after["by_stage"] == before["by_stage"] == counted["by_stage"]
    assert after["commented"] == counted["commented"] == 1  # its comment is not
    # The attribute slices count attributes as they are now: the erased answer has none.
    assert before["by_plan"] == {"pro": 1, None: 1}
    assert after["by_plan"] == counted["by_plan"] == {None: 2}
