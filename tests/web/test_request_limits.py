"""Request bodies past Flask's limits (config.py) are a 413 from Kaiku, not a parse of whatever
came: the body size, one multipart text field, the number of multipart fields. (The request
line and headers are gunicorn's to limit: tests/integration/test_gunicorn_limits.py.)"""

import io

from sqlalchemy import select

from surveys.models import CustomerImport, Response
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_invitation


def multipart(client, path: str, fields: dict):
    return client.post(path, data=fields, content_type="multipart/form-data")


def test_a_form_over_the_body_limit_is_413_on_kaiku_page(client, session, settings):
    new = make_invitation(session, settings)
    session.commit()

    response = client.post(f"/s/{new.token}", data={"score": "9", "x": "a" * 70_000})

    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "That was too much to send at once" in response.get_data(as_text=True)
    assert session.scalars(select(Response)).all() == []


def test_a_multipart_form_with_too_many_fields_is_413(client, session, settings):
    new = make_invitation(session, settings)
    session.commit()
    fields = {"score": "9"} | {f"f{i}": "x" for i in range(150)}  # 2 KB in all

    response = multipart(client, f"/s/{new.token}", fields)

    assert response.status_code == 413
    assert session.scalars(select(Response)).all() == []
    assert multipart(client, f"/s/{new.token}", {"score": "9"}).status_code == 303


def test_an_upload_with_an_oversized_text_field_is_413(client, session):
    admin = make_staff(session, "admin")
    session.commit()
    sign_in(client, admin)
    csv = (io.BytesIO(b"external_id\nc1\n"), "customers.csv")

    # The upload may carry a file far over the body limit, but no text field that big.
    response = multipart(client, "/admin/imports", {"file": csv, "note": "a" * 100_000})

    assert response.status_code == 413
    assert session.scalars(select(CustomerImport)).all() == []
