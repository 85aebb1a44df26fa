"""Two runs of one answer's processing at once on PostgreSQL (a redelivered message beside the
first run): the answer is processed and routed once, by whichever run writes first."""

import threading
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.answers.processing import process_responses
from surveys.answers.recording import record_answer
from surveys.kernel import clock
from surveys.models import Response
from tests.factories.surveys import make_invitation

FIRST = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECOND = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)


def test_a_second_run_waiting_on_the_first_does_not_process_the_answer_again(
    pg_url, engine, session, settings
):
    new = make_invitation(session, settings)
    session.commit()
    response_id = record_answer(session, new.invitation, 2, channel="email")
    session.commit()
    outcomes = {}

    with Session(bind=engine) as first, Session(bind=engine) as second:
        clock.set_source(lambda: FIRST)
        [outcomes["first"]] = process_responses(first, [response_id], settings)  # holds the row

        def run_second() -> None:
            [outcomes["second"]] = process_responses(second, [response_id], settings)
            second.commit()

        clock.set_source(lambda: SECOND)
        other = threading.Thread(target=run_second)
        other.start()
        other.join(timeout=1)  # it read the row unprocessed and now waits on the first's lock
        assert other.is_alive()
        first.commit()
        other.join(timeout=10)

    assert outcomes["first"].status == "processed"
    assert outcomes["second"].status != "processed"
    processed_at = session.scalars(
        select(Response.processed_at).execution_options(populate_existing=True)
    ).one()
    assert processed_at == FIRST
