"""The theme taxonomy over the API: GET/POST /themes, GET/PATCH/DELETE /themes/<key>."""

import pytest
from sqlalchemy import select

from surveys.models import Theme
from surveys.staff.apikeys import create_api_key
from tests.web.conftest import JsonClient, assert_error


@pytest.fixture
def analyst_api(client, session) -> JsonClient:
    _, raw = create_api_key(session, "analyst", role="analyst")
    session.commit()
    return JsonClient(client, {"Authorization": f"Bearer {raw}"})


NEW = {"key": "vouchers", "names": {"en": "Vouchers", "fi": "Lahjakortit"},
       "terms": {"en": ["voucher", "gift card"], "fi": ["lahjakortti"]}}  # fmt: skip


def test_list_has_every_default_theme_with_its_count(api_client):
    items = api_client.get("/themes").get_json()["items"]
    price = next(item for item in items if item["key"] == "price")
    assert len(items) == 14 and price["responses_90d"] == 0
    assert "kuukausimaksu" in price["terms"]["fi"] and price["active"] is True


def test_an_analyst_key_creates_changes_and_deletes_a_theme(analyst_api, session):
    created = analyst_api.post("/themes", NEW)
    assert created.status_code == 201, created.get_json()
    assert created.headers["Location"].endswith("/api/v1/themes/vouchers")

    patched = analyst_api.patch(
        "/themes/vouchers", {"terms": {"sv": ["presentkort"]}, "active": False}
    )
    body = patched.get_json()
    assert patched.status_code == 200
    assert body["terms"] == {
        "en": ["voucher", "gift card"],
        "fi": ["lahjakortti"],
        "sv": ["presentkort"],
    }
    assert body["active"] is False and analyst_api.get("/themes/vouchers").get_json() == body

    deleted = analyst_api.send("DELETE", "/themes/vouchers")
    assert deleted.status_code == 204
    assert_error(analyst_api.get("/themes/vouchers"), 404, "not_found")


def test_an_agent_key_reads_but_may_not_write(client, session):
    _, raw = create_api_key(session, "agent", role="agent")
    session.commit()
    agent = JsonClient(client, {"Authorization": f"Bearer {raw}"})
    assert agent.get("/themes/price").status_code == 200
    assert_error(agent.post("/themes", NEW), 403, "forbidden")
    assert_error(agent.patch("/themes/price", {"active": False}), 403)
    assert_error(agent.send("DELETE", "/themes/price"), 403)
    assert session.scalar(select(Theme.active).where(Theme.key == "price")) is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (NEW | {"key": "Not A Key"}, "key"),
        (NEW | {"terms": {"de": ["preis"]}}, "terms.de"),
        (NEW | {"terms": {"en": ["*"]}}, "terms.en"),
        (NEW | {"names": {"fi": "Vain suomeksi"}}, "names.en"),
        (NEW | {"terms": {"en": "voucher"}}, "terms.en"),
        (NEW | {"colour": "red"}, "colour"),
        ({k: v for k, v in NEW.items() if k != "terms"}, "terms"),
    ],
)
def test_invalid_bodies_are_422_naming_the_field_and_change_nothing(
    api_client, session, body, field
):
    error = assert_error(api_client.post("/themes", body), 422)
    assert any(name.startswith(field) for name in error["fields"]), error
    assert session.scalar(select(Theme.id).where(Theme.key == "vouchers")) is None


def test_a_taken_key_is_409(api_client):
    assert_error(api_client.post("/themes", NEW | {"key": "price"}), 409, "conflict")


def test_patch_refuses_null_and_unknown_themes(api_client):
    assert_error(api_client.patch("/themes/price", {"terms": None}), 422)
    assert_error(api_client.patch("/themes/nope", {"active": False}), 404)
    assert_error(api_client.patch("/themes/price", {"terms": {"en": []}, "fi": 1}), 422)


def test_clearing_every_term_is_refused(api_client, session):
    empty = {lang: [] for lang in ("en", "fi", "sv")}
    error = assert_error(api_client.patch("/themes/price", {"terms": empty}), 422)
    assert "terms" in error["fields"]
    assert session.scalar(select(Theme.terms).where(Theme.key == "price"))["en"]
