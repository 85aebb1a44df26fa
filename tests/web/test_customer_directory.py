"""The customer directory (GET /customers): search by name, email and external id, the stage
and segment filters, sorting, paging, roles, bad filters (400 with the message on the page),
and the "Customers" entry in the staff navigation."""

import re
from datetime import timedelta

import pytest

from surveys.kernel import clock
from surveys.reports.directory import MAX_PAGE, PER_PAGE
from surveys.reports.segments import set_segments
from tests.factories.explorer import make_response
from tests.factories.rescue import make_task
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_customer, make_survey


def body_of(response) -> str:
    return response.get_data(as_text=True)


def listed(response) -> list[str]:
    """The names of the customers on the page, in order."""
    return re.findall(
        r'class="directory__name"><a href="/customers/\d+">([^<]+)</a>', body_of(response)
    )


@pytest.fixture
def people(session, settings):
    """Three customers with different names, emails, ids, stages and plans; one with answers
    and an open rescue task; ``plan`` is a segment."""
    set_segments(session, ["plan"])
    maija = make_customer(
        session,
        name="Maija Meikäläinen",
        email="maija@firma.fi",
        external_id="CRM-1001",
        stage="loyal",
        attributes={"plan": "pro", "mrr": 490},
    )
    make_customer(
        session,
        name="Harry Davies",
        email="harry@example.co.uk",
        external_id="crm-2002",
        stage="active",
        attributes={"plan": "basic"},
    )
    make_customer(
        session,
        name="Anna Andersson",
        email="anna@bolag.se",
        external_id="sv-77",
        stage="at_risk",
        attributes={"plan": "pro"},
    )
    survey = make_survey(session, "nps", name="Product NPS")
    older = make_response(
        session,
        settings,
        survey,
        score=9,
        customer={"name": "Zed Zero", "email": "zed@example.com", "external_id": "z-1"},
        answered_at=clock.now() - timedelta(days=40),
    )
    task = make_task(session, settings, survey=survey, score=3, customer=older.customer)
    session.commit()
    return {"maija": maija, "task": task}


@pytest.fixture
def analyst_client(client, session):
    analyst = make_staff(session, "analyst", email="ana@example.com")
    session.commit()
    return sign_in(client, analyst)


@pytest.mark.parametrize("role", ["admin", "agent", "analyst"])
def test_every_staff_role_opens_the_directory_from_the_navigation(client, session, role):
    user = make_staff(session, role, email=f"{role}@example.com")
    session.commit()
    sign_in(client, user)

    page = client.get("/customers")

    assert page.status_code == 200
    assert '<a href="/customers" aria-current="page">Customers</a>' in body_of(page)
    account = body_of(client.get("/account"))
    assert '<a href="/customers">Customers</a>' in account


def test_anonymous_visitors_are_sent_to_sign_in(client):
    page = client.get("/customers")

    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("maija", ["Maija Meikäläinen"]),  # name, any case
        ("MEIKÄ", ["Maija Meikäläinen"]),  # name, non-ASCII in another case
        ("@example.co.uk", ["Harry Davies"]),  # email
        ("bolag", ["Anna Andersson"]),  # part of an email
        ("crm-", ["Harry Davies", "Maija Meikäläinen"]),  # external ids, any case
        ("sv-77", ["Anna Andersson"]),
        ("%", []),  # LIKE wildcards are text
        ("nobody", []),
    ],
)
def test_search_finds_customers_by_name_email_and_external_id(analyst_client, people, q, expected):
    page = analyst_client.get("/customers", query_string={"q": q})

    assert page.status_code == 200
    assert listed(page) == expected
    if not expected:
        assert "No customers match." in body_of(page)


def test_stage_and_segment_filters_combine_and_stay_in_the_url(analyst_client, people):
    assert listed(analyst_client.get("/customers?stage=loyal")) == ["Maija Meikäläinen"]
    assert listed(analyst_client.get("/customers?attr.plan=pro")) == [
        "Anna Andersson",
        "Maija Meikäläinen",
    ]
    page = analyst_client.get("/customers?attr.plan=pro&stage=at_risk")
    assert listed(page) == ["Anna Andersson"]
    html = body_of(page)
    assert 'name="attr.plan" type="text" value="pro"' in html
    assert '<option value="at_risk" selected>' in html


def test_each_row_shows_stage_segments_latest_answer_and_open_tasks(analyst_client, people):
    html = body_of(analyst_client.get("/customers?q=zed"))
    row = html.split('class="panel directory__row"', 1)[1].split("</ol>", 1)[0]

    assert "zed@example.com" in row and "z-1" in row and "At risk" in row  # the detractor
    assert 'title="Latest NPS score">3<' in row  # the newer answer, not the 9 of 40 days ago
    assert "1 open task" in row
    maija = body_of(analyst_client.get("/customers?q=maija"))
    assert "plan: pro" in maija and "No answers" in maija and "No open tasks" in maija
    assert "mrr" not in maija  # not a segment


def test_sorting_by_latest_answer_puts_customers_without_answers_last(analyst_client, people):
    by_name = listed(analyst_client.get("/customers"))
    by_answer = listed(analyst_client.get("/customers?sort=last_answer"))

    assert by_name == ["Anna Andersson", "Harry Davies", "Maija Meikäläinen", "Zed Zero"]
    # Then the ones without answers, the newest first.
    assert by_answer == ["Zed Zero", "Anna Andersson", "Harry Davies", "Maija Meikäläinen"]


def test_the_directory_pages_through_many_customers(analyst_client, session):
    for n in range(PER_PAGE + 3):
        make_customer(session, name=f"Person {n:03d}")
    session.commit()

    first = analyst_client.get("/customers?q=person")
    second = analyst_client.get("/customers?q=person&page=2")

    assert len(listed(first)) == PER_PAGE and listed(first)[0] == "Person 000"
    assert listed(second) == ["Person 050", "Person 051", "Person 052"]
    assert f"{PER_PAGE + 3} customers" in body_of(first)
    assert 'href="/customers?page=2&amp;q=person" rel="next"' in body_of(first)
    assert "Page 2 of 2" in body_of(second)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("stage=gold", "stage", "one of onboarding"),
        ("sort=random", "sort", "one of name, last_answer"),
        ("page=0", "page", "a whole number from 1"),
        (f"page={MAX_PAGE + 1}", "page", "search to narrow the list"),
        ("page=two", "page", "a whole number"),
        ("attr.mrr=490", "attr.mrr", "not a segment attribute"),
        ("q=" + "x" * 201, "q", "at most 200 characters"),
    ],
)
def test_a_bad_filter_is_a_400_with_its_message_on_the_page(
    analyst_client, people, query, field, message
):
    page = analyst_client.get(f"/customers?{query}")

    assert page.status_code == 400
    html = body_of(page)
    assert message in html
    assert "Some filters are not valid" in html
    assert "directory__row" not in html
