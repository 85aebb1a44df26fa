"""The explorer page: roles, filters in the URL, paging, sorting, cards with their links, bad
filters as a 400 with the field named, and the CSV download through the page route."""

import csv
import io
import re
from datetime import timedelta

import pytest

from surveys.models import RescueTask
from surveys.staff.accounts import create_staff
from tests.factories.explorer import DAY, make_response
from tests.factories.surveys import make_survey

PASSWORD = "explorer password"


@pytest.fixture
def staff(session):
    for role in ("admin", "agent", "analyst"):
        create_staff(session, f"{role}@example.com", PASSWORD, role=role)
    session.commit()


def sign_in(client, role):
    client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
    return client


def card_ids(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-response-id="(\d+)"', body)]


def test_every_staff_role_reads_it_and_anonymous_visitors_sign_in(client, staff):
    assert client.get("/insights/responses").status_code == 302
    for role in ("admin", "agent", "analyst"):
        sign_in(client, role)
        assert client.get("/insights/responses").status_code == 200
        assert client.get("/insights/responses.csv").status_code == 200
        client.post("/logout")


def test_filters_in_the_url_select_the_cards_and_fill_the_form(client, staff, session, settings):
    survey = make_survey(session, "nps", name="Product NPS")
    wanted = make_response(
        session,
        settings,
        survey,
        score=2,
        category="detractor",
        comment="Far too expensive",
        language="en",
        themes=("price",),
        sentiment_label="negative",
        customer={"attributes": {"plan": "pro"}},
    )
    make_response(
        session,
        settings,
        survey,
        score=2,
        category="detractor",
        comment="Slow",
        themes=("speed",),
        customer={"attributes": {"plan": "pro"}},
    )
    make_response(session, settings, survey, score=10, category="promoter", themes=("price",))
    session.commit()
    sign_in(client, "analyst")

    body = client.get(
        "/insights/responses?theme=price&category=detractor&q=expensive&attr_name=plan"
        f"&attr_value=pro&survey={survey.id}&from=2025-03-01&to=2025-03-31"
    ).get_data(as_text=True)

    assert card_ids(body) == [wanted.id]
    assert 'name="theme" type="text" value="price"' in body
    assert 'name="attr_value" type="text" value="pro"' in body
    assert "Far too expensive" in body
    assert "Negative sentiment" in body  # the rescue pages' sentiment chip
    assert "/insights/responses?theme=price" in body  # the theme chip links to its filter
    # The download carries the same filters, the attribute as attr.plan.
    link = re.search(r'href="(/insights/responses\.csv\?[^"]+)"', body).group(1)
    assert "attr.plan=pro" in link and "q=expensive" in link


def test_pages_and_sorts(client, staff, session, settings):
    survey = make_survey(session, "nps")
    made = [
        make_response(session, settings, survey, score=i % 11, answered_at=DAY + timedelta(hours=i))
        for i in range(30)
    ]
    session.commit()
    sign_in(client, "agent")

    first = client.get("/insights/responses").get_data(as_text=True)
    assert card_ids(first) == [r.id for r in reversed(made)][:25]
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/insights/responses?page=2").get_data(as_text=True)
    assert card_ids(second) == [r.id for r in reversed(made)][25:]
    lowest = card_ids(client.get("/insights/responses?sort=score_asc").get_data(as_text=True))
    scores = {r.id: r.score for r in made}
    assert [scores[i] for i in lowest] == sorted(scores[i] for i in lowest)
    assert client.get("/insights/responses?page=3").status_code == 404


def test_rescue_task_links_for_roles_that_open_tasks_and_the_customer_page_for_all(
    client, staff, session, settings
):
    response = make_response(session, settings, score=1, category="detractor")
    task = RescueTask(
        response_id=response.id,
        customer_id=response.customer_id,
        survey_id=response.survey_id,
        status="open",
        due_at=DAY + timedelta(days=1),
    )
    session.add(task)
    session.commit()

    agent_body = sign_in(client, "agent").get("/insights/responses").get_data(as_text=True)
    assert f'href="/rescue/{task.id}"' in agent_body
    assert f'href="/customers/{response.customer_id}#timeline-title"' in agent_body
    client.post("/logout")
    analyst_body = sign_in(client, "analyst").get("/insights/responses").get_data(as_text=True)
    assert f"/rescue/{task.id}" not in analyst_body
    assert f'href="/customers/{response.customer_id}"' in analyst_body  # the name, every role
    assert "Has a rescue task" in analyst_body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("score=11", "f-score-error"),
        ("sentiment=happy", "f-sentiment-error"),
        ("from=2025-03-05&to=2025-03-01", "f-from-error"),
        ("page=0", "Page:"),
        ("page=lots", "Page:"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(client, staff, query, field):
    sign_in(client, "analyst")
    response = client.get(f"/insights/responses?{query}")
    assert response.status_code == 400
    assert field in response.get_data(as_text=True)


def test_an_unknown_survey_is_a_404(client, staff):
    sign_in(client, "analyst")
    assert client.get("/insights/responses?survey=987654").status_code == 404
    assert client.get("/insights/responses.csv?survey=987654").status_code == 404
    assert client.get("/insights/responses.csv?score=99").status_code == 400


def test_csv_download_is_the_apis_csv_neutralised(client, staff, session, settings):
    make_response(session, settings, score=3, comment='=HYPERLINK("http://x")', themes=("price",))
    make_response(session, settings, score=9, comment="Hyvä palvelu", themes=("support",))
    session.commit()
    sign_in(client, "analyst")

    response = client.get("/insights/responses.csv?theme=price")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r"attachment; filename=kaiku-responses-\d{4}-\d\d-\d\d\.csv",
        response.headers["Content-Disposition"],
    )
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[0][:3] == ["id", "answered_at", "survey"]
    assert len(rows) == 2
    assert rows[1][rows[0].index("comment")] == '\'=HYPERLINK("http://x")'
    everything = client.get("/insights/responses.csv").get_data().decode("utf-8")
    assert "Hyvä palvelu" in everything


def test_the_nav_has_responses_and_the_overview_links_into_the_explorer(
    client, staff, session, settings
):
    survey = make_survey(session, "nps", name="Product NPS")
    make_response(
        session, settings, survey, score=2, category="detractor", themes=("price",), answered_at=DAY
    )
    session.commit()
    body = sign_in(client, "analyst").get("/").get_data(as_text=True)

    assert 'href="/insights/responses">Responses</a>' in body
    assert f'href="/insights/responses?survey={survey.id}"' in body
    assert f"/insights/responses?survey={survey.id}&amp;category=detractor" in body
    assert 'href="/insights/responses?theme=price"' in body
    assert f'href="/insights/themes/report?survey={survey.id}"' in body
