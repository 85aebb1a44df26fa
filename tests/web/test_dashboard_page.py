"""The dashboard page: roles, the figures of the service, the chart and its table, 422s."""

from datetime import UTC, datetime

import pytest

from surveys.kernel import clock
from surveys.reports import segments
from surveys.staff.accounts import create_staff
from tests.factories.clock import utc
from tests.factories.dashboard import place, unanswered
from tests.factories.surveys import make_survey

PASSWORD = "dashboard password"
TODAY = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


@pytest.fixture
def staff(session):
    for role in ("admin", "agent", "analyst"):
        create_staff(session, f"{role}@example.com", PASSWORD, role=role)
    session.commit()


def sign_in(client, role):
    client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
    return client


@pytest.fixture
def survey(session, settings, staff):
    clock.set_source(lambda: TODAY)
    survey = make_survey(session, "nps", name="Product NPS")
    for score in [10] * 20 + [8] * 6 + [2] * 4:  # NPS 53.3 from 30, the week of 2 March
        place(session, settings, survey, score, utc(2026, 3, 3), agent="ann@kaiku.example",
              attributes={"plan": "pro"})  # fmt: skip
    for score in (10, 0):
        place(session, settings, survey, score, utc(2026, 3, 17), stage="onboarding",
              agent="bo@kaiku.example")  # fmt: skip
    unanswered(session, settings, survey, utc(2026, 3, 20))
    segments.set_segments(session, ["plan"])
    session.commit()
    return survey


@pytest.mark.parametrize("role", ["admin", "agent", "analyst"])
def test_every_staff_role_reads_it(client, survey, role):
    response = sign_in(client, role).get(f"/insights/dashboard?survey={survey.id}&range=30")
    assert response.status_code == 200
    assert 'aria-current="page">Dashboard</a>' in response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in(client, survey):
    response = client.get("/insights/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_figures_the_chart_and_its_table(client, survey):
    body = (
        sign_in(client, "analyst")
        .get(f"/insights/dashboard?survey={survey.id}&range=custom&from=2026-03-01&to=2026-03-31")
        .get_data(as_text=True)
    )
    assert "+50.0" in body  # 21 promoters, 5 detractors of 32
    assert "n = 32" in body
    assert "32 answered of 33 sent in the range" in body
    assert "Nothing to compare with the previous 31 days." in body
    assert '<polygon class="dash-band"' in body  # the week with 30 answers has its band
    assert "Too few answers" in body  # the week of 16 March has 2
    assert 'data-start="2026-03-02"' in body and "n=30" in body
    assert 'data-slice="onboarding"' in body


def test_slice_by_agent_shows_the_leaderboard_with_small_n_apart(client, survey):
    body = (
        sign_in(client, "agent")
        .get(f"/insights/dashboard?survey={survey.id}&range=30&by=agent")
        .get_data(as_text=True)
    )
    assert "Agent leaderboard" in body
    assert "Too few answers to rank" in body
    assert "bo@kaiku.example: NPS +0.0, n = 2" in body
    assert 'data-slice="ann@kaiku.example"' in body


def test_slice_by_an_attribute_and_the_picker_offers_it(client, survey):
    body = (
        sign_in(client, "analyst")
        .get("/insights/dashboard?kind=nps&range=quarter&by=attribute:plan&period=month")
        .get_data(as_text=True)
    )
    assert 'value="attribute:plan" selected' in body
    assert 'data-slice="pro"' in body and "NPS by month" in body


@pytest.mark.parametrize(
    "query",
    ["period=year", "range=45", "by=colour", "from=2026-03-10&to=2026-03-01", "from=nope",
     "kind=enps", "by=attribute:country"],
)  # fmt: skip
def test_bad_values_are_422_with_a_message(client, survey, query):
    response = sign_in(client, "analyst").get(f"/insights/dashboard?{query}")
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)


def test_an_unknown_survey_is_404(client, survey):
    assert sign_in(client, "analyst").get("/insights/dashboard?survey=99999").status_code == 404


def test_without_answers_it_says_so(client, staff):
    body = sign_in(client, "analyst").get("/insights/dashboard").get_data(as_text=True)
    assert "No answers in this range." in body
