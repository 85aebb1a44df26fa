"""Privacy on the customer page: admins see "Export data" (the API's JSON document, as a
download) and "Erase…", whose confirmation page names the customer and erases only once their
id is typed in; agents and analysts see neither and are refused both."""

import json

import pytest
from sqlalchemy import select

from surveys.models import Customer, Erasure
from tests.factories.privacy import EMAIL, EXTERNAL_ID, NAME, make_person
from tests.factories.staff import make_staff, sign_in


@pytest.fixture
def person(session, settings):
    return make_person(session, settings)


def signed_in(client, session, role: str):
    user = make_staff(session, role, email=f"privacy-page-{role}@example.com", name=f"The {role}")
    session.commit()
    return sign_in(client, user)


def test_admins_see_export_and_erase_on_the_customer_page(client, session, person):
    signed_in(client, session, "admin")

    html = client.get(f"/customers/{person.customer.id}").get_data(as_text=True)

    actions = html.split('id="privacy-actions"', 1)[1].split("</p>", 1)[0]
    assert f'href="/customers/{person.customer.id}/export"' in actions and "Export data" in actions
    assert f'href="/customers/{person.customer.id}/erase"' in actions and "Erase" in actions


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_other_roles_see_no_privacy_actions_and_are_refused(client, session, person, role):
    signed_in(client, session, role)
    customer_id = person.customer.id

    html = client.get(f"/customers/{customer_id}").get_data(as_text=True)

    assert "privacy-actions" not in html
    assert client.get(f"/customers/{customer_id}/export").status_code == 403
    assert client.get(f"/customers/{customer_id}/erase").status_code == 403
    refused = client.post(f"/customers/{customer_id}/erase", data={"confirm": EXTERNAL_ID})
    assert refused.status_code == 403
    assert session.scalar(select(Customer.id).where(Customer.external_id == EXTERNAL_ID))


def test_the_export_button_downloads_the_json_document(client, session, person):
    signed_in(client, session, "admin")

    download = client.get(f"/customers/{person.customer.id}/export")

    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    document = json.loads(download.get_data(as_text=True))
    assert document["schema_version"] == 1 and document["customer"]["email"] == EMAIL
    assert document["responses"] and document["rescue_tasks"][0]["notes"]


def test_the_confirmation_page_names_the_customer(client, session, person):
    signed_in(client, session, "admin")

    page = client.get(f"/customers/{person.customer.id}/erase")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Erase {NAME}?" in html and EXTERNAL_ID in html and EMAIL in html
    assert "Kept without identity" in html and "cannot be undone" in html


def test_a_wrong_id_erases_nothing(client, session, person):
    signed_in(client, session, "admin")

    page = client.post(f"/customers/{person.customer.id}/erase", data={"confirm": "crm-other"})

    assert page.status_code == 422
    assert "nothing was erased" in page.get_data(as_text=True)
    assert session.scalar(select(Customer.id).where(Customer.external_id == EXTERNAL_ID))
    assert session.scalars(select(Erasure)).all() == []


def test_the_typed_id_erases_and_returns_to_the_directory(client, session, person):
    signed_in(client, session, "admin")

    done = client.post(f"/customers/{person.customer.id}/erase", data={"confirm": EXTERNAL_ID})

    assert done.status_code == 303 and done.location.endswith("/customers")
    assert session.scalar(select(Customer.id).where(Customer.external_id == EXTERNAL_ID)) is None
    audit = session.scalars(select(Erasure)).one()
    assert audit.actor_kind == "staff" and audit.actor_label == "The admin"
    directory = client.get(done.location).get_data(as_text=True)
    assert "The customer was erased" in directory and NAME not in directory
    assert client.get(f"/customers/{person.customer.id}").status_code == 404
