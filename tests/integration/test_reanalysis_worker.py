"""Re-tagging history on a real Celery worker, PostgreSQL and Redis: each batch is one task that
sends the next after its commit; the run ends done, every response on the current version, and
no rescue task or referral appears; a second run finds nothing."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from bench.corpus import answers
from surveys.answers import reanalysis
from surveys.models import ReanalysisRun, Referral, RescueTask, Response, ResponseTheme
from tests.factories.responses import insert_processed_responses
from tests.factories.surveys import make_programme, make_survey
from tests.live import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.worker]

HISTORY = 300
BATCH = 100


def test_the_worker_retags_history_in_batches(live, live_worker, session):
    survey = make_survey(session)
    make_programme(session)
    session.commit()
    ids = insert_processed_responses(session, survey.id, answers(HISTORY), version="0+old")
    session.commit()

    with live.app_context():
        started = reanalysis.start_run(db.session, batch_size=BATCH)
        db.session.commit()  # sends the first batch to the worker
        run_id, version = started.run.id, started.run.target_version

    def finished():
        session.expire_all()
        run = session.get(ReanalysisRun, run_id)
        return run if run.status == "done" else None

    run = wait_for(finished, timeout=60)
    assert (run.total, run.done, run.retagged) == (HISTORY, HISTORY, HISTORY)
    assert run.cursor == max(ids)
    versions = session.scalars(select(Response.analysis_version).distinct()).all()
    assert versions == [version]
    negative = session.scalar(
        select(func.count()).select_from(Response).where(Response.sentiment_label == "negative")
    )
    assert negative > 0  # the neutral placeholders were re-analysed
    assert session.scalar(select(func.count()).select_from(ResponseTheme)) > 0
    for model in (RescueTask, Referral):
        assert session.scalar(select(func.count()).select_from(model)) == 0
    batches = re.findall(r"kaiku\.reanalyse_batch\[[0-9a-f-]+\] succeeded", live_worker.read_text())
    assert len(batches) >= HISTORY // BATCH

    with live.app_context():
        again = reanalysis.start_run(db.session)
        db.session.commit()
        assert again.new and again.run.status == "done" and again.run.total == 0
