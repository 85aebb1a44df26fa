"""Responses over the API: what was answered and what the pipeline made of it."""

from datetime import UTC, datetime, timedelta

from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from surveys.kernel import clock
from tests.factories.surveys import make_invitation, make_survey
from tests.web.conftest import assert_error


def answer(session, settings, survey, score, comment=None, process=True, **customer):
    new = make_invitation(session, settings, survey=survey, **customer)
    response_id = record_answer(session, new.invitation, score, channel="email")
    if comment is not None:
        add_comment(session, new.invitation, comment)
    session.commit()
    if process:
        process_response(session, response_id, settings)
        session.commit()
    return response_id


def test_processed_response_shows_category_sentiment_and_themes(api_client, session, settings):
    survey = make_survey(session, "nps")
    response_id = answer(
        session,
        settings,
        survey,
        2,
        "Support never answered my emails. Awful.",
        external_id="crm-9",
    )

    detail = api_client.get(f"/responses/{response_id}")

    assert detail.status_code == 200
    body = detail.get_json()
    assert body["id"] == response_id and body["survey"] == survey.id
    assert body["customer"] == "crm-9"
    assert body["score"] == 2 and body["category"] == "detractor"
    assert body["comment"] == "Support never answered my emails. Awful."
    assert body["language"] == "en"
    assert body["sentiment"]["label"] == "negative" and body["sentiment"]["polarity"] < 0
    assert "support" in body["themes"]
    assert body["channel"] == "email" and body["stage"] == "active"
    for moment in ("answered_at", "processed_at"):
        assert datetime.fromisoformat(body[moment]).utcoffset() == timedelta(0)
    assert api_client.get("/responses").get_json()["items"] == [body]


def test_unprocessed_response_has_no_analysis_yet(api_client, session, settings):
    response_id = answer(session, settings, make_survey(session), 8, process=False)
    body = api_client.get(f"/responses/{response_id}").get_json()
    assert body["category"] is None and body["sentiment"] is None
    assert body["processed_at"] is None and body["themes"] == []


def test_list_is_newest_first_and_filters(api_client, session, settings):
    nps, csat = make_survey(session, "nps"), make_survey(session, "csat")
    start = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    clock.set_source(lambda: start)
    old_promoter = answer(session, settings, nps, 10, "Great product")
    clock.set_source(lambda: start + timedelta(days=2))
    detractor = answer(session, settings, nps, 3)
    satisfied = answer(session, settings, csat, 5)

    def ids(**params):
        response = api_client.get("/responses", **params)
        assert response.status_code == 200, response.get_json()
        return [item["id"] for item in response.get_json()["items"]]

    assert ids() == [satisfied, detractor, old_promoter]
    assert ids(survey=nps.id) == [detractor, old_promoter]
    assert ids(category="promoter") == [old_promoter]
    assert ids(category="satisfied", survey=csat.id) == [satisfied]
    assert ids(since="2025-03-02T00:00:00+00:00") == [satisfied, detractor]
    # "+" left unencoded in a query string arrives as a space; it still means the offset.
    assert ids(since="2025-03-03T11:00:00 02:00") == [satisfied, detractor]
    assert ids(since="2025-03-03T11:00:01+02:00") == []


def test_list_pages_with_limit_and_next(api_client, session, settings):
    survey = make_survey(session)
    made = [answer(session, settings, survey, score, process=False) for score in range(5)]

    first = api_client.get("/responses", limit=2, survey=survey.id).get_json()
    assert [item["id"] for item in first["items"]] == made[:-3:-1]
    second = api_client.client.get(first["next"], headers=api_client.headers).get_json()
    assert [item["id"] for item in second["items"]] == made[2:0:-1]
    third = api_client.client.get(second["next"], headers=api_client.headers).get_json()
    assert [item["id"] for item in third["items"]] == made[:1]
    assert third["next"] is None
    assert len(api_client.get("/responses", before_id=made[3]).get_json()["items"]) == 3


def test_bad_filters_are_422_naming_the_parameter(api_client, session):
    make_survey(session)
    session.commit()
    for params, name in [
        ({"survey": "abc"}, "survey"),
        ({"survey": "99999999999999999999999"}, "survey"),
        ({"survey": "-1"}, "survey"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2025-03-01T10:00:00"}, "since"),  # no time zone: ambiguous
        ({"since": "0001-01-01T00:00:00+01:00"}, "since"),
        ({"category": "angry"}, "category"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"before_id": "x"}, "before_id"),
        ({"theme": "x\x00"}, "theme"),
    ]:
        error = assert_error(api_client.get("/responses", **params), 422, "invalid")
        assert name in error["fields"], (params, error)


def test_unknown_response_or_survey_is_404(api_client):
    assert_error(api_client.get("/responses/12345"), 404, "not_found")
    assert_error(api_client.get("/responses/99999999999999999999999"), 404, "not_found")
    assert_error(api_client.get("/responses/abc"), 404, "not_found")
    assert_error(api_client.get("/responses", survey=777), 404, "not_found")
