"""The core loop end to end on real services: an answer given over HTTP is processed by a real
Celery worker process on PostgreSQL and Redis into a rescue task or a referral."""

from datetime import timedelta

import requests
from sqlalchemy import select, update

from app.extensions import db
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel import clock
from surveys.kernel.aftercommit import pending_messages
from surveys.models import Invitation, OutboxEmail, Referral, RescueTask, Response
from tests.factories.staff import make_staff
from tests.factories.surveys import make_invitation, make_programme
from tests.live import wait_for
from worker import tasks


def _answer_over_http(base_url: str, token: str, score: int, comment: str | None = None):
    http = requests.Session()
    page = http.post(f"{base_url}/s/{token}", data={"score": score}, allow_redirects=False)
    assert page.status_code == 303, page.text[:500]
    if comment is not None:
        why = http.post(
            f"{base_url}/s/{token}/why", data={"comment": comment}, allow_redirects=False
        )
        assert why.status_code == 303, why.text[:500]


def _one(session, stmt):
    session.expire_all()
    return session.scalars(stmt).first()


def test_detractor_answer_becomes_rescue_task_via_the_worker(
    live, live_server, live_worker, session, settings
):
    new = make_invitation(session, settings)
    session.commit()

    _answer_over_http(live_server, new.token, 2, "Support ignored me for a week. Terrible.")

    task = wait_for(lambda: _one(session, select(RescueTask)))
    response = session.get(Response, task.response_id)
    assert response.score == 2 and response.category == "detractor"
    assert task.priority == "high" and task.status == "open"
    wait_for(lambda: _one(session, select(Response).where(Response.sentiment_label.is_not(None))))
    session.expire_all()
    assert session.get(Response, task.response_id).sentiment_label == "negative"


def test_promoter_answer_becomes_referral_with_working_link(
    live, live_server, live_worker, session, settings
):
    make_programme(session, landing_url="https://example.com/join?src=kaiku")
    new = make_invitation(session, settings)
    session.commit()

    _answer_over_http(live_server, new.token, 10, "Brilliant product, works great")

    referral = wait_for(lambda: _one(session, select(Referral)))
    redirect = requests.get(f"{live_server}/r/{referral.code}", allow_redirects=False)
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == (
        f"https://example.com/join?src=kaiku&ref={referral.code}"
    )
    session.expire_all()
    assert session.get(Referral, referral.id).clicks == 1


def test_sweeper_processes_an_answer_whose_message_was_lost(live, live_worker, session, settings):
    new = make_invitation(session, settings)
    response_id = record_answer(session, new.invitation, 1, channel="email")
    session.commit()  # committed, but never enqueued: as if the broker had dropped it
    session.execute(
        update(Response)
        .where(Response.id == response_id)
        .values(updated_at=clock.now() - timedelta(minutes=2))
    )
    session.commit()

    tasks.sweep_unprocessed_responses.delay()

    task = wait_for(lambda: _one(session, select(RescueTask)))
    assert task.response_id == response_id


def test_a_registration_committed_on_the_app_session_reaches_the_worker(
    live, live_worker, session, settings
):
    """Recording an answer on ``db.session`` registers its processing; the commit sends it by
    name to the worker, whose own commit sends the urgent task's email to delivery."""
    agent = make_staff(session, "agent")
    new = make_invitation(session, settings)
    session.commit()
    with live.app_context():
        invitation = db.session.get(Invitation, new.invitation.id)
        response_id = record_answer(db.session, invitation, 1, channel="email")
        add_comment(db.session, invitation, "Terrible, awful support, the worst")
        assert pending_messages(db.session) == [("kaiku.process_response", (response_id,))]
        db.session.commit()
        assert pending_messages(db.session) == []

    task = wait_for(lambda: _one(session, select(RescueTask)))
    assert task.response_id == response_id and task.assignee_id == agent.id
    email = wait_for(
        lambda: _one(session, select(OutboxEmail).where(OutboxEmail.status == "logged"))
    )
    assert (email.kind, email.to_address) == ("task_assigned", agent.email)
