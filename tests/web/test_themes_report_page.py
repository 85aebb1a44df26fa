"""The themes report: the page (roles, scope in the URL, links into the explorer) and
GET /api/v1/reports/themes (the same numbers, 422s for bad scopes, 404 for a missing survey)."""

import pytest

from surveys.staff.accounts import create_staff
from tests.factories.explorer import make_response
from tests.factories.surveys import make_survey
from tests.web.conftest import assert_error

PASSWORD = "themes report password"
RANGE = "from=2025-03-01&to=2025-03-31"


@pytest.fixture
def answered(session, settings):
    survey = make_survey(session, "nps", name="Product NPS")
    for _ in range(3):
        make_response(
            session,
            settings,
            survey,
            score=10,
            category="promoter",
            comment="Nice",
            themes=("support",),
            sentiment_label="positive",
        )
    for _ in range(2):
        make_response(
            session,
            settings,
            survey,
            score=1,
            category="detractor",
            comment="Pricey",
            themes=("price",),
            sentiment_label="negative",
        )
    session.commit()
    return survey


@pytest.fixture
def staff(session):
    for role in ("admin", "agent", "analyst"):
        create_staff(session, f"{role}@example.com", PASSWORD, role=role)
    session.commit()


def sign_in(client, role):
    client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
    return client


def test_every_staff_role_reads_the_page(client, staff, answered):
    assert client.get("/insights/themes/report").status_code == 302
    for role in ("admin", "agent", "analyst"):
        assert sign_in(client, role).get("/insights/themes/report").status_code == 200
        client.post("/logout")


def test_the_page_shows_each_theme_linked_to_the_explorer_over_the_range(client, staff, answered):
    body = (
        sign_in(client, "analyst")
        .get(f"/insights/themes/report?survey={answered.id}&{RANGE}")
        .get_data(as_text=True)
    )

    assert 'data-theme="price"' in body and 'data-theme="support"' in body
    # price costs the headline: it comes first.
    assert body.index('data-theme="price"') < body.index('data-theme="support"')
    link = (
        f"/insights/responses?theme=price&amp;survey={answered.id}"
        "&amp;from=2025-03-01&amp;to=2025-03-31"
    )
    assert link in body
    assert 'value="2025-03-01"' in body
    assert "theme figures are indicative under 50" in body


def test_the_page_shows_each_themes_share_by_week_as_a_line_and_a_table(client, staff, answered):
    body = (
        sign_in(client, "analyst")
        .get(f"/insights/themes/report?survey={answered.id}&{RANGE}")
        .get_data(as_text=True)
    )

    assert body.count('<svg class="spark"') == 2  # one line per theme
    assert "Share of comments by week" in body
    # Every answer is on 10 March 2025 (a Monday): 2 of the 5 comments that week mention price.
    assert '<time datetime="2025-03-10">' in body
    assert "40.0" in body and "2 of 5" in body


@pytest.mark.parametrize(
    "query", ["kind=nope", "from=2025-03-05&to=2025-03-01&kind=nps", "kind=csat&survey={id}"]
)
def test_a_bad_scope_is_a_400_on_the_page(client, staff, answered, query):
    response = sign_in(client, "analyst").get(
        "/insights/themes/report?" + query.format(id=answered.id)
    )
    assert response.status_code == 400


def test_api_gives_the_same_numbers(api_client, answered):
    response = api_client.get(
        "/reports/themes", survey=answered.id, **{"from": "2025-03-01", "to": "2025-03-31"}
    )
    assert response.status_code == 200
    report = response.get_json()
    assert (report["responses"], report["comments"], report["kind"]) == (5, 5, "nps")
    themes = {row["theme"]: row for row in report["themes"]}
    assert themes["price"]["mentions"] == 2
    assert themes["price"]["share_of_comments"] == pytest.approx(40.0)
    # All 2 detractors mention price: NPS of all 20, without price +100, impact −80.
    assert themes["price"]["impact"]["impact"] == pytest.approx(-80.0)
    assert themes["price"]["impact"]["low"] is not None
    assert report["themes"][0]["theme"] == "price"
    assert report["negative_vs_positive"][0]["theme"] == "price"


def test_api_by_kind_defaults_to_the_last_30_days(api_client, answered):
    report = api_client.get("/reports/themes", kind="nps").get_json()
    assert report["kind"] == "nps" and report["survey"] is None
    assert report["responses"] == 0  # the answers are from March 2025


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "survey"),
        ({"kind": "nope"}, "kind"),
        ({"kind": "nps", "from": "2025-03-05", "to": "2025-03-01"}, "from"),
        ({"kind": "nps", "to": "soon"}, "to"),
        ({"survey": "abc"}, "survey"),
    ],
)
def test_api_422s_name_the_parameter(api_client, params, field):
    error = assert_error(api_client.get("/reports/themes", **params), 422)
    assert field in error["fields"]


def test_api_404_for_a_missing_survey(api_client):
    assert_error(api_client.get("/reports/themes", survey=987654), 404)
