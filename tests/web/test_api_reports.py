"""Score summaries over the API: exact figures per kind (DESIGN.md, Metrics)."""

from surveys.answers.recording import record_answer
from tests.factories.surveys import make_invitation, make_survey
from tests.web.conftest import assert_error


def answers(session, settings, kind, scores):
    survey = make_survey(session, kind)
    for score in scores:
        new = make_invitation(session, settings, survey=survey)
        record_answer(session, new.invitation, score, channel="email")
    session.commit()
    return survey


def test_nps_summary(api_client, session, settings):
    survey = answers(session, settings, "nps", [9, 10, 10, 9, 10, 7, 8, 7, 6, 0])
    response = api_client.get("/reports/summary", survey=survey.id)
    assert response.status_code == 200
    assert response.get_json() == {
        "survey": survey.id,
        "kind": "nps",
        "responses": 10,
        "promoters": 5,
        "passives": 3,
        "detractors": 2,
        "nps": 30.0,
    }


def test_csat_summary(api_client, session, settings):
    survey = answers(session, settings, "csat", [5, 4, 4, 3, 1, 2, 5, 3])
    summary = api_client.get("/reports/summary", survey=survey.id).get_json()
    assert summary == {
        "survey": survey.id,
        "kind": "csat",
        "responses": 8,
        "satisfied": 4,
        "neutral": 2,
        "dissatisfied": 2,
        "csat": 50.0,
    }


def test_ces_summary(api_client, session, settings):
    survey = answers(session, settings, "ces", [7, 6, 5, 4, 1, 2])
    summary = api_client.get("/reports/summary", survey=survey.id).get_json()
    assert summary["low_effort"] == 3 and summary["neutral"] == 1
    assert summary["high_effort"] == 2 and summary["responses"] == 6
    assert summary["ces"] == 4.17  # 25 / 6


def test_summary_of_every_survey_without_a_filter(api_client, session, settings):
    nps = answers(session, settings, "nps", [10, 0])
    empty = make_survey(session, "csat")
    session.commit()
    items = api_client.get("/reports/summary").get_json()["items"]
    assert [item["survey"] for item in items] == [nps.id, empty.id]
    assert items[0]["nps"] == 0.0
    assert items[1]["responses"] == 0 and items[1]["csat"] is None


def test_summary_of_unknown_survey_is_404_and_bad_id_422(api_client):
    assert_error(api_client.get("/reports/summary", survey=31337), 404, "not_found")
    error = assert_error(api_client.get("/reports/summary", survey="nps"), 422)
    assert "survey" in error["fields"]
