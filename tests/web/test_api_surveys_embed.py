"""A survey's embed over the API: its settings in the survey's JSON, partial changes checked
field by field, and signing secrets made (shown once) and rotated with a grace period."""

from datetime import datetime

import pytest

from surveys.embed.signing import sign
from surveys.models import EmbedSecret
from surveys.staff.apikeys import create_api_key
from tests.factories.clock import T0, Clock
from tests.factories.embeds import HOST, make_embed
from tests.factories.surveys import make_survey
from tests.web.conftest import assert_error


@pytest.fixture
def survey(session):
    survey = make_survey(session, name="Checkout NPS")
    session.commit()
    return survey


def test_a_new_survey_carries_its_embed_defaults(api_client):
    created = api_client.post("/surveys", {"name": "Widget NPS", "kind": "nps"}).get_json()
    assert created["embed"] == {
        "key": created["key"],
        "allowed_origins": [],
        "anonymous": False,
        "triggers": [{"type": "load"}],
        "mode": "enforce",
        "dismiss_days": 30,
        "keys": [],
    }
    assert api_client.get("/surveys").get_json()["items"] == [created]


def test_create_with_embed_settings(api_client):
    body = {
        "name": "Widget NPS",
        "kind": "nps",
        "embed": {"allowed_origins": ["https://App.Example.com:443"], "mode": "report_only"},
    }
    created = api_client.post("/surveys", body)
    assert created.status_code == 201, created.json
    assert created.json["embed"]["allowed_origins"] == [HOST]
    assert created.json["embed"]["mode"] == "report_only"


def test_patch_changes_only_the_embed_fields_given(api_client, survey):
    changed = api_client.patch(
        f"/surveys/{survey.id}",
        {
            "embed": {
                "allowed_origins": [HOST, "http://localhost:8080"],
                "triggers": [{"type": "delay", "seconds": 20}, {"type": "event", "name": "paid"}],
            }
        },
    )
    assert changed.status_code == 200, changed.json
    embed = changed.json["embed"]
    assert embed["allowed_origins"] == [HOST, "http://localhost:8080"]
    assert embed["triggers"] == [
        {"type": "delay", "seconds": 20},
        {"type": "event", "name": "paid"},
    ]
    assert embed["mode"] == "enforce" and embed["dismiss_days"] == 30
    again = api_client.patch(f"/surveys/{survey.id}", {"embed": {"anonymous": True}}).json
    assert again["embed"]["anonymous"] is True
    assert again["embed"]["allowed_origins"] == [HOST, "http://localhost:8080"]
    assert api_client.get(f"/surveys/{survey.id}").json["embed"] == again["embed"]


@pytest.mark.parametrize(
    ("embed", "fields"),
    [
        ({"allowed_origins": ["https://*.example.com"]}, {"embed.allowed_origins.0"}),
        ({"allowed_origins": [HOST, "https://x.example/path"]}, {"embed.allowed_origins.1"}),
        ({"allowed_origins": "https://example.com"}, {"embed.allowed_origins"}),
        ({"mode": "strict"}, {"embed.mode"}),
        ({"anonymous": "yes"}, {"embed.anonymous"}),
        ({"dismiss_days": 400}, {"embed.dismiss_days"}),
        ({"triggers": []}, {"embed.triggers"}),
        ({"triggers": [{"type": "load"}, {"type": "delay"}]}, {"embed.triggers.1.seconds"}),
        ({"triggers": [{"type": "url", "pattern": "billing"}]}, {"embed.triggers.0.pattern"}),
        ({"key": "mine"}, {"embed.key"}),
        ({"mode": "strict", "dismiss_days": -1}, {"embed.mode", "embed.dismiss_days"}),
    ],
)
def test_bad_embed_values_are_422_naming_each_field(api_client, survey, embed, fields):
    error = assert_error(api_client.patch(f"/surveys/{survey.id}", {"embed": embed}), 422)
    assert set(error["fields"]) == fields


def test_a_refused_embed_change_changes_nothing_else(api_client, survey):
    refused = api_client.patch(
        f"/surveys/{survey.id}", {"name": "Renamed", "embed": {"mode": "strict"}}
    )
    assert_error(refused, 422, "invalid")
    assert api_client.get(f"/surveys/{survey.id}").json["name"] == "Checkout NPS"


def test_embed_must_be_an_object(api_client, survey):
    for value in (None, ["mode"], "enforce"):
        error = assert_error(api_client.patch(f"/surveys/{survey.id}", {"embed": value}), 422)
        assert set(error["fields"]) == {"embed"}


def test_a_new_secret_is_returned_once_and_never_in_the_survey(api_client, survey, session):
    made = api_client.post(f"/surveys/{survey.id}/embed-secrets", {})
    assert made.status_code == 201, made.json
    secret = made.json["secret"]
    assert secret.startswith("kes_") and made.json["key_id"].startswith("ek_")
    assert made.json["retiring"] == []
    assert datetime.fromisoformat(made.json["created_at"]).utcoffset() is not None
    read = api_client.get(f"/surveys/{survey.id}")
    assert read.json["embed"]["keys"] == [
        {"key_id": made.json["key_id"], "created_at": made.json["created_at"], "retires_at": None}
    ]
    for page in (read, api_client.get("/surveys")):
        assert secret not in page.get_data(as_text=True)
        assert "kes_" not in page.get_data(as_text=True)


def test_a_secret_without_a_body_takes_the_default_grace(api_client, survey):
    first = api_client.send("POST", f"/surveys/{survey.id}/embed-secrets")
    assert first.status_code == 201, first.json
    second = api_client.send("POST", f"/surveys/{survey.id}/embed-secrets").json
    (retiring,) = second["retiring"]
    ends = datetime.fromisoformat(retiring["retires_at"])
    assert retiring["key_id"] == first.json["key_id"]
    assert (ends - datetime.fromisoformat(second["created_at"])).total_seconds() == 168 * 3600


@pytest.mark.parametrize("body", [{"grace_hours": -1}, {"grace_hours": 2161}, {"grace": 5}])
def test_bad_grace_is_422(api_client, survey, body):
    assert_error(api_client.post(f"/surveys/{survey.id}/embed-secrets", body), 422)


def test_secrets_of_an_unknown_survey_are_404(api_client):
    assert_error(api_client.post("/surveys/999999/embed-secrets", {}), 404)


def test_only_an_admin_key_makes_secrets(client, session, survey):
    for role in ("agent", "analyst"):
        _, raw = create_api_key(session, f"{role} key", role=role)
        session.commit()
        refused = client.post(
            f"/api/v1/surveys/{survey.id}/embed-secrets",
            json={},
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert_error(refused, 403, "forbidden")
    assert session.query(EmbedSecret).count() == 0


def _visit(client, survey, secret: str, customer: str = "cust-9"):
    body = {"customer": customer, "signature": sign(secret, customer)}
    return client.post(f"/api/v1/embed/{survey.key}/visits", json=body, headers={"Origin": HOST})


def test_rotation_keeps_the_old_secret_valid_for_the_grace_period_only(api_client, client, session):
    clock = Clock(T0)
    survey, _ = make_embed(session)
    session.commit()
    old = api_client.post(f"/surveys/{survey.id}/embed-secrets", {"grace_hours": 0}).json
    new = api_client.post(f"/surveys/{survey.id}/embed-secrets", {"grace_hours": 24}).json
    assert [key["key_id"] for key in new["retiring"]] == [old["key_id"]]

    clock.advance(hours=23, minutes=59)
    assert _visit(client, survey, old["secret"]).json["identity"] == "signed"
    assert _visit(client, survey, new["secret"]).json["identity"] == "signed"

    clock.advance(minutes=2)
    refused = _visit(client, survey, old["secret"])
    assert_error(refused, 403, "identity_refused")
    assert _visit(client, survey, new["secret"]).json["identity"] == "signed"
    keys = api_client.get(f"/surveys/{survey.id}").json["embed"]["keys"]
    assert [key["key_id"] for key in keys][:2] == [new["key_id"], old["key_id"]]
    assert keys[0]["retires_at"] is None and keys[1]["retires_at"] is not None
