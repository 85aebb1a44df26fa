"""The one input check (app/inputs.py): a NUL or control character in a path segment, query
parameter or form field is a clear 4xx that changes nothing, never a 500 (PostgreSQL refuses NUL
in text); a respondent's comment keeps its words without the character."""

import io

import pytest
from sqlalchemy import func, select

from surveys.models import Customer, CustomerImport, Response, StaffUser
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_invitation, make_survey
from tests.web.conftest import assert_error


@pytest.fixture
def token(session, settings) -> str:
    invitation = make_invitation(session, settings, make_survey(session))
    session.commit()
    return invitation.token


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_nul_in_the_comment_is_removed_and_the_answer_and_words_kept(client, session, token):
    assert client.post(f"/s/{token}", data={"score": "9"}).status_code == 303

    reply = client.post(f"/s/{token}/why", data={"comment": "hello\x00world\r\nagain\x07"})

    assert reply.status_code == 303 and reply.location.endswith(f"/s/{token}/thanks")
    response = session.scalars(select(Response)).one()
    assert (response.score, response.comment) == (9, "helloworld\nagain")
    assert client.get(reply.location).status_code == 200


@pytest.mark.parametrize("path", ["/r/%00", "/r/a%01b", "/s/%00", "/s/a%00b/why", "/u/%00"])
def test_a_nul_in_a_public_path_is_not_found(client, path):
    reply = client.get(path)

    assert reply.status_code == 404
    assert "text/html" in reply.content_type


def test_a_nul_in_the_sign_in_email_is_refused(client, session):
    make_staff(session, "admin", email="a@example.com")
    session.commit()

    reply = client.post("/login", data={"email": "a\x00@example.com", "password": "x" * 12})

    assert reply.status_code == 422
    assert "NUL" in reply.text


@pytest.mark.parametrize("external_id", ["%00", "a%00b", "a%0Ab"])
def test_a_nul_in_an_api_path_is_a_json_404_that_stores_nothing(client, session, api, external_id):
    read = client.get(f"/api/v1/customers/{external_id}", headers=api)
    put = client.put(f"/api/v1/customers/{external_id}", json={"name": "N"}, headers=api)
    convert = client.post(f"/api/v1/referrals/{external_id}/conversions", json={}, headers=api)

    for reply in (read, put, convert):
        error = assert_error(reply, 404, "not_found")
        assert error["fields"] == {}
    assert count(session, Customer) == 0


def test_a_nul_in_a_query_parameter_is_a_422_naming_it(client, api):
    error = assert_error(client.get("/api/v1/responses?category=a%00", headers=api), 422)

    assert error["fields"] == {"category": "contains a NUL character"}


def test_a_nul_in_a_staff_page_query_is_a_422_page(client, session):
    make_staff(session, "admin", email="boss@example.com")
    session.commit()
    sign_in(client, "boss@example.com")

    assert client.get("/rescue/?status=open%00").status_code == 422


def test_a_nul_in_a_new_staff_email_is_refused_and_no_one_added(client, session):
    make_staff(session, "admin", email="boss@example.com")
    session.commit()
    sign_in(client, "boss@example.com")

    reply = client.post(
        "/admin/staff/new",
        data={"email": "a\x00b@example.com", "name": "A", "role": "agent", "password": ""},
    )

    assert reply.status_code == 422
    assert count(session, StaffUser) == 1


@pytest.mark.parametrize("padding", [0, 70_000])  # under and over the app's 64 KiB body limit
def test_an_uploaded_file_name_with_a_nul_is_kept_without_it(client, session, padding):
    make_staff(session, "admin", email="boss@example.com")
    session.commit()
    sign_in(client, "boss@example.com")
    content = b"external_id,email\nc1,c1@example.com\n" + b"\n" * padding

    reply = client.post(
        "/admin/imports",
        data={"file": (io.BytesIO(content), "my\x00list.csv")},
        content_type="multipart/form-data",
    )

    assert reply.status_code == 303
    assert session.scalars(select(CustomerImport.filename)).one() == "mylist.csv"


def test_an_id_too_large_for_the_database_is_not_found(client, session, api):
    make_staff(session, "admin", email="boss@example.com")
    session.commit()
    sign_in(client, "boss@example.com")
    huge = "99999999999999999999"

    assert client.get(f"/rescue/{huge}").status_code == 404
    assert client.post(f"/rescue/{huge}/notes", data={"note-body": "hi"}).status_code == 404
    assert_error(client.get(f"/api/v1/rescue-tasks/{huge}", headers=api), 404)
