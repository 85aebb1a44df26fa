"""GET /api/v1/responses with the explorer's filters, and its streamed CSV export."""

import csv
import io
from datetime import timedelta

import pytest

from surveys.kernel import clock
from surveys.models import RescueTask
from surveys.staff.apikeys import create_api_key
from tests.factories.explorer import DAY, make_response
from tests.factories.surveys import make_survey
from tests.web.conftest import JsonClient, assert_error


def ids(api_client, **params) -> list[int]:
    response = api_client.get("/responses", **params)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def test_filters_in_the_query_string_combine_and_page(api_client, session, settings):
    survey = make_survey(session, "nps")
    wanted = [
        make_response(session, settings, survey, score=2, category="detractor", stage="at_risk",
                      comment="Too expensive", language="en", sentiment_label="negative",
                      themes=("price",), customer={"attributes": {"plan": "pro"}})
        for _ in range(3)
    ]  # fmt: skip
    make_response(session, settings, survey, score=2, category="detractor", stage="active")
    make_response(session, settings, survey, score=2, category="detractor", stage="at_risk",
                  customer={"attributes": {"plan": "free"}})  # fmt: skip
    session.commit()
    params = {"kind": "nps", "score_max": "6", "stage": "at_risk", "attr.plan": "pro",
              "theme": "price", "sentiment": "negative", "q": "expensive",
              "from": "2025-03-01", "to": "2025-03-31"}  # fmt: skip

    first = api_client.get("/responses", limit=2, **params).get_json()
    assert [item["id"] for item in first["items"]] == [wanted[2].id, wanted[1].id]
    assert "attr.plan=pro" in first["next"] and "stage=at_risk" in first["next"]
    second = api_client.client.get(first["next"], headers=api_client.headers).get_json()
    assert [item["id"] for item in second["items"]] == [wanted[0].id]
    assert second["next"] is None


def test_rescue_filter(api_client, session, settings):
    quiet = make_response(session, settings, score=9)
    rescued = make_response(session, settings, score=1)
    session.add(RescueTask(response_id=rescued.id, customer_id=rescued.customer_id,
                           survey_id=rescued.survey_id, status="resolved",
                           due_at=DAY + timedelta(days=1)))  # fmt: skip
    session.commit()
    assert ids(api_client, rescue="none") == [quiet.id]
    assert ids(api_client, rescue="resolved") == [rescued.id]
    assert ids(api_client, rescue="open") == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sentiment": "angry"}, "sentiment"),
        ({"from": "2025-02-30"}, "from"),
        ({"from": "2025-03-05", "to": "2025-03-01"}, "from"),
        ({"rescue": "later"}, "rescue"),
        ({"score_min": "9", "score_max": "2"}, "score_min"),
        ({"format": "xlsx"}, "format"),
        ({"sort": "oldest"}, "sort"),  # pages are by id; sort is for the CSV
    ],
)
def test_bad_filters_are_422_naming_the_field(api_client, params, field):
    error = assert_error(api_client.get("/responses", **params), 422, "invalid")
    assert field in error["fields"]


def test_unknown_survey_is_404_also_for_csv(api_client):
    assert_error(api_client.get("/responses", survey=987654), 404)
    assert_error(api_client.get("/responses", survey=987654, format="csv"), 404)


def test_csv_streams_every_matching_row_with_bom_header_and_neutralised_cells(
    api_client, session, settings
):
    clock.set_source(lambda: DAY)
    survey = make_survey(session, "nps", name="=Onboarding NPS")
    bad = make_response(
        session, settings, survey, score=2, category="detractor",
        comment="=HYPERLINK(\"http://evil.example\")\nsecond line", language="en",
        sentiment_label="negative", sentiment_polarity=-0.6, themes=("price", "support"),
        customer={"external_id": "+crm-1", "name": "@Eve"},
    )  # fmt: skip
    session.add(RescueTask(response_id=bad.id, customer_id=bad.customer_id,
                           survey_id=survey.id, status="open", due_at=DAY))  # fmt: skip
    for i in range(120):  # more than a page: the export is not paged
        make_response(session, settings, survey, score=9, category="promoter",
                      comment=f"-{i} fine", answered_at=DAY - timedelta(minutes=i + 1))  # fmt: skip
    make_response(session, settings, make_survey(session, "csat"), score=5)
    session.commit()

    response = api_client.get("/responses", format="csv", kind="nps", sort="score_asc")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=kaiku-responses-2025-03-10.csv"
    )
    assert response.is_streamed
    rows = read_csv(response)
    assert rows[0] == [
        "id", "answered_at", "survey", "kind", "score", "category", "comment", "language",
        "sentiment", "polarity", "mixed", "themes", "stage", "channel", "customer_external_id",
        "customer_name", "rescue_task_id", "rescue_status",
    ]  # fmt: skip
    assert len(rows) == 1 + 121
    task_id = session.query(RescueTask.id).filter_by(response_id=bad.id).scalar()
    assert rows[1] == [
        str(bad.id), "2025-03-10T12:00:00+00:00", "'=Onboarding NPS", "nps", "2", "detractor",
        "'=HYPERLINK(\"http://evil.example\")\nsecond line", "en", "negative", "-0.6",
        "false", "price;support", "active", "email", "'+crm-1", "'@Eve", str(task_id), "open",
    ]  # fmt: skip
    assert {row[6][:2] for row in rows[2:]} == {"'-"}
    assert all(row[16] == "" and row[17] == "" for row in rows[2:])


def test_csv_of_nothing_is_the_header(api_client):
    response = api_client.get("/responses", format="csv", q="nothing")
    assert response.status_code == 200 and len(read_csv(response)) == 1


@pytest.mark.parametrize("role", ["admin", "agent", "analyst"])
def test_every_role_reads_responses_and_their_csv(client, session, settings, role):
    make_response(session, settings)
    _, raw = create_api_key(session, f"{role} key", role=role)
    session.commit()
    api = JsonClient(client, {"Authorization": f"Bearer {raw}"})
    assert api.get("/responses", stage="active").status_code == 200
    assert api.get("/responses", format="csv").status_code == 200


def test_csv_needs_a_key(client):
    assert_error(client.get("/api/v1/responses?format=csv"), 401)
