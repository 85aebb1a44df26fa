"""An email invitation over the API is decided like every other send (surveys.delivery.eligibility):
an open invitation or a recontact window records it "skipped" with the reason, quiet hours in the
customer's zone hold it "scheduled" until the dispatcher sends it; a link only is not a send, but
it is the customer's one open invitation to the survey like any other.
All on a controllable clock."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from surveys.answers.recording import record_answer
from surveys.delivery.invitations import answer_url, invitation_token
from surveys.models import OPEN_STATUSES, Customer, Invitation, OutboxEmail
from tests.factories.clock import Clock, utc
from tests.factories.surveys import make_survey
from tests.web.conftest import assert_error
from worker.delivery_tasks import dispatch_due_invitations

MONDAY_NOON = utc(2026, 3, 2, 12, 0)  # 14:00 in Helsinki
MONDAY_LATE = utc(2026, 3, 2, 20, 30)  # 22:30 in Helsinki (UTC+2 until 29 March)
TUESDAY_8_HELSINKI = utc(2026, 3, 3, 6, 0)


@pytest.fixture
def clock():
    return Clock(MONDAY_NOON)


def invite(api_client, survey, external_id="crm-1", send=True, **customer):
    body = {"customer": {"external_id": external_id, "email": "aino@example.com"} | customer}
    return api_client.post(f"/surveys/{survey.id}/invitations", body | {"send": send})


def outbox_count(session) -> int:
    return session.scalar(select(func.count(OutboxEmail.id)))


def fresh(session, invitation_id) -> Invitation:
    return session.get(Invitation, invitation_id, populate_existing=True)


def answered(session, invitation_id) -> None:
    record_answer(session, fresh(session, invitation_id), 9, channel="email")
    session.commit()


def test_an_open_invitation_for_the_survey_skips_the_second(api_client, session, clock):
    survey = make_survey(session)
    session.commit()
    first = invite(api_client, survey).get_json()
    assert first["status"] == "queued" and first["url"]

    response = invite(api_client, survey)

    assert response.status_code == 201
    answer = response.get_json()
    assert answer["status"] == "skipped" and answer["url"] is None
    assert answer["reason"].startswith(f"skipped: open invitation {first['id']} (")
    assert answer["id"] != first["id"]
    skipped = fresh(session, answer["id"])
    assert (skipped.status, skipped.reason) == ("skipped", answer["reason"])
    assert outbox_count(session) == 1  # only the first was emailed


def test_inside_the_surveys_recontact_window_is_skipped_with_the_reason(api_client, session, clock):
    survey = make_survey(session, recontact_days=60)
    session.commit()
    first = invite(api_client, survey).get_json()
    answered(session, first["id"])

    clock.advance(days=30)
    answer = invite(api_client, survey).get_json()

    assert answer["status"] == "skipped" and answer["url"] is None
    assert answer["reason"] == (
        "skipped: surveyed 2026-03-02, inside this survey's 60-day recontact window"
    )
    assert outbox_count(session) == 1
    listed = api_client.get("/invitations", customer="crm-1", status="skipped").get_json()
    assert [(i["id"], i["reason"]) for i in listed["items"]] == [(answer["id"], answer["reason"])]

    clock.advance(days=61)  # past both the survey's 60 and the global 90 days
    assert invite(api_client, survey).get_json()["status"] == "queued"
    assert outbox_count(session) == 2


def test_inside_the_global_window_another_survey_is_skipped(api_client, session, clock):
    first_survey, second_survey = make_survey(session), make_survey(session, recontact_days=0)
    session.commit()
    answered(session, invite(api_client, first_survey).get_json()["id"])

    clock.advance(days=89)
    answer = invite(api_client, second_survey).get_json()

    assert answer["status"] == "skipped"
    assert answer["reason"] == (
        "skipped: surveyed 2026-03-02, inside the global 90-day recontact window"
    )
    clock.advance(days=2)
    assert invite(api_client, second_survey).get_json()["status"] == "queued"


def test_a_skipped_invitation_is_never_answerable(api_client, client, session, settings, clock):
    survey = make_survey(session)
    session.commit()
    invite(api_client, survey)
    skipped = fresh(session, invite(api_client, survey).get_json()["id"])
    path = urlsplit(answer_url(settings, invitation_token(skipped, settings))).path

    assert client.get(path).status_code == 410
    assert client.post(path, data={"score": 9}).status_code == 410
    assert fresh(session, skipped.id).status == "skipped"


def test_quiet_hours_in_the_customers_zone_schedule_it_for_the_dispatcher(
    api_client, client, session, clock
):
    survey = make_survey(session)
    session.commit()
    clock.set(MONDAY_LATE)

    response = invite(api_client, survey, timezone="Europe/Helsinki")

    assert response.status_code == 201
    answer = response.get_json()
    assert answer["status"] == "scheduled" and answer["url"] is None
    assert answer["scheduled_for"].startswith("2026-03-03T06:00:00")
    assert answer["reason"] == (
        "postponed: quiet hours (21:00–08:00 Europe/Helsinki) until 2026-03-03 08:00"
    )
    assert outbox_count(session) == 0
    # Another request in the meantime does not slip past the held one.
    assert invite(api_client, survey).get_json()["status"] == "skipped"

    clock.set(utc(2026, 3, 3, 5, 59))  # 07:59 in Helsinki: still quiet
    assert dispatch_due_invitations.apply().get() == 0
    clock.set(TUESDAY_8_HELSINKI)
    assert dispatch_due_invitations.apply().get() == 1

    invitation = fresh(session, answer["id"])
    assert invitation.status in ("queued", "sent")
    email = session.scalars(select(OutboxEmail)).one()
    assert (email.invitation_id, email.to_address) == (invitation.id, "aino@example.com")
    listed = api_client.get("/invitations", customer="crm-1", survey=survey.id).get_json()
    url = next(i["url"] for i in listed["items"] if i["id"] == invitation.id)
    assert url and client.get(urlsplit(url).path).status_code == 200


def test_quiet_hours_are_the_customers_not_the_servers(api_client, session, clock):
    survey = make_survey(session)
    session.commit()
    clock.set(utc(2026, 3, 2, 23, 30))  # quiet hours in UTC, 08:30 on Tuesday in Tokyo

    answer = invite(api_client, survey, timezone="Asia/Tokyo").get_json()

    assert (answer["status"], answer["reason"]) == ("queued", None)
    assert outbox_count(session) == 1


def test_a_link_only_invitation_is_not_a_send(api_client, session, clock):
    survey = make_survey(session)
    session.commit()
    answered(session, invite(api_client, survey).get_json()["id"])  # inside the window now
    clock.set(MONDAY_LATE)  # and quiet hours

    answer = invite(api_client, survey, send=False, timezone="Europe/Helsinki").get_json()

    assert answer["status"] == "pending" and answer["url"] and answer["reason"] is None
    assert outbox_count(session) == 1


def test_a_link_only_invitation_while_one_is_open_is_skipped(api_client, session, clock):
    survey = make_survey(session)
    session.commit()
    first = invite(api_client, survey).get_json()  # an open emailed invitation

    answer = invite(api_client, survey, send=False).get_json()

    assert (answer["status"], answer["url"]) == ("skipped", None)
    assert answer["reason"] == f"skipped: open invitation {first['id']} (sent) for this survey"
    assert fresh(session, first["id"]).status == "sent" and outbox_count(session) == 1


def test_a_send_after_a_link_only_invitation_is_skipped(api_client, session, clock):
    survey = make_survey(session)
    session.commit()
    link = invite(api_client, survey, send=False).get_json()

    answer = invite(api_client, survey).get_json()

    assert (answer["status"], answer["url"]) == ("skipped", None)
    assert answer["reason"] == f"skipped: open invitation {link['id']} (pending) for this survey"
    assert outbox_count(session) == 0
    open_ones = select(func.count(Invitation.id)).where(Invitation.status.in_(OPEN_STATUSES))
    assert session.scalar(open_ones) == 1


def test_refusals_store_nothing_and_come_before_the_windows(api_client, session, clock):
    survey, paused = make_survey(session), make_survey(session, active=False)
    session.commit()
    invite(api_client, survey)  # an open invitation, which would otherwise be the reason

    error = assert_error(invite(api_client, paused), 422)
    assert "paused" in error["message"] and "survey" in error["fields"]
    no_address = {"customer": {"external_id": "crm-2"}, "send": True}
    error = assert_error(api_client.post(f"/surveys/{survey.id}/invitations", no_address), 422)
    assert "customer.email" in error["fields"]
    api_client.post("/bounces", {"email": "aino@example.com", "reason": "550 no such user"})
    assert assert_error(invite(api_client, survey), 409)["code"] == "bounced"
    customer = session.scalars(select(Customer)).one()
    customer.unsubscribed = True
    session.commit()
    error = assert_error(invite(api_client, survey, email="new@example.com"), 409)
    assert error["code"] == "unsubscribed"
    assert session.scalar(select(func.count(Invitation.id))) == 1
    assert outbox_count(session) == 1
