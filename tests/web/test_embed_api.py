"""The widget's API: identity verified, origins enforced, one answer per display, channel embed."""

import json

import pytest
from sqlalchemy import func, select

from surveys.models import EmbedRefusal, Invitation, Response
from tests.factories.embeds import HOST, identity, make_embed
from tests.factories.surveys import make_invitation

ORIGIN = {"Origin": HOST}


@pytest.fixture
def embedded(session):
    survey, secret = make_embed(session)
    session.commit()
    return survey, secret


def post(client, survey, call, body, origin=HOST):
    headers = {"Origin": origin} if origin else {}
    return client.post(f"/api/v1/embed/{survey.key}/{call}", json=body, headers=headers)


def test_signed_customer_answers_score_then_comment(client, session, embedded):
    survey, secret = embedded
    who = identity(secret, "cust-42")
    seen = post(client, survey, "visits", who)
    assert seen.status_code == 200, seen.json
    assert seen.json["eligible"] is True and seen.json["identity"] == "signed"
    assert seen.headers["Access-Control-Allow-Origin"] == HOST
    shown = post(client, survey, "displays", who)
    assert shown.status_code == 201
    display = shown.json["display"]
    first = post(client, survey, "responses", who | {"display": display, "score": 3})
    assert first.status_code == 201, first.json
    assert first.json["category"] == "detractor" and first.json["channel"] == "embed"
    again = post(client, survey, "responses", who | {"display": display, "score": 3})
    assert again.status_code == 200
    why = post(client, survey, "responses", who | {"display": display, "comment": "Too slow"})
    assert why.status_code == 200 and why.json["comment"] == "Too slow"
    (response,) = session.scalars(select(Response)).all()
    assert (response.score, response.comment, response.channel, response.identity) == (
        3,
        "Too slow",
        "embed",
        "signed",
    )


def test_a_retry_without_the_display_token_stores_one_answer(client, session, embedded):
    survey, secret = embedded
    who = identity(secret, "cust-7")
    for score in (9, 9, 10):
        assert post(client, survey, "responses", who | {"score": score}).status_code in (200, 201)
    (response,) = session.scalars(select(Response)).all()
    assert response.score == 10


def test_an_open_email_invitation_is_answered_in_the_widget(client, session, settings, embedded):
    survey, secret = embedded
    new = make_invitation(session, settings, survey, external_id="cust-mail")
    session.commit()
    who = identity(secret, "cust-mail")
    shown = post(client, survey, "displays", who)
    assert shown.status_code == 201 and shown.json["display"] == new.token
    assert (
        post(client, survey, "responses", who | {"display": new.token, "score": 8}).status_code
        == 201
    )
    assert session.scalar(select(func.count()).select_from(Invitation)) == 1
    assert session.scalars(select(Response)).one().invitation_id == new.invitation.id


def test_wrong_signature_is_refused_and_logged_in_enforce_mode(client, session, embedded):
    survey, secret = embedded
    who = identity("not-the-secret", "cust-1")
    refused = post(client, survey, "responses", who | {"score": 5})
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "identity_refused"
    assert "signature does not match" in refused.json["error"]["message"]
    assert refused.headers["Access-Control-Allow-Origin"] == HOST  # the page can read why
    assert session.scalar(select(func.count()).select_from(Response)) == 0
    assert session.scalars(select(EmbedRefusal)).one().reason == "bad_signature"


def test_a_signature_that_is_not_ascii_is_refused_not_a_server_error(client, embedded):
    survey, _ = embedded
    refused = post(client, survey, "visits", {"customer": "cust-1", "signature": "V\u00e95\u00df"})
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "identity_refused"


def test_unsigned_id_is_refused(client, session, embedded):
    survey, _ = embedded
    refused = post(client, survey, "responses", {"customer": "cust-1", "score": 5})
    assert refused.status_code == 403 and refused.json["error"]["fields"] == {
        "identity": "unsigned"
    }
    assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_report_only_keeps_the_answer_as_unverified(client, session):
    survey, _ = make_embed(session, mode="report_only")
    session.commit()
    kept = post(client, survey, "responses", {"customer": "cust-1", "score": 5})
    assert kept.status_code == 201 and kept.json["identity"] == "unverified"
    refusal = session.scalars(select(EmbedRefusal)).one()
    assert (refusal.reason, refusal.enforced) == ("unsigned", False)


def test_signed_attributes_and_expiry(
    client,
    session,
    embedded,
):
    survey, secret = embedded
    attributes = json.dumps({"plan": "pro", "email": "ann@example.com", "locale": "fi"})
    who = identity(secret, "ann", expires=4_000_000_000, attributes=attributes)
    seen = post(client, survey, "visits", who)
    assert seen.status_code == 200 and seen.json["language"] == "fi"
    tampered = who | {"attributes": json.dumps({"plan": "enterprise"})}
    assert post(client, survey, "visits", tampered).status_code == 403
    expired = identity(secret, "ann", expires=1_000_000_000)
    answer = post(client, survey, "visits", expired)
    assert answer.status_code == 403 and answer.json["error"]["fields"] == {"identity": "expired"}


def test_disallowed_origin_cannot_post(client, session, embedded):
    survey, secret = embedded
    refused = post(
        client,
        survey,
        "responses",
        identity(secret, "c") | {"score": 5},
        origin="https://evil.example",
    )
    assert refused.status_code == 403 and refused.json["error"]["code"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in refused.headers
    lookalike = post(
        client,
        survey,
        "visits",
        identity(secret, "c"),
        origin="https://app.example.com.evil.example",
    )
    assert lookalike.status_code == 403
    http = post(client, survey, "visits", identity(secret, "c"), origin="http://app.example.com")
    assert http.status_code == 403
    assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_preflight_answers_only_allowed_origins(client, embedded):
    survey, _ = embedded
    url = f"/api/v1/embed/{survey.key}/responses"
    ok = client.options(url, headers={"Origin": HOST, "Access-Control-Request-Method": "POST"})
    assert ok.headers["Access-Control-Allow-Origin"] == HOST
    assert "Content-Type" in ok.headers["Access-Control-Allow-Headers"]
    bad = client.options(
        url, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_anonymous_answers_when_the_survey_allows_them(client, session):
    survey, _ = make_embed(session, anonymous=True)
    session.commit()
    key = "k" * 24
    for _ in range(2):  # a double click: one answer
        assert post(
            client, survey, "responses", {"score": 9, "idempotency_key": key}
        ).status_code in (200, 201)
    other = post(client, survey, "responses", {"score": 4, "idempotency_key": "z" * 24})
    assert other.status_code == 201 and other.json["identity"] == "anonymous"
    responses = session.scalars(select(Response).order_by(Response.id)).all()
    assert [(r.score, r.identity, r.stage) for r in responses] == [
        (9, "anonymous", None),
        (4, "anonymous", None),
    ]


def test_anonymous_refused_when_the_survey_does_not_allow_it(client, session, embedded):
    survey, _ = embedded
    refused = post(client, survey, "responses", {"score": 9, "idempotency_key": "k" * 24})
    assert refused.status_code == 403 and refused.json["error"]["fields"] == {
        "identity": "no_customer"
    }


def test_dismissed_widget_is_not_shown_again(client, session, embedded):
    survey, secret = embedded
    who = identity(secret, "cust-d")
    display = post(client, survey, "displays", who).json["display"]
    assert post(client, survey, "dismissals", who | {"display": display}).status_code == 204
    seen = post(client, survey, "visits", who)
    assert seen.json["eligible"] is False and "dismissed" in seen.json["reason"]
    assert post(client, survey, "displays", who).status_code == 409


def test_answered_customer_is_not_asked_again_inside_the_window(client, session, embedded):
    survey, secret = embedded
    who = identity(secret, "cust-a")
    post(client, survey, "responses", who | {"score": 10})
    seen = post(client, survey, "visits", who)
    assert seen.json["eligible"] is False and "recontact window" in seen.json["reason"]


@pytest.mark.parametrize(
    "body",
    [{"score": "x"}, {"score": 99}, {"unknown": 1}, {"comment": "x" * 6000}, []],
)
def test_bad_input_is_a_4xx_with_the_error_body(client, embedded, body):
    survey, secret = embedded
    payload = identity(secret, "cust-b") | body if isinstance(body, dict) else body
    answer = post(client, survey, "responses", payload)
    assert 400 <= answer.status_code < 500
    assert "error" in answer.json


def test_unknown_key_is_404(client):
    answer = client.post("/api/v1/embed/nope/visits", json={}, headers=ORIGIN)
    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"


def test_visits_are_counted_per_half_hour(client, session, embedded):
    survey, secret = embedded
    who = identity(secret, "cust-v")
    assert post(client, survey, "visits", who).json["visits"] == 1
    assert post(client, survey, "visits", who).json["visits"] == 1
