"""The staff overview: scores, the latest answers (escaped), open rescue work and referrals."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel import clock
from surveys.models import RescueTask
from surveys.staff.accounts import create_staff
from tests.factories.surveys import make_invitation, make_programme, make_survey

PASSWORD = "overview password"


@pytest.fixture
def signed_in(client, session):
    for role in ("admin", "agent", "analyst"):
        create_staff(session, f"{role}@example.com", PASSWORD, role=role)
    session.commit()
    client.post("/login", data={"email": "analyst@example.com", "password": PASSWORD})
    return client


def answer(session, settings, survey, score, comment=None, **customer):
    invitation = make_invitation(session, settings, survey, **customer).invitation
    response_id = record_answer(session, invitation, score, channel="email")
    if comment:
        add_comment(session, invitation, comment)
    return response_id


def test_overview_shows_the_nps_with_its_breakdown(signed_in, session, settings):
    survey = make_survey(session, "nps", name="Product NPS")
    for score in (10, 9, 9, 8, 3):  # 3 promoters, 1 passive, 1 detractor: NPS = 40
        answer(session, settings, survey, score)  # counted at once, before any processing
    session.commit()

    body = signed_in.get("/").get_data(as_text=True)

    assert "Product NPS" in body
    assert "+40" in body
    assert "3 promoters, 1 passives, 1 detractors" in body
    assert "5 responses" in body


def test_csat_survey_shows_its_percentage(signed_in, session, settings):
    survey = make_survey(session, "csat", name="Support CSAT")
    for score in (5, 4, 2, 3):
        answer(session, settings, survey, score)
    session.commit()

    body = signed_in.get("/").get_data(as_text=True)

    assert "50\u00a0%" in body


def test_comments_are_shown_escaped(signed_in, session, settings):
    survey = make_survey(session, "nps")
    answer(session, settings, survey, 2, comment="<script>alert('x')</script> broken & slow")
    session.commit()

    body = signed_in.get("/").get_data(as_text=True)

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; broken &amp; slow" in body


def test_latest_responses_show_the_analysis_once_processed(signed_in, session, settings):
    survey = make_survey(session, "nps")
    pending = answer(session, settings, survey, 8, comment="Okay I guess", name="Pending Person")
    done = answer(
        session, settings, survey, 1, comment="Terrible support, slow and rude.", name="Done Person"
    )
    process_response(session, done, settings)
    session.commit()

    body = signed_in.get("/").get_data(as_text=True)

    assert pending and "Pending" in body
    assert "Processed" in body
    assert "detractor" in body and "negative" in body


def test_open_rescue_task_appears_with_overdue_marked(signed_in, session, settings):
    survey = make_survey(session, "nps")
    fresh = answer(session, settings, survey, 4, comment="Bad", name="Fresh Detractor")
    late = answer(session, settings, survey, 0, comment="Awful", name="Late Detractor")
    for response_id in (fresh, late):
        process_response(session, response_id, settings)
    session.execute(
        update(RescueTask)
        .where(RescueTask.response_id == late)
        .values(due_at=clock.now() - timedelta(hours=3))
    )
    session.commit()

    body = signed_in.get("/").get_data(as_text=True)
    queue = body.split('id="rescue-title"')[1].split("</section>")[0]

    assert "Fresh Detractor" in queue and "Late Detractor" in queue
    assert "2 open" in queue and "1 overdue" in queue
    assert "3 h overdue" in queue


def test_resolved_rescue_tasks_leave_the_queue(signed_in, session, settings):
    survey = make_survey(session, "nps")
    response_id = answer(session, settings, survey, 2, name="Handled Customer")
    process_response(session, response_id, settings)
    session.execute(update(RescueTask).values(status="resolved"))
    session.commit()

    body = signed_in.get("/").get_data(as_text=True)
    queue = body.split('id="rescue-title"')[1].split("</section>")[0]

    assert "Handled Customer" not in queue
    assert "No open rescue tasks" in queue


def test_referral_code_appears_with_clicks(signed_in, session, settings):
    make_programme(session, name="Bring a friend")
    survey = make_survey(session, "nps")
    response_id = answer(session, settings, survey, 10, comment="Love it!", name="Happy Promoter")
    outcome = process_response(session, response_id, settings)
    session.commit()
    from surveys.models import Referral

    referral = session.get(Referral, outcome.referral_id)

    body = signed_in.get("/").get_data(as_text=True)
    referrals = body.split('id="referrals-title"')[1].split("</section>")[0]

    assert referral.code in referrals
    assert "Happy Promoter" in referrals and "Bring a friend" in referrals


def test_every_staff_role_may_see_the_overview(client, session):
    for role in ("admin", "agent", "analyst"):
        create_staff(session, f"{role}@example.com", PASSWORD, role=role)
    session.commit()

    for role in ("admin", "agent", "analyst"):
        client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
        assert client.get("/").status_code == 200, role
        client.post("/logout")


def test_empty_overview_says_so(signed_in):
    body = signed_in.get("/").get_data(as_text=True)

    assert "No active surveys yet" in body
    assert "No responses yet" in body
