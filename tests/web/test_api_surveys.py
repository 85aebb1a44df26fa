"""Survey definitions over the API: create, list, read, change."""

from datetime import datetime

from surveys.catalog.definitions import DEFAULT_TEXTS
from tests.web.conftest import assert_error


def test_create_survey_with_defaults_for_its_kind(api_client):
    response = api_client.post("/surveys", {"name": "Onboarding NPS", "kind": "nps"})

    assert response.status_code == 201
    survey = response.get_json()
    assert survey["name"] == "Onboarding NPS" and survey["kind"] == "nps"
    assert survey["active"] is True
    assert survey["question_en"] == DEFAULT_TEXTS["nps"]["question_en"]
    assert survey["question_fi"] == DEFAULT_TEXTS["nps"]["question_fi"]
    assert survey["comment_prompt_en"] and survey["comment_prompt_fi"]
    assert len(survey["key"]) >= 16
    assert datetime.fromisoformat(survey["created_at"]).utcoffset() is not None
    assert response.headers["Location"].endswith(f"/api/v1/surveys/{survey['id']}")


def test_create_survey_with_own_texts(api_client):
    body = {
        "name": "  Support CSAT  ",
        "kind": "csat",
        "question_en": "How did we do?",
        "question_fi": "Miten onnistuimme?",
        "comment_prompt_en": "Tell us more",
        "comment_prompt_fi": "Kerro lisää",
        "active": False,
    }
    survey = api_client.post("/surveys", body).get_json()
    expected = body | {"name": "Support CSAT"}  # surrounding spaces trimmed
    assert {field: survey[field] for field in expected} == expected


def test_each_survey_gets_its_own_key(api_client):
    first = api_client.post("/surveys", {"name": "A", "kind": "ces"}).get_json()
    second = api_client.post("/surveys", {"name": "B", "kind": "ces"}).get_json()
    assert first["key"] != second["key"]


def test_list_and_get_surveys(api_client):
    created = [
        api_client.post("/surveys", {"name": name, "kind": kind}).get_json()
        for name, kind in [("NPS", "nps"), ("CSAT", "csat")]
    ]
    listing = api_client.get("/surveys")
    assert listing.status_code == 200
    assert listing.get_json() == {"items": created}
    assert api_client.get(f"/surveys/{created[1]['id']}").get_json() == created[1]


def test_patch_changes_only_the_given_fields(api_client):
    survey = api_client.post("/surveys", {"name": "Renewal", "kind": "nps"}).get_json()
    response = api_client.patch(
        f"/surveys/{survey['id']}", {"name": "Renewal NPS", "active": False, "question_fi": "Uusi?"}
    )
    assert response.status_code == 200
    changed = response.get_json()
    assert changed == survey | {"name": "Renewal NPS", "active": False, "question_fi": "Uusi?"}
    assert api_client.get(f"/surveys/{survey['id']}").get_json() == changed


def test_patch_cannot_change_kind_or_set_nulls(api_client):
    survey = api_client.post("/surveys", {"name": "Renewal", "kind": "nps"}).get_json()
    error = assert_error(api_client.patch(f"/surveys/{survey['id']}", {"kind": "csat"}), 422)
    assert "kind" in error["fields"]
    error = assert_error(api_client.patch(f"/surveys/{survey['id']}", {"name": None}), 422)
    assert "name" in error["fields"]
    error = assert_error(api_client.patch(f"/surveys/{survey['id']}", {"question_en": "  "}), 422)
    assert "question_en" in error["fields"]
    assert api_client.get(f"/surveys/{survey['id']}").get_json() == survey


def test_create_survey_refuses_bad_fields(api_client):
    cases = [
        ({"kind": "nps"}, "name"),
        ({"name": "", "kind": "nps"}, "name"),
        ({"name": "x" * 201, "kind": "nps"}, "name"),
        ({"name": "X", "kind": "NPS"}, "kind"),
        ({"name": "X", "kind": "nps", "active": "yes"}, "active"),
        ({"name": "X", "kind": "nps", "colour": "red"}, "colour"),
        ({"name": 9, "kind": "nps"}, "name"),
    ]
    for body, field in cases:
        error = assert_error(api_client.post("/surveys", body), 422, "invalid")
        assert field in error["fields"], (body, error)
    assert api_client.get("/surveys").get_json() == {"items": []}


def test_unknown_survey_is_404(api_client):
    assert_error(api_client.get("/surveys/4242"), 404, "not_found")
    assert_error(api_client.patch("/surveys/4242", {"name": "X"}), 404, "not_found")
