"""GET /api/v1/invitations: every invitation with its status and the reason for it."""

from surveys.delivery.invitations import answer_url, invitation_token
from surveys.delivery.triggers import evaluate_events
from surveys.models import Invitation
from tests.factories.clock import Clock, utc
from tests.factories.surveys import make_customer, make_survey
from tests.factories.triggers import make_event, make_rule
from tests.web.conftest import assert_error
from worker.delivery_tasks import dispatch_due_invitations


def setup_history(session, settings):
    """Ann: one invitation sent, one skipped (open invitation); Bo: unsubscribed, skipped."""
    Clock(utc(2026, 3, 2, 12, 0))
    survey = make_survey(session)
    rule = make_rule(session, survey, delay_minutes=30)
    ann = make_customer(session, external_id="ann")
    bo = make_customer(session, external_id="bo", unsubscribed=True)
    events = [make_event(session, ann), make_event(session, bo)]
    evaluate_events(session, events, settings)
    session.commit()
    return survey, rule, events


def test_lists_invitations_with_status_reason_and_cause(api_client, session, settings):
    survey, rule, (ann_event, _) = setup_history(session, settings)

    answer = api_client.get("/invitations", customer="ann").get_json()

    (item,) = answer["items"]
    assert item["status"] == "scheduled" and item["reason"] is None
    assert item["scheduled_for"] == "2026-03-02T12:30:00+00:00"
    assert (item["event"], item["rule"], item["survey"]) == (ann_event.id, rule.id, survey.id)
    assert item["customer"] == "ann" and item["channel"] == "email"
    assert item["sent_at"] is None and item["reminded_at"] is None
    assert item["url"] is None  # not live until it is sent
    assert answer["next"] is None


def test_skipped_invitations_show_why(api_client, session, settings):
    setup_history(session, settings)

    answer = api_client.get("/invitations", status="skipped").get_json()

    assert [(i["customer"], i["reason"]) for i in answer["items"]] == [
        ("bo", "skipped: unsubscribed")
    ]


def test_a_sent_invitation_shows_its_link(api_client, session, settings):
    Clock(utc(2026, 3, 2, 12, 0))
    setup_history(session, settings)
    Clock(utc(2026, 3, 2, 13, 0))
    dispatch_due_invitations.apply()

    (item,) = api_client.get("/invitations", customer="ann", status="sent").get_json()["items"]

    invitation = session.get(Invitation, item["id"])
    assert item["sent_at"] == "2026-03-02T13:00:00+00:00"
    assert item["url"] == answer_url(settings, invitation_token(invitation, settings))


def test_filters_combine_and_pages_follow(api_client, session, settings):
    survey, _, (ann_event, _) = setup_history(session, settings)
    make_rule(session, make_survey(session))
    evaluate_events(session, [make_event(session, ann_event.customer)], settings)
    session.commit()

    by_survey = api_client.get("/invitations", survey=survey.id).get_json()["items"]
    ann_skipped = api_client.get("/invitations", customer="ann", status="skipped").get_json()
    first = api_client.get("/invitations", limit=3).get_json()
    rest = api_client.client.get(first["next"], headers=api_client.headers).get_json()

    assert {i["survey"] for i in by_survey} == {survey.id} and len(by_survey) == 3
    # Survey 2's rule: the global window, held by survey 1's invitation still to go out.
    assert sorted(i["reason"].split(" ")[1] for i in ann_skipped["items"]) == ["open", "scheduled"]
    assert len(first["items"]) == 3 and len(rest["items"]) == 1 and rest["next"] is None
    ids = [i["id"] for i in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)


def test_unknown_customer_or_survey_is_404_and_a_bad_status_422(api_client, session, settings):
    setup_history(session, settings)

    assert_error(api_client.get("/invitations", customer="nobody"), 404)
    assert_error(api_client.get("/invitations", survey=999999), 404)
    error = assert_error(api_client.get("/invitations", status="lost"), 422)
    assert "status" in error["fields"]
    assert "survey" in assert_error(api_client.get("/invitations", survey="x"), 422)["fields"]


def test_listing_needs_an_api_key(client, session):
    assert_error(client.get("/api/v1/invitations"), 401)
