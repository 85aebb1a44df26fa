"""Rollup-backed counts equal the counts of the raw rows, on random answers that then change.

The answers go through the real paths (recording, the pipeline, re-tagging, a customer's new
attributes, a new segment); the expected figures are counted here in Python from the rows
themselves, not by the SQL under test. Each check runs twice: while cells are stale (read
from the raw rows) and after the recount (read from the rollups alone).
"""

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from surveys.answers.processing import process_responses
from surveys.answers.reanalysis import run_batch, start_run
from surveys.answers.recording import add_comment, record_answer
from surveys.customers.records import upsert_customer
from surveys.models import (
    AnswerRollup,
    Customer,
    Invitation,
    Response,
    ResponseTheme,
    RollupCell,
    Survey,
)
from surveys.models.rollups import mark_all_stale
from surveys.reports import counts, rollups, segments
from tests.factories.surveys import make_invitation, make_survey

FIRST = date(2026, 3, 1)
DAYS = 20
COMMENTS = [
    "The price is far too high for what we get.",
    "Support never answered my emails.",
    "Great onboarding, the team was helpful!",
    "Hinta on liian kova ja tuki on hidas.",
    "Todella hyvä palvelu, kiitos!",
    "Priserna är för höga.",
    "Appen kraschar hela tiden.",
    "Slow dashboards, but I love the reports.",
    None,
    None,
]
PLANS = ("free", "pro", "enterprise", None)
AGENTS = ("aino@example.com", "bo@example.com", None)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def midnight(day: date) -> datetime:
    return at(day, 0)


@pytest.fixture
def world(session, settings):
    """Three surveys (two NPS, one CSAT) and 240 invitations, most answered on random days."""
    rng = random.Random(20261201)
    segments.set_segments(session, ["plan"])
    surveys = [
        make_survey(session, "nps"),
        make_survey(session, "nps"),
        make_survey(session, "csat"),
    ]
    invitations, answered = [], []
    for _ in range(240):
        survey = rng.choice(surveys)
        plan = rng.choice(PLANS)
        new = make_invitation(
            session, settings, survey,
            stage=rng.choice(("onboarding", "active", "at_risk")),
            locale=rng.choice(("en", "fi", "sv")),
            attributes={"plan": plan} if plan else {},
        )  # fmt: skip
        invitation = new.invitation
        sent = FIRST + timedelta(days=rng.randrange(DAYS))
        session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id)
            .values(sent_at=at(sent, 8), status="sent", handled_by=rng.choice(AGENTS))
        )
        invitations.append(invitation)
        if rng.random() < 0.8:
            score = rng.randrange(11) if survey.kind == "nps" else rng.randrange(1, 6)
            channel = rng.choice(("email", "link", "embed"))
            identity = "link" if channel != "embed" else rng.choice(("signed", "unverified"))
            response_id = record_answer(
                session, invitation, score, channel=channel, identity=identity
            )
            comment = rng.choice(COMMENTS)
            if comment:
                add_comment(session, invitation, comment)
            answered_day = sent + timedelta(days=rng.randrange(3))
            session.execute(
                update(Response)
                .where(Response.id == response_id)
                .values(answered_at=at(answered_day, rng.randrange(24)))
            )
            answered.append(response_id)
    session.commit()
    process_responses(session, answered, settings)
    session.commit()
    return {"rng": rng, "surveys": surveys, "invitations": invitations}


def expected(session, scope: counts.Scope) -> dict:
    """Every figure counts.* gives for ``scope``, counted here from the rows."""
    session.expire_all()  # the rows as committed, not as this session loaded them
    rows = session.execute(
        select(Response, Invitation.handled_by, Customer.attributes)
        .join(Invitation, Invitation.id == Response.invitation_id)
        .join(Customer, Customer.id == Response.customer_id)
        .where(Response.answered_at >= scope.start, Response.answered_at < scope.end)
    ).all()
    kinds = {s.id: s.kind for s in _surveys(session)}
    rows = [r for r in rows if _in(scope, r[0].survey_id, kinds)]
    themes = defaultdict(list)
    for theme in session.scalars(select(ResponseTheme)):
        themes[theme.response_id].append(theme.theme)
    figures: dict = {
        "totals": Counter(r[0].score for r in rows),
        "commented": Counter(r[0].score for r in rows if r[0].comment),
        "by_day": defaultdict(Counter),
        "slices": {by: defaultdict(Counter) for by in (*counts.DIMENSIONS, "attribute:plan")},
        "mentions": Counter(),
    }
    for response, agent, attributes in rows:
        figures["by_day"][response.answered_at.date()][response.score] += 1
        values = {
            "stage": response.stage, "channel": response.channel,
            "identity": response.identity, "language": response.language, "agent": agent,
            "attribute:plan": (attributes or {}).get("plan"),
        }  # fmt: skip
        for by, value in values.items():
            figures["slices"][by][value][response.score] += 1
        for theme in themes[response.id]:
            key = (theme, response.score, response.sentiment_label, bool(response.sentiment_mixed))
            figures["mentions"][key] += 1
    sent = session.scalars(
        select(Invitation).where(Invitation.sent_at >= scope.start, Invitation.sent_at < scope.end)
    ).all()
    sent = [i for i in sent if _in(scope, i.survey_id, kinds)]
    figures["deliveries"] = counts.Delivery(
        len(sent), sum(1 for i in sent if i.status == "answered")
    )
    return figures


def _surveys(session):
    return session.scalars(select(Survey)).all()


def _in(scope: counts.Scope, survey_id: int, kinds: dict[int, str]) -> bool:
    if scope.survey_id is not None:
        return survey_id == scope.survey_id
    return kinds[survey_id] == scope.kind


def counted(session, scope: counts.Scope) -> dict:
    """The same figures from counts.*."""
    return {
        "totals": Counter(counts.totals(session, scope).scores),
        "commented": Counter(counts.commented(session, scope)),
        "by_day": {d: Counter(t.scores) for d, t in counts.by_day(session, scope).items()},
        "slices": {
            by: {v: Counter(t.scores) for v, t in counts.by_slice(session, scope, by).items()}
            for by in (*counts.DIMENSIONS, "attribute:plan")
        },
        "mentions": Counter(
            {(t, s, label, mixed): n for t, s, label, mixed, n in
             counts.theme_mentions(session, scope)}
        ),
        "deliveries": counts.deliveries(session, scope),
    }  # fmt: skip


def scopes(world) -> list[counts.Scope]:
    """Each survey and each kind over the whole range, and random sub-ranges."""
    rng = world["rng"]
    whole = (midnight(FIRST), midnight(FIRST + timedelta(days=DAYS + 3)))
    result = [counts.Scope(s.kind, *whole, s.id) for s in world["surveys"]]
    result += [counts.Scope(kind, *whole) for kind in ("nps", "csat")]
    for _ in range(6):
        first = FIRST + timedelta(days=rng.randrange(DAYS))
        last = first + timedelta(days=rng.randrange(1, 8))
        survey = rng.choice(world["surveys"])
        result.append(counts.Scope(survey.kind, midnight(first), midnight(last), survey.id))
    return result


def assert_exact(session, world) -> None:
    for scope in scopes(world):
        want, got = expected(session, scope), counted(session, scope)
        assert got["totals"] == want["totals"], scope
        assert got["commented"] == want["commented"], scope
        assert got["by_day"] == {d: c for d, c in want["by_day"].items()}, scope
        for by in want["slices"]:
            assert got["slices"][by] == dict(want["slices"][by]), (scope, by)
        assert got["mentions"] == want["mentions"], scope
        assert got["deliveries"] == want["deliveries"], scope


def stale_cells(session) -> int:
    return session.scalar(select(func.count()).select_from(RollupCell).where(RollupCell.stale))


def recount(session) -> None:
    rollups.refresh_all(session)
    assert stale_cells(session) == 0


def test_rollups_equal_the_raw_rows_before_and_after_changes(session, settings, world):
    assert stale_cells(session) > 0  # the pipeline marked what it counted
    assert_exact(session, world)  # stale cells: read from the raw rows
    recount(session)
    assert session.scalar(select(func.count()).select_from(AnswerRollup)) > 0
    assert_exact(session, world)  # fresh cells: read from the rollups alone

    rng = world["rng"]
    # Answers that change score (and some comments), through the pipeline again.
    changed = []
    for invitation in rng.sample(world["invitations"], 60):
        kind = invitation.survey.kind
        score = rng.randrange(11) if kind == "nps" else rng.randrange(1, 6)
        response_id = record_answer(session, invitation, score, channel="email")
        if rng.random() < 0.5:
            add_comment(session, invitation, rng.choice([c for c in COMMENTS if c]))
        changed.append(response_id)
    session.commit()
    process_responses(session, changed, settings)
    session.commit()
    # Customers whose plan changed (a segment: the slice counts the plan as it is now).
    for customer in rng.sample(session.scalars(select(Customer)).all(), 30):
        upsert_customer(session, customer.external_id, attributes={"plan": rng.choice(PLANS)})
    session.commit()
    assert stale_cells(session) > 0
    assert_exact(session, world)
    recount(session)
    assert_exact(session, world)


def test_retagging_and_a_new_segment_are_counted(session, settings, world):
    recount(session)
    # As an older analysis left them: other labels, no themes; then re-tag every response.
    ids = session.scalars(select(Response.id).where(Response.comment.is_not(None))).all()
    session.execute(
        update(Response)
        .where(Response.id.in_(ids))
        .values(analysis_version="0+old", sentiment_label="neutral", language="xx")
    )
    session.execute(ResponseTheme.__table__.delete())
    mark_all_stale(session)
    session.commit()
    recount(session)
    assert counts.theme_mentions(session, scopes(world)[3]) == []
    run = start_run(session, enqueue=False).run
    session.commit()
    after = run.cursor
    while (batch := run_batch(session, after, enqueue_next=False)) is not None:
        session.commit()
        if batch.finished:
            break
        after = batch.next_after
    session.commit()
    assert stale_cells(session) > 0
    assert_exact(session, world)
    recount(session)
    assert_exact(session, world)
    # A new segment: every cell is recounted, and the slice is right before that too.
    for customer in session.scalars(select(Customer)):
        customer.attributes = {**customer.attributes, "country": customer.locale.upper()}
    segments.set_segments(session, ["plan", "country"])
    session.commit()
    scope = scopes(world)[3]
    want = Counter()
    for response in session.scalars(select(Response).where(Response.survey_id.in_(
        [s.id for s in world["surveys"] if s.kind == "nps"]
    ))):  # fmt: skip
        want[response.customer.locale.upper()] += 1
    stale = {v: t.n for v, t in counts.by_slice(session, scope, "attribute:country").items()}
    recount(session)
    fresh = {v: t.n for v, t in counts.by_slice(session, scope, "attribute:country").items()}
    assert stale == fresh == dict(want)


def test_a_range_must_start_and_end_at_midnight_utc(session):
    scope = counts.Scope("nps", at(FIRST, 12), midnight(FIRST + timedelta(days=1)))
    with pytest.raises(ValueError, match="midnight UTC"):
        counts.totals(session, scope)
