"""The segments page: admins set which attributes the dashboard slices by; others may not."""

import pytest

from surveys.reports import segments
from surveys.staff.accounts import create_staff

PASSWORD = "segments password"


@pytest.fixture
def staff(session):
    for role in ("admin", "agent", "analyst"):
        create_staff(session, f"{role}@example.com", PASSWORD, role=role)
    session.commit()


def sign_in(client, role):
    client.post("/login", data={"email": f"{role}@example.com", "password": PASSWORD})
    return client


def test_an_admin_sets_the_segments_and_the_dashboard_offers_them(client, session, staff):
    admin = sign_in(client, "admin")
    assert "Segments" in admin.get("/admin/surveys").get_data(as_text=True)
    saved = admin.post("/admin/segments", data={"names": "plan\r\ncountry\r\n\r\nplan"})
    assert saved.status_code == 303
    session.expire_all()
    assert segments.segment_names(session) == ["country", "plan"]
    assert "country\nplan" in admin.get("/admin/segments").get_data(as_text=True)
    page = admin.get("/insights/dashboard").get_data(as_text=True)
    assert 'value="attribute:country"' in page and 'value="attribute:plan"' in page


def test_a_bad_name_is_422_and_changes_nothing(client, session, staff):
    segments.set_segments(session, ["plan"])
    session.commit()
    refused = sign_in(client, "admin").post("/admin/segments", data={"names": "ok\n" + "x" * 65})
    assert refused.status_code == 422
    assert "at most 64 characters" in refused.get_data(as_text=True)
    session.expire_all()
    assert segments.segment_names(session) == ["plan"]


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_other_roles_may_not(client, session, staff, role):
    assert sign_in(client, role).get("/admin/segments").status_code == 403
    assert client.post("/admin/segments", data={"names": "plan"}).status_code == 403
    assert segments.segment_names(session) == []
