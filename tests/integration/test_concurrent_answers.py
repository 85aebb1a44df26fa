"""Answering over real HTTP on PostgreSQL: a burst of submissions, link scanners, the worker.

The live server is a threaded HTTP server on the live app (PostgreSQL, tasks to Redis), so
requests really run at the same time on separate database connections.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from surveys.models import Invitation, Referral, RescueTask, Response
from tests.factories.surveys import make_invitation, make_programme
from tests.live import wait_for

CONCURRENT_POSTS = 50


def _rows(session) -> list[Response]:
    return list(session.scalars(select(Response).execution_options(populate_existing=True)))


def test_concurrent_answers_leave_exactly_one_response(live, live_server, session, settings):
    new = make_invitation(session, settings)
    session.commit()
    url = f"{live_server}/s/{new.token}"
    scores = [n % 11 for n in range(CONCURRENT_POSTS)]
    start = threading.Barrier(CONCURRENT_POSTS)

    def post(score: int) -> requests.Response:
        with requests.Session() as http:
            start.wait(timeout=30)
            return http.post(url, data={"score": str(score)}, allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(max_workers=CONCURRENT_POSTS) as pool:
        results = list(pool.map(post, scores))

    assert [r.status_code for r in results] == [303] * CONCURRENT_POSTS
    assert {r.headers["Location"] for r in results} == {f"/s/{new.token}/why"}
    [response] = _rows(session)
    assert response.score in scores
    assert response.revision == CONCURRENT_POSTS  # every answer applied, none lost or doubled
    invitation = session.get(Invitation, new.invitation.id, populate_existing=True)
    assert invitation.status == "answered"


def test_link_scanner_fetching_every_score_link_records_nothing(
    live, live_server, session, settings
):
    new = make_invitation(session, settings)
    session.commit()
    url = f"{live_server}/s/{new.token}"
    with requests.Session() as scanner:
        for score in range(11):
            page = scanner.get(f"{url}?score={score}", timeout=10)
            assert page.status_code == 200
            assert "data-autosubmit" in page.text
            assert scanner.head(f"{url}?score={score}", timeout=10).status_code == 200
        assert scanner.get(f"{url}/why", allow_redirects=False, timeout=10).status_code == 303
        assert scanner.get(f"{url}/thanks", allow_redirects=False, timeout=10).status_code == 303
    assert _rows(session) == []
    invitation = session.get(Invitation, new.invitation.id, populate_existing=True)
    assert invitation.status != "answered"


@pytest.mark.worker
def test_promoter_gets_a_working_referral_link_from_the_worker(
    live, live_server, live_worker, session, settings
):
    make_programme(session, landing_url="https://example.com/join")
    new = make_invitation(session, settings)
    session.commit()
    url = f"{live_server}/s/{new.token}"
    with requests.Session() as browser:
        why = browser.post(url, data={"score": "10"}, timeout=10)
        assert why.url == f"{url}/why" and why.status_code == 200
        thanks = browser.post(f"{url}/why", data={"comment": "Great service"}, timeout=10)
        assert thanks.url == f"{url}/thanks" and thanks.status_code == 200

        def ready():
            status = browser.get(f"{url}/referral", timeout=10).json()
            return status if status["status"] == "ready" else None

        status = wait_for(ready, timeout=30)
        code = session.scalars(select(Referral.code)).one()
        assert status["url"] == f"{live_server}/r/{code}"
        assert status["url"] in browser.get(f"{url}/thanks", timeout=10).text
        hop = browser.get(status["url"], allow_redirects=False, timeout=10)
        assert hop.status_code == 302
        assert hop.headers["Location"] == f"https://example.com/join?ref={code}"


@pytest.mark.worker
def test_detractor_answer_over_http_opens_rescue_task(
    live, live_server, live_worker, session, settings
):
    new = make_invitation(session, settings)
    session.commit()
    url = f"{live_server}/s/{new.token}"
    assert requests.post(url, data={"score": "1"}, timeout=10).status_code == 200

    def task():
        return session.scalars(select(RescueTask).execution_options(populate_existing=True)).first()

    opened = wait_for(task, timeout=30)
    assert opened.response_id == _rows(session)[0].id
