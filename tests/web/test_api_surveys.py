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
    assert survey["question_en"] == DEFAULT_TEXTS["nps"]["question"]
    finnish = "Kuinka todennäköisesti suosittelisit meitä ystävälle tai kollegalle?"
    assert survey["question_fi"] == finnish == survey["texts"]["fi"]["question"]
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
    texts = survey["texts"] | {"fi": survey["texts"]["fi"] | {"question": "Uusi?"}}
    assert changed == survey | {
        "name": "Renewal NPS", "active": False, "question_fi": "Uusi?", "texts": texts,
    }  # fmt: skip
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


def test_texts_by_language_in_and_out_with_the_v1_fields_alongside(api_client):
    texts = {
        "en": {"question": "How did we do?", "comment_prompt": "Tell us more"},
        "sv": {"question": "Hur gick det?", "comment_prompt": "Berätta mer"},
    }
    body = {"name": "Support", "kind": "csat", "texts": texts, "question_fi": "Miten meni?"}
    survey = api_client.post("/surveys", body).get_json()

    assert survey["texts"]["sv"] == texts["sv"] and survey["texts"]["en"] == texts["en"]
    assert survey["texts"]["fi"]["question"] == "Miten meni?" == survey["question_fi"]
    assert survey["question_en"] == "How did we do?"


def test_patch_texts_changes_one_language_and_null_removes_it(api_client):
    body = {"name": "R", "kind": "nps", "texts": {"sv": {"question": "Skulle du tipsa?"}}}
    survey = api_client.post("/surveys", body).get_json()
    url = f"/surveys/{survey['id']}"

    changed = api_client.patch(url, {"texts": {"sv": {"question": "Tipsa oss?"}}}).get_json()
    assert changed["texts"]["sv"]["question"] == "Tipsa oss?"
    assert changed["texts"]["fi"] == survey["texts"]["fi"]  # not named: unchanged

    removed = api_client.patch(url, {"texts": {"sv": {"question": None}}}).get_json()
    assert "question" not in removed["texts"]["sv"]  # the Swedish page asks in English
    assert removed["texts"]["sv"]["comment_prompt"] == "Vad är det främsta skälet till ditt betyg?"
    error = assert_error(api_client.patch(url, {"texts": {"en": {"question": None}}}), 422)
    assert "texts.en.question" in error["fields"]


def test_texts_in_an_unknown_language_or_differing_aliases_are_refused(api_client):
    unknown = {"name": "A", "kind": "nps", "texts": {"de": {"question": "Wie war es?"}}}
    fields = assert_error(api_client.post("/surveys", unknown), 422)["fields"]
    assert [name for name in fields if name.startswith("texts.de")]
    both = {"name": "A", "kind": "nps", "question_fi": "A?", "texts": {"fi": {"question": "B?"}}}
    assert_error(api_client.post("/surveys", both), 422)
