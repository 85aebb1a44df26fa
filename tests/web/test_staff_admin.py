"""Staff administration: the admin pages and the services behind them."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from surveys.kernel import clock
from surveys.kernel.errors import ConflictError, ValidationError
from surveys.models import StaffUser
from surveys.staff.accounts import (
    authenticate,
    count_open_tasks,
    deactivate_staff,
    list_staff,
    reactivate_staff,
    reset_password,
    update_staff,
)
from tests.factories.rescue import make_task_row
from tests.factories.staff import PASSWORD, make_staff, sign_in


@pytest.fixture
def admin(session):
    user = make_staff(session, "admin", name="Ada Admin")
    session.commit()
    return user


@pytest.fixture
def admin_client(client, admin):
    return sign_in(client, admin.email)


def staff_count(session) -> int:
    return session.scalar(select(func.count(StaffUser.id)))


def fresh(session, user: StaffUser) -> StaffUser:
    session.expire_all()
    return session.get(StaffUser, user.id)


# ---------- the list ----------


def test_staff_list_shows_role_status_last_sign_in_and_open_tasks(admin_client, session, settings):
    agent = make_staff(session, "agent", name="Aino Agent")
    analyst = make_staff(session, "analyst")
    analyst.active = False
    agent.last_login_at = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
    make_task_row(session, settings, assignee=agent)
    make_task_row(session, settings, assignee=agent, status="contacted")
    make_task_row(session, settings, assignee=agent, status="resolved")
    session.commit()

    page = admin_client.get("/admin/staff")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    row = body.split(f'data-staff-id="{agent.id}"')[1].split("</tr>")[0]
    assert "Aino Agent" in row and "agent@example.com" in row
    assert "Agent</span>" in row and "Active" in row
    assert "4 Mar 2025, 09:30 UTC" in row
    assert re.search(r'data-label="Open tasks">2<', row)
    inactive = body.split(f'data-staff-id="{analyst.id}"')[1].split("</tr>")[0]
    assert "Deactivated" in inactive and "Never" in inactive and "Reactivate" in inactive


def test_sign_in_records_the_time(client, session, admin):
    moment = datetime(2025, 5, 6, 7, 8, tzinfo=UTC)
    clock.set_source(lambda: moment)

    sign_in(client, admin.email)

    assert fresh(session, admin).last_login_at == moment


# ---------- adding ----------


def test_admin_adds_staff_with_a_typed_password(admin_client, client, session):
    response = admin_client.post(
        "/admin/staff/new",
        data={"email": "New.Agent@Example.com", "name": " Nea ", "role": "agent",
              "password": "typed password 1"},
    )  # fmt: skip

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/staff"
    user = session.scalars(
        select(StaffUser).where(StaffUser.email == "new.agent@example.com")
    ).one()
    assert (user.name, user.role, user.active) == ("Nea", "agent", True)
    assert "Added new.agent@example.com as agent" in admin_client.get("/admin/staff").get_data(
        as_text=True
    )
    assert authenticate(session, "new.agent@example.com", "typed password 1") is not None


def test_a_generated_password_is_shown_once_and_works(admin_client, app, session):
    response = admin_client.post(
        "/admin/staff/new", data={"email": "gen@example.com", "role": "analyst", "password": ""}
    )

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    password = re.search(r'<code id="generated-password">([^<]+)</code>', body).group(1)
    assert len(password) >= 16
    assert password not in admin_client.get("/admin/staff").get_data(as_text=True)
    stored = session.scalars(select(StaffUser).where(StaffUser.email == "gen@example.com")).one()
    assert password not in stored.password_hash
    newcomer = app.test_client()
    sign_in(newcomer, "gen@example.com", password)
    assert newcomer.get("/").status_code == 200


def test_adding_an_existing_email_shows_the_error_at_the_field(admin_client, session, admin):
    before = staff_count(session)

    response = admin_client.post(
        "/admin/staff/new",
        data={"email": "ADMIN@example.com", "role": "agent", "password": "typed password 1"},
    )

    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'id="email-error"' in body and "exists already" in body
    assert 'aria-invalid="true"' in body
    assert staff_count(session) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "x@example.com", "role": "agent", "password": "short"}, "password"),
        ({"email": "not-an-email", "role": "agent", "password": "typed password 1"}, "email"),
        ({"email": "", "role": "agent", "password": "typed password 1"}, "email"),
        ({"email": "x@example.com", "role": "owner", "password": "typed password 1"}, "role"),
        ({"email": "x@example.com", "role": "agent", "name": "n" * 201}, "name"),
    ],
)
def test_bad_input_is_refused_with_the_error_at_its_field(admin_client, session, data, field):
    before = staff_count(session)

    response = admin_client.post("/admin/staff/new", data=data)

    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert staff_count(session) == before


def test_the_add_form_has_every_field_labelled(admin_client):
    body = admin_client.get("/admin/staff/new").get_data(as_text=True)

    for name in ("email", "name", "role", "password"):
        assert f'<label for="{name}"' in body
    assert 'aria-describedby="password-hint"' in body


# ---------- editing ----------


def test_admin_changes_name_and_role(admin_client, session):
    agent = make_staff(session, "agent")
    session.commit()

    response = admin_client.post(
        f"/admin/staff/{agent.id}", data={"name": "Anna Analyst", "role": "analyst"}
    )

    assert response.status_code == 302
    agent = fresh(session, agent)
    assert (agent.name, agent.role) == ("Anna Analyst", "analyst")


def test_the_last_admin_cannot_demote_themselves(admin_client, session, admin):
    response = admin_client.post(f"/admin/staff/{admin.id}", data={"name": "Ada", "role": "agent"})

    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'id="role-error"' in body and "last active admin" in body
    admin = fresh(session, admin)
    assert (admin.role, admin.name) == ("admin", "Ada Admin")


def test_an_admin_may_step_down_when_another_admin_remains(admin_client, session, admin):
    make_staff(session, "admin", email="second@example.com")
    session.commit()

    response = admin_client.post(f"/admin/staff/{admin.id}", data={"role": "agent"})

    assert response.status_code == 302
    assert fresh(session, admin).role == "agent"
    assert admin_client.get("/admin/staff").status_code == 403  # no longer an admin


def test_an_unknown_staff_id_is_404(admin_client):
    for path in ("/admin/staff/999999", "/admin/staff/999999/password",
                 "/admin/staff/999999/deactivate"):  # fmt: skip
        assert admin_client.get(path).status_code == 404


# ---------- deactivating and reactivating ----------


def test_deactivation_asks_first_and_changes_nothing_until_confirmed(
    admin_client, session, settings
):
    agent = make_staff(session, "agent")
    make_task_row(session, settings, assignee=agent)
    session.commit()

    page = admin_client.get(f"/admin/staff/{agent.id}/deactivate")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Deactivate agent@example.com?" in body
    assert "can no longer sign in" in body and "1 open rescue task stays" in body
    assert 'method="post"' in body
    assert fresh(session, agent).active is True


def test_a_deactivated_colleague_is_signed_out_and_can_be_reactivated(admin_client, app, session):
    agent = make_staff(session, "agent")
    session.commit()
    colleague = sign_in(app.test_client(), agent.email)
    assert colleague.get("/").status_code == 200

    response = admin_client.post(f"/admin/staff/{agent.id}/deactivate")

    assert response.status_code == 302
    assert fresh(session, agent).active is False
    assert colleague.get("/").status_code == 302  # signed out at the next request
    refused = app.test_client().post("/login", data={"email": agent.email, "password": PASSWORD})
    assert "Email or password is wrong" in refused.get_data(as_text=True)

    assert admin_client.post(f"/admin/staff/{agent.id}/reactivate").status_code == 302
    assert fresh(session, agent).active is True
    sign_in(app.test_client(), agent.email)


def test_the_last_admin_cannot_deactivate_themselves(admin_client, session, admin):
    response = admin_client.post(f"/admin/staff/{admin.id}/deactivate")

    assert response.status_code == 409
    assert "last active admin" in response.get_data(as_text=True)
    assert fresh(session, admin).active is True
    assert admin_client.get("/admin/staff").status_code == 200  # still signed in


# ---------- passwords ----------


def test_admin_resets_a_password_to_a_generated_one(admin_client, app, session):
    agent = make_staff(session, "agent")
    session.commit()

    response = admin_client.post(f"/admin/staff/{agent.id}/password", data={"password": ""})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(
        r'<code id="generated-password">([^<]+)</code>', response.get_data(as_text=True)
    ).group(1)
    session.expire_all()
    assert authenticate(session, agent.email, PASSWORD) is None
    sign_in(app.test_client(), agent.email, password)


def test_a_reset_password_ends_the_colleagues_sessions(admin_client, app, session):
    agent = make_staff(session, "agent")
    session.commit()
    colleague = sign_in(app.test_client(), agent.email)
    assert colleague.get("/").status_code == 200

    admin_client.post(f"/admin/staff/{agent.id}/password", data={"password": "a new password 2"})

    assert colleague.get("/").status_code == 302
    sign_in(colleague, agent.email, "a new password 2")
    assert colleague.get("/").status_code == 200
    assert admin_client.get("/admin/staff").status_code == 200  # the admin's own session stays


def test_admin_sets_a_typed_password(admin_client, session):
    agent = make_staff(session, "agent")
    session.commit()

    response = admin_client.post(
        f"/admin/staff/{agent.id}/password", data={"password": "a new password 2"}
    )

    assert response.status_code == 302
    session.expire_all()
    assert authenticate(session, agent.email, "a new password 2") is not None


def test_a_short_new_password_is_refused_and_the_old_one_kept(admin_client, session):
    agent = make_staff(session, "agent")
    session.commit()

    response = admin_client.post(f"/admin/staff/{agent.id}/password", data={"password": "short"})

    assert response.status_code == 422
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert authenticate(session, agent.email, PASSWORD) is not None


# ---------- the services ----------


def test_services_keep_one_active_admin(session):
    admin = make_staff(session, "admin")
    other = make_staff(session, "admin", email="other@example.com")

    deactivate_staff(session, other)
    with pytest.raises(ConflictError):
        deactivate_staff(session, admin)
    with pytest.raises(ConflictError):
        update_staff(session, admin, name=None, role="analyst")
    reactivate_staff(session, other)
    update_staff(session, admin, name="Was admin", role="analyst")
    assert deactivate_staff(session, deactivate_staff(session, admin)).active is False  # idempotent


def test_update_staff_validates_role_and_name(session):
    agent = make_staff(session, "agent")
    with pytest.raises(ValidationError):
        update_staff(session, agent, name=None, role="owner")
    with pytest.raises(ValidationError):
        update_staff(session, agent, name="x" * 201, role="agent")
    assert update_staff(session, agent, name="  ", role="analyst").name is None


def test_reset_password_generates_or_validates(session):
    agent = make_staff(session, "agent")
    generated = reset_password(session, agent)
    assert len(generated) >= 16 and authenticate(session, agent.email, generated) is agent
    with pytest.raises(ValidationError):
        reset_password(session, agent, "short")


def test_an_old_hash_is_upgraded_at_sign_in(session):
    agent = make_staff(session, "agent")
    agent.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    session.flush()

    assert authenticate(session, agent.email, PASSWORD) is agent
    assert agent.password_hash.startswith("scrypt:")
    assert authenticate(session, agent.email, PASSWORD) is agent


def test_open_task_counts_leave_out_resolved_tasks(session, settings):
    agent = make_staff(session, "agent")
    for status in ("open", "in_progress", "contacted", "resolved"):
        make_task_row(session, settings, assignee=agent, status=status)

    assert count_open_tasks(session, agent) == 3
    assert {row.user.email: row.open_tasks for row in list_staff(session)} == {agent.email: 3}
