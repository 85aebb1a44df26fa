"""The rescue queue over the API."""

from datetime import datetime, timedelta

from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from tests.factories.surveys import make_invitation, make_survey
from tests.web.conftest import assert_error


def answer(session, settings, survey, score, comment=None, **customer):
    new = make_invitation(session, settings, survey=survey, **customer)
    response_id = record_answer(session, new.invitation, score, channel="email")
    if comment is not None:
        add_comment(session, new.invitation, comment)
    session.commit()
    process_response(session, response_id, settings)
    session.commit()
    return response_id


def test_detractor_answer_appears_in_the_rescue_queue(api_client, session, settings):
    survey = make_survey(session, "nps")
    response_id = answer(session, settings, survey, 1, "Terrible, awful support", external_id="c1")
    answer(session, settings, survey, 10, "Love it")

    listing = api_client.get("/rescue-tasks")

    assert listing.status_code == 200
    (task,) = listing.get_json()["items"]
    assert task["response"] == response_id and task["survey"] == survey.id
    assert task["customer"] == "c1"
    assert task["status"] == "open" and task["priority"] == "high"
    assert task["assignee"] is None and task["outcome"] is None
    due = datetime.fromisoformat(task["due_at"])
    created = datetime.fromisoformat(task["created_at"])
    assert due.utcoffset() == timedelta(0) and due > created


def test_status_filter(api_client, session, settings):
    answer(session, settings, make_survey(session, "csat"), 1)
    assert len(api_client.get("/rescue-tasks", status="open").get_json()["items"]) == 1
    assert api_client.get("/rescue-tasks", status="resolved").get_json()["items"] == []
    assert len(api_client.get("/rescue-tasks", assignee="none").get_json()["items"]) == 1
    assert api_client.get("/rescue-tasks", assignee="a@example.com").get_json()["items"] == []


def test_unknown_status_is_422(api_client):
    error = assert_error(api_client.get("/rescue-tasks", status="done"), 422, "invalid")
    assert "status" in error["fields"]


def test_the_queue_filters_over_the_api(api_client, session, settings):
    from surveys.kernel import clock
    from surveys.models import Customer, RescueTask
    from tests.factories.staff import make_staff

    nps, csat = make_survey(session, "nps"), make_survey(session, "csat")
    make_staff(session, "agent", email="ann@kaiku.example")
    session.commit()
    urgent = answer(session, settings, nps, 0, "Terrible, awful support", external_id="u")
    calm = answer(session, settings, nps, 5, external_id="c")
    other = answer(session, settings, csat, 1, external_id="o")
    tasks = {t.response_id: t for t in session.query(RescueTask).all()}
    tasks[urgent].due_at = clock.now() - timedelta(hours=1)  # overdue
    tasks[other].assignee = None
    session.get(Customer, tasks[calm].customer_id).stage = "churned"
    session.commit()

    def ids(**args):
        body = api_client.get("/rescue-tasks", **args)
        assert body.status_code == 200, body.get_json()
        return sorted(item["response"] for item in body.get_json()["items"])

    assert ids(overdue="true") == [urgent]
    assert ids(priority="high") == [urgent]
    assert ids(survey=csat.id) == [other]
    assert ids(stage="churned") == [calm]
    assert ids(assignee="none") == [other]
    assert ids(assignee="ANN@kaiku.example", priority="normal") == [calm]
    assert ids() == sorted([urgent, calm, other])
    for bad in ({"priority": "urgent"}, {"stage": "gone"}, {"survey": "x"}, {"overdue": "maybe"}):
        error = assert_error(api_client.get("/rescue-tasks", **bad), 422)
        assert set(bad) <= set(error["fields"])
