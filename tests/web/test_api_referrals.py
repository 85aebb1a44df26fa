"""Referral programmes and promoters' links over the API."""

from sqlalchemy import func, select

from surveys.answers.processing import process_response
from surveys.answers.recording import add_comment, record_answer
from surveys.models import ReferralProgramme
from tests.factories.surveys import make_invitation, make_programme, make_survey
from tests.web.conftest import assert_error


def test_create_and_list_programmes(api_client):
    body = {
        "name": "Friends",
        "reward": "A month free",
        "landing_url": "https://example.com/join?src=kaiku",
    }
    response = api_client.post("/referral-programmes", body)

    assert response.status_code == 201
    programme = response.get_json()
    assert {key: programme[key] for key in body} == body
    assert programme["active"] is True and programme["id"]
    assert api_client.get("/referral-programmes").get_json() == {"items": [programme]}


def test_programme_reward_texts_by_language(api_client):
    body = {
        "name": "Friends",
        "reward": "A month free",
        "rewards": {"fi": "Kuukausi ilmaiseksi", "sv": "En månad gratis"},
        "landing_url": "https://example.com/join",
    }
    response = api_client.post("/referral-programmes", body)
    assert response.status_code == 201
    assert response.get_json()["rewards"] == body["rewards"]
    assert api_client.get("/referral-programmes").get_json()["items"][0]["rewards"] == {
        "fi": "Kuukausi ilmaiseksi",
        "sv": "En månad gratis",
    }


def test_programme_reward_texts_must_be_in_a_known_language(api_client, session):
    for rewards in [{"de": "Ein Monat"}, {"fi": ""}, {"fi": 1}, ["fi"]]:
        body = {"name": "F", "landing_url": "https://example.com", "rewards": rewards}
        error = assert_error(api_client.post("/referral-programmes", body), 422)
        assert any(field.startswith("rewards") for field in error["fields"]), (rewards, error)
    assert session.scalar(select(func.count()).select_from(ReferralProgramme)) == 0


def test_programme_landing_url_must_be_absolute_http_on_a_real_host(api_client, session):
    for url in [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "/relative/path",
        "//evil.example/join",
        "ftp://example.com/",
        "https://",
        "http://[not-an-ipv6",
        "https://example.com/a b",
        "https://example.com/\x0bjoin",
        # Browsers follow these to evil.com: what is before the @ is a user name and password.
        "http://127.0.0.1:5200@evil.com/",
        "https://kaiku.example:pw@evil.com/join",
        "http://localhost/join",
        "https://ex_ample.com/",
        "http://1.2.3/",
        "https://example.com:99999/",
    ]:
        body = {"name": "Friends", "landing_url": url}
        error = assert_error(api_client.post("/referral-programmes", body), 422, "invalid")
        assert "landing_url" in error["fields"], (url, error)
    assert session.scalar(select(func.count()).select_from(ReferralProgramme)) == 0


def test_programme_fields_are_typed(api_client):
    for body, field in [
        ({"landing_url": "https://example.com"}, "name"),
        ({"name": "F", "landing_url": "https://example.com", "active": 1}, "active"),
        ({"name": "F", "landing_url": ["https://example.com"]}, "landing_url"),
        ({"name": "F", "landing_url": "https://example.com", "reward": 10}, "reward"),
    ]:
        error = assert_error(api_client.post("/referral-programmes", body), 422)
        assert field in error["fields"], (body, error)


def test_promoters_referral_links_by_customer(api_client, session, settings):
    programme = make_programme(session)
    new = make_invitation(session, settings, survey=make_survey(session), external_id="fan-1")
    response_id = record_answer(session, new.invitation, 10, channel="email")
    add_comment(session, new.invitation, "Love it, works great")
    session.commit()
    process_response(session, response_id, settings)
    session.commit()

    listing = api_client.get("/referrals", customer="fan-1")

    assert listing.status_code == 200
    (referral,) = listing.get_json()["items"]
    assert referral["programme"] == programme.id and referral["customer"] == "fan-1"
    assert referral["url"] == f"{settings.base_url}/r/{referral['code']}"
    assert referral["clicks"] == 0 and referral["conversions"] == 0
    assert api_client.get("/referrals").get_json()["items"] == [referral]


def test_referrals_of_unknown_customer_is_404(api_client):
    assert_error(api_client.get("/referrals", customer="nobody"), 404, "not_found")


def test_a_landing_url_on_an_ip_address_or_an_international_domain_is_kept(api_client):
    for url in ["http://127.0.0.1:5200/join", "https://[2001:db8::1]/", "https://exämple.fi/"]:
        reply = api_client.post("/referral-programmes", {"name": "F", "landing_url": url})
        assert reply.status_code == 201, (url, reply.get_json())
        assert reply.get_json()["landing_url"] == url
