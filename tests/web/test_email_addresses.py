"""Every way an email address enters Kaiku refuses what is not one (surveys/kernel/addresses.py,
email-validator's rules, no DNS): the API's customers, events and invitations, bounces, the CSV
import, the staff admin form and the sign-in form."""

import io

import pytest
from sqlalchemy import func, select

from surveys.models import Customer, Event, Invitation, StaffUser
from tests.factories.staff import PASSWORD, make_staff, sign_in
from tests.factories.surveys import make_survey
from tests.web.conftest import assert_error

NOT_ADDRESSES = ["a<script>@example.com", "x@exa<b>mple.com", "ann@", "ann@localhost"]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin_client(client, session):
    make_staff(session, "admin", email="boss@example.com")
    session.commit()
    return sign_in(client, "boss@example.com")


@pytest.mark.parametrize("address", NOT_ADDRESSES)
def test_the_api_refuses_a_customer_email_that_is_no_address(api_client, session, address):
    survey = make_survey(session)
    session.commit()
    customer = {"external_id": "crm-1", "email": address}
    event = {"customer": customer, "name": "signed_up"}

    put = api_client.send("PUT", "/customers/crm-1", json={"email": address})
    posted = api_client.post("/events", event)
    invited = api_client.post(f"/surveys/{survey.id}/invitations", {"customer": customer})

    assert assert_error(put, 422)["fields"] == {"email": "not an email address"}
    assert assert_error(posted, 422)["fields"] == {"customer.email": "not an email address"}
    assert assert_error(invited, 422)["fields"] == {"customer.email": "not an email address"}
    assert count(session, Customer) == count(session, Event) == count(session, Invitation) == 0


@pytest.mark.parametrize("address", NOT_ADDRESSES)
def test_a_bounce_for_no_address_is_refused(api_client, address):
    error = assert_error(api_client.post("/bounces", {"email": address}), 422)

    assert error["fields"] == {"email": "invalid"}


def test_the_import_reports_a_row_whose_email_is_no_address(admin_client, session):
    content = b"external_id,email\nc1,a<script>@example.com\nc2,c2@example.com\n"

    reply = admin_client.post(
        "/admin/imports",
        data={"file": (io.BytesIO(content), "customers.csv")},
        content_type="multipart/form-data",
    )

    assert reply.status_code == 303
    assert list(session.scalars(select(Customer.external_id))) == ["c2"]


@pytest.mark.parametrize("address", NOT_ADDRESSES)
def test_the_staff_form_refuses_an_email_that_is_no_address(admin_client, session, address):
    data = {"email": address, "name": "", "role": "agent", "password": ""}

    reply = admin_client.post("/admin/staff/new", data=data)

    assert reply.status_code == 422
    assert "Enter a valid email address." in reply.text
    assert count(session, StaffUser) == 1


def test_sign_in_with_an_email_that_is_no_address_is_only_wrong(client, session):
    reply = client.post("/login", data={"email": "a<script>@example.com", "password": PASSWORD})

    assert reply.status_code == 200
    assert "Email or password is wrong." in reply.text


def test_an_account_made_before_the_address_rules_still_signs_in(client, session):
    old = make_staff(session, "admin", email="boss@example.com")
    old.email = "admin@kaiku.local"  # a special-use domain, refused for new accounts today
    session.commit()

    reply = client.post("/login", data={"email": "admin@kaiku.local", "password": PASSWORD})

    assert reply.status_code == 302 and "/login" not in reply.headers["Location"]


def test_a_customer_email_is_kept_with_its_domain_lower_cased(api_client, session):
    reply = api_client.send("PUT", "/customers/crm-1", json={"email": " Aino@Example.COM "})

    assert reply.status_code in (200, 201), reply.get_json()
    assert session.scalar(select(Customer.email)) == "Aino@example.com"
