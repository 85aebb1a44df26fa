"""Inviting over real HTTP on PostgreSQL: two sends for one customer and survey at the same
instant leave one open invitation and one email, whichever request wins.

The live server is a threaded HTTP server on the live app (PostgreSQL, tasks to Redis), so both
requests run at once on connections of their own; a barrier starts them together.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import select

from surveys.models import OPEN_STATUSES, Invitation, OutboxEmail
from surveys.staff.apikeys import create_api_key
from tests.factories.surveys import make_survey

TRIALS = 20


def race(api: str, headers: dict, survey_id: int, external_id: str) -> list[dict]:
    """Two sends for ``external_id`` released by a barrier at once; their answers."""
    body = {"customer": {"external_id": external_id}, "send": True}
    start = threading.Barrier(2)

    def send(_) -> dict:
        with requests.Session() as http:
            start.wait(timeout=30)
            url = f"{api}/surveys/{survey_id}/invitations"
            answer = http.post(url, json=body, headers=headers, timeout=60)
            assert answer.status_code == 201, answer.text
            return answer.json()

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(send, range(2)))


def test_two_concurrent_sends_leave_one_open_invitation_and_one_email(live, live_server, session):
    survey = make_survey(session)
    _, key = create_api_key(session, "race")
    session.commit()
    api = f"{live_server}/api/v1"
    headers = {"Authorization": f"Bearer {key}"}
    doubled = []
    for trial in range(TRIALS):
        external_id, email = f"race-{trial}", f"race{trial}@example.com"
        put = requests.put(
            f"{api}/customers/{external_id}", json={"email": email}, headers=headers, timeout=10
        )
        assert put.status_code in (200, 201), put.text

        answers = race(api, headers, survey.id, external_id)

        ids = [answer["id"] for answer in answers]
        open_ids = session.scalars(
            select(Invitation.id).where(
                Invitation.id.in_(ids), Invitation.status.in_(OPEN_STATUSES)
            )
        ).all()
        emailed = session.scalars(
            select(OutboxEmail.invitation_id).where(OutboxEmail.to_address == email)
        ).all()
        if len(open_ids) != 1 or len(emailed) != 1:
            doubled.append(trial)
            continue
        (sent,) = [a for a in answers if a["id"] == open_ids[0]]
        (second,) = [a for a in answers if a["id"] != sent["id"]]
        assert (sent["status"], emailed) == ("queued", [sent["id"]])
        assert (second["status"], second["url"]) == ("skipped", None)
        assert second["reason"].startswith(f"skipped: open invitation {sent['id']} ")
    assert doubled == [], f"{len(doubled)} of {TRIALS} trials sent two emails"
