"""Rollups on PostgreSQL while answers keep coming and two workers recount at once: no answer
is lost or counted twice, and every cell ends fresh."""

import threading
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.answers.processing import process_responses
from surveys.answers.recording import record_answer
from surveys.models import Invitation, Response, RollupCell
from surveys.reports import counts, rollups
from tests.factories.surveys import make_invitation, make_survey

ANSWERS = 80


def test_answers_and_two_recounts_at_once_count_every_answer_once(
    pg_url, engine, session, settings
):
    survey = make_survey(session, "nps")
    invitations = [make_invitation(session, settings, survey).invitation for _ in range(ANSWERS)]
    session.commit()
    ids = [i.id for i in invitations]
    done = threading.Event()
    errors: list[BaseException] = []

    def answer() -> None:
        try:
            with Session(bind=engine) as own:
                for n, invitation_id in enumerate(ids):
                    invitation = own.get(Invitation, invitation_id)
                    response_id = record_answer(own, invitation, n % 11, channel="email")
                    own.commit()
                    if n % 3 == 0:  # some answers change their score before processing
                        record_answer(own, invitation, (n + 5) % 11, channel="email")
                        own.commit()
                    process_responses(own, [response_id], settings)
                    own.commit()
        except BaseException as exc:  # noqa: BLE001 (reported by the test)
            errors.append(exc)
        finally:
            done.set()

    def recount() -> None:
        try:
            with Session(bind=engine) as own:
                while not done.is_set():
                    rollups.refresh_all(own)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=answer)] + [
        threading.Thread(target=recount) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    rollups.refresh_all(session)

    stale = session.scalar(select(func.count()).select_from(RollupCell).where(RollupCell.stale))
    assert stale == 0
    raw = Counter(
        dict(
            session.execute(
                select(Response.score, func.count())
                .where(Response.survey_id == survey.id)
                .group_by(Response.score)
            ).all()
        )
    )
    scope = counts.all_time("nps", survey.id)
    assert Counter(counts.totals(session, scope).scores) == raw  # from the rollups alone
    assert sum(raw.values()) == ANSWERS
