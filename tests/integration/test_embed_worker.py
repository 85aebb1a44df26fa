"""The widget's answers over real HTTP on PostgreSQL with a real worker: processed like email
answers, one response however many first answers race, anonymous retries stored once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from surveys.models import Invitation, RescueTask, Response
from tests.factories.embeds import HOST, identity, make_embed
from tests.live import wait_for

RACERS = 20


def _responses(session) -> list[Response]:
    return list(
        session.scalars(
            select(Response).order_by(Response.id).execution_options(populate_existing=True)
        )
    )


def _post(url: str, body: dict, barrier: threading.Barrier | None = None) -> requests.Response:
    with requests.Session() as http:
        if barrier is not None:
            barrier.wait(timeout=30)
        return http.post(url, json=body, headers={"Origin": HOST}, timeout=60)


def test_a_widget_detractor_is_processed_and_rescued(live, live_server, live_worker, session):
    survey, secret = make_embed(session)
    session.commit()
    url = f"{live_server}/api/v1/embed/{survey.key}/responses"
    who = identity(secret, "cust-widget")
    assert _post(url, who | {"score": 2}).status_code == 201
    assert _post(url, who | {"comment": "The app keeps crashing, terrible."}).status_code == 200

    def processed():
        rows = _responses(session)
        return rows if rows and rows[0].processed_at and rows[0].comment else None

    (response,) = wait_for(processed, timeout=30)
    assert (response.channel, response.identity, response.category) == (
        "embed", "signed", "detractor",
    )  # fmt: skip
    assert response.sentiment_label == "negative"
    task = wait_for(lambda: session.scalars(select(RescueTask)).first(), timeout=30)
    assert task.response_id == response.id


def test_racing_first_answers_of_one_customer_leave_one_response(live, live_server, session):
    survey, secret = make_embed(session)
    session.commit()
    url = f"{live_server}/api/v1/embed/{survey.key}/responses"
    who = identity(secret, "cust-race")
    barrier = threading.Barrier(RACERS)
    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        results = list(
            pool.map(lambda n: _post(url, who | {"score": n % 11}, barrier), range(RACERS))
        )
    assert sorted({r.status_code for r in results}) in ([200, 201], [201])
    assert [r.status_code for r in results].count(201) == 1
    (response,) = _responses(session)
    assert response.revision == RACERS
    assert session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_anonymous_retries_are_one_answer_and_route_nowhere(
    live, live_server, live_worker, session
):
    survey, _ = make_embed(session, anonymous=True)
    session.commit()
    url = f"{live_server}/api/v1/embed/{survey.key}/responses"
    body = {"score": 0, "idempotency_key": "retry-key-0123456789", "language": "fi"}
    barrier = threading.Barrier(5)
    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda _: _post(url, body, barrier), range(5)))
    assert all(r.status_code in (200, 201) for r in results), [r.text for r in results]
    assert _post(url, body | {"comment": "Huono"}).status_code == 200
    (response,) = wait_for(
        lambda: [r for r in _responses(session) if r.processed_at and r.comment] or None,
        timeout=30,
    )
    assert (response.identity, response.stage, response.language) == ("anonymous", None, "fi")
    assert session.scalar(select(func.count()).select_from(RescueTask)) == 0
