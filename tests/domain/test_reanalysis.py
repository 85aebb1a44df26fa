"""Re-tagging history: only stale responses, in batches from a cursor, once, only the tags."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys.answers import reanalysis, retagging
from surveys.answers.processing import process_response
from surveys.answers.reanalysis import REANALYSE_TASK, run_batch, start_run
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel import clock
from surveys.kernel.actor import Actor
from surveys.kernel.aftercommit import pending_messages
from surveys.kernel.errors import ForbiddenError
from surveys.models import ReanalysisRun, Referral, RescueTask, Response, ResponseTheme
from surveys.models.rollups import REFRESH_TASK
from tests.factories.surveys import make_invitation, make_programme

OLD = "0+oldtaxonomy"


def processed(session, settings, score, comment):
    new = make_invitation(session, settings)
    response_id = record_answer(session, new.invitation, score, channel="email")
    add_comment(session, new.invitation, comment)
    session.commit()
    process_response(session, response_id, settings)
    session.commit()
    return response_id


def tagged_by_an_old_analysis(session, *ids):
    """As an older method would have left them: another version, other tags, no themes."""
    session.execute(
        update(Response)
        .where(Response.id.in_(ids))
        .values(analysis_version=OLD, sentiment_label="neutral", sentiment_polarity=0.0)
    )
    session.execute(ResponseTheme.__table__.delete().where(ResponseTheme.response_id.in_(ids)))
    session.commit()


def run_to_the_end(session, started) -> list:
    batches = []
    after = started.run.cursor
    while True:
        batch = run_batch(session, after, enqueue_next=False)
        session.commit()
        if batch is None:
            return batches
        batches.append(batch)
        if batch.finished:
            return batches
        after = batch.next_after


def test_run_retags_only_stale_responses_and_records_the_current_version(session, settings):
    stale = processed(session, settings, 2, "Support never answered my emails. Awful.")
    current = processed(session, settings, 9, "Great product, fast delivery!")
    tagged_by_an_old_analysis(session, stale)
    session.execute(update(Response).where(Response.id == current).values(sentiment_label="x"))
    session.commit()

    started = start_run(session)
    session.commit()
    assert started.new and started.run.total == 1
    run_to_the_end(session, started)

    version = reanalysis.current_version(session)
    again = session.get(Response, stale, populate_existing=True)
    assert again.analysis_version == version
    assert again.sentiment_label == "negative" and again.sentiment_polarity < 0
    assert "support" in again.theme_names
    untouched = session.get(Response, current, populate_existing=True)
    assert untouched.sentiment_label == "x"  # current already: not looked at
    run = session.get(ReanalysisRun, started.run.id, populate_existing=True)
    assert (run.status, run.total, run.done, run.retagged) == ("done", 1, 1, 1)
    assert run.finished_at is not None


def test_a_second_run_right_after_finds_nothing(session, settings):
    tagged_by_an_old_analysis(session, processed(session, settings, 3, "Slow and buggy."))
    run_to_the_end(session, start_run(session))

    second = start_run(session)
    session.commit()

    assert second.new and second.run.status == "done" and second.run.total == 0
    assert pending_messages(session) == []


def test_all_retags_every_processed_response(session, settings):
    ids = [processed(session, settings, 8, "Works nicely.") for _ in range(3)]
    started = start_run(session, all_responses=True)
    session.commit()
    run_to_the_end(session, started)
    run = session.get(ReanalysisRun, started.run.id, populate_existing=True)
    assert (run.total, run.retagged) == (len(ids), len(ids))


def test_batches_resume_from_the_cursor_and_a_duplicate_message_does_nothing(session, settings):
    ids = [processed(session, settings, 7, "Okay I guess, a bit slow.") for _ in range(5)]
    tagged_by_an_old_analysis(session, *ids)
    started = start_run(session, batch_size=2)
    session.commit()
    assert pending_messages(session) == []  # sent by that commit: (REANALYSE_TASK, (0,))

    first = run_batch(session, 0)
    messages = pending_messages(session)
    # The next batch, after the commit; and the recount of the re-tagged answers' rollup cells.
    assert [m for m in messages if m[0] != REFRESH_TASK] == [(REANALYSE_TASK, (ids[1],))]
    assert REFRESH_TASK in {name for name, _ in messages}
    session.commit()
    assert (first.looked_at, first.next_after) == (2, ids[1])

    assert run_batch(session, 0) is None  # the first message again: its batch is done
    session.rollback()
    # A restart: a new process (a new session) picks the run up at its cursor.
    with Session(bind=session.get_bind()) as restarted:
        run = reanalysis.running_run(restarted)
        assert run.cursor == ids[1] and run.done == 2
        rest = run_to_the_end(restarted, reanalysis.Started(run, False))
    assert [b.looked_at for b in rest] == [2, 1]
    versions = set(session.scalars(select(Response.analysis_version)))
    assert versions == {reanalysis.current_version(session)}
    run = session.get(ReanalysisRun, started.run.id, populate_existing=True)
    assert (run.status, run.done, run.retagged) == ("done", 5, 5)


def test_retagging_never_touches_rescue_tasks_referrals_or_what_the_pipeline_decided(
    session, settings
):
    make_programme(session)
    detractor = processed(session, settings, 1, "Terrible. Support hung up on me.")
    promoter = processed(session, settings, 10, "Love it!")
    task = session.scalars(select(RescueTask)).one()
    session.execute(update(RescueTask).values(status="resolved", outcome="satisfied"))
    session.execute(Referral.__table__.delete())  # as if the promoter's code had been removed
    tagged_by_an_old_analysis(session, detractor, promoter)
    before = {
        r.id: (r.category, r.processed_at, r.stage, r.revision)
        for r in session.scalars(select(Response))
    }

    run_to_the_end(session, start_run(session, all_responses=True))

    session.expire_all()
    assert session.scalars(select(RescueTask)).one().id == task.id
    assert session.get(RescueTask, task.id).status == "resolved"  # not reopened
    assert session.scalar(select(func.count()).select_from(Referral)) == 0  # none made
    after = {
        r.id: (r.category, r.processed_at, r.stage, r.revision)
        for r in session.scalars(select(Response))
    }
    assert after == before
    assert session.get(Response, detractor).sentiment_label == "negative"  # but re-tagged


def test_a_response_changed_meanwhile_is_left_to_the_pipeline(session, settings, monkeypatch):
    if session.get_bind().dialect.name == "sqlite":
        pytest.skip("on SQLite the batch's first write locks the database: no change meanwhile")
    response_id = processed(session, settings, 9, "Nice")
    tagged_by_an_old_analysis(session, response_id)
    started = start_run(session)
    session.commit()
    tag = retagging.tag_comment

    def customer_changes_their_answer(comment, locale, taxonomy):
        with Session(bind=session.get_bind()) as other:  # as recording.py does it
            other.execute(
                update(Response)
                .where(Response.id == response_id)
                .values(score=2, revision=Response.revision + 1, processed_at=None)
            )
            other.commit()
        return tag(comment, locale, taxonomy)

    monkeypatch.setattr(retagging, "tag_comment", customer_changes_their_answer)
    batch = run_batch(session, started.run.cursor)
    session.commit()

    assert (batch.looked_at, batch.retagged) == (1, 0)
    response = session.get(Response, response_id, populate_existing=True)
    assert response.analysis_version == OLD and response.processed_at is None  # the pipeline's


def test_one_run_at_a_time(session, settings):
    tagged_by_an_old_analysis(session, processed(session, settings, 3, "Slow."))
    first = start_run(session)
    session.commit()

    second = start_run(session)

    assert not second.new and second.run.id == first.run.id
    session.add(ReanalysisRun(status="running", target_version="x"))
    with pytest.raises(IntegrityError):  # the partial unique index holds it for every path
        session.flush()
    session.rollback()


def test_a_stalled_run_is_sent_again_from_its_cursor(session, settings):
    tagged_by_an_old_analysis(session, processed(session, settings, 3, "Slow."))
    started = start_run(session)
    session.commit()
    assert reanalysis.resume_stalled(session) is None  # moving: nothing to resend

    start = clock.now()
    clock.set_source(lambda: start + reanalysis.STALLED_AFTER + timedelta(seconds=1))

    assert reanalysis.resume_stalled(session).id == started.run.id
    assert pending_messages(session) == [(REANALYSE_TASK, (0,))]
    assert reanalysis.progress(started.run).stalled


def test_only_an_admin_starts_a_run(session):
    agent = Actor(kind="staff", id=5, role="agent", label="Ann")
    with pytest.raises(ForbiddenError):
        start_run(session, actor=agent)
