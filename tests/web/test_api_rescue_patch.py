"""GET and PATCH /api/v1/rescue-tasks/<id>, and GET /api/v1/reports/rescue: the same rules as
the pages, every refusal a clear 4xx that changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.models import ApiKey, Invitation, OutboxEmail, RescueTask
from surveys.staff.apikeys import create_api_key
from tests.factories.clock import T0, at
from tests.factories.rescue import answer, task_of
from tests.factories.staff import make_staff, sign_in
from tests.web.conftest import JsonClient, assert_error


@pytest.fixture
def ann(session):
    user = make_staff(session, "agent", email="ann@kaiku.example", name="Ann Agent")
    session.commit()
    return user


@pytest.fixture
def task(session, settings, ann):
    at(T0)
    return task_of(session, answer(session, settings, score=2, external_id="c-9"))


def key_client(client, session, role) -> JsonClient:
    _, raw = create_api_key(session, f"{role} key", role=role)
    session.commit()
    return JsonClient(client, {"Authorization": f"Bearer {raw}"})


def stored(session, task) -> RescueTask:
    return task_of(session, task.response_id)


def test_get_shows_the_task_with_notes_and_history(api_client, session, task):
    body = api_client.get(f"/rescue-tasks/{task.id}").get_json()
    assert body["id"] == task.id and body["customer"] == "c-9"
    assert body["assignee"] == "ann@kaiku.example" and body["status"] == "open"
    assert body["notes"] == []
    assert [h["action"] for h in body["history"]] == ["created", "assigned"]
    assert body["history"][1]["actor"] is None
    assert body["sla_met"] is None and body["overdue"] is False


def test_get_an_unknown_task_is_404(api_client, task):
    assert_error(api_client.get("/rescue-tasks/99999"), 404, "not_found")


def test_patch_works_a_task_to_resolution(api_client, session, settings, task):
    bo = make_staff(session, "agent", email="bo@kaiku.example")
    session.commit()
    at(T0 + timedelta(hours=1))
    response = api_client.patch(
        f"/rescue-tasks/{task.id}",
        {
            "assignee": "BO@kaiku.example",
            "status": "in_progress",
            "note": "Calling today.",
        },
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["assignee"] == "bo@kaiku.example" and body["status"] == "in_progress"
    assert [n["body"] for n in body["notes"]] == ["Calling today."]
    assert body["notes"][0]["author"] is None

    api_client.patch(f"/rescue-tasks/{task.id}", {"status": "contacted"})
    response = api_client.patch(
        f"/rescue-tasks/{task.id}",
        {
            "status": "resolved",
            "outcome": "satisfied",
            "resolution_note": "Refunded.",
            "resurvey_after_days": 30,
        },
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["outcome"], body["resolution_note"]) == (
        "resolved",
        "satisfied",
        "Refunded.",
    )
    assert body["first_contact_at"] == (T0 + timedelta(hours=1)).isoformat()
    assert body["sla_met"] is True and body["winback"] == "pending"
    invitation = session.get(Invitation, body["resurvey_invitation"])
    assert invitation.status == "scheduled"
    assert invitation.scheduled_for == T0 + timedelta(hours=1, days=30)
    assert [h["action"] for h in body["history"]][-6:] == [
        "assigned",
        "note",
        "status",
        "status",
        "status",
        "resurvey",
    ]
    assert all(h["detail"]["api_key"] == "tests" for h in body["history"][-6:])
    assert stored(session, task).assignee_id == bo.id


def test_unassign_with_null(api_client, session, task):
    body = api_client.patch(f"/rescue-tasks/{task.id}", {"assignee": None}).get_json()
    assert body["assignee"] is None


@pytest.mark.parametrize(
    ("patch", "status", "field"),
    [
        ({}, 422, "body"),
        ({"status": "done"}, 422, "status"),
        ({"status": None}, 422, "status"),
        ({"status": "resolved"}, 422, "outcome"),
        ({"status": "resolved", "outcome": "won_back"}, 422, "resolution_note"),
        ({"status": "resolved", "outcome": "fixed", "resolution_note": "x"}, 422, "outcome"),
        ({"outcome": "lost", "resolution_note": "x"}, 422, "outcome"),
        ({"status": "in_progress", "outcome": "lost"}, 422, "outcome"),
        (
            {
                "status": "resolved",
                "outcome": "lost",
                "resolution_note": "x",
                "resurvey_after_days": 0,
            },
            422,
            "resurvey_after_days",
        ),
        ({"assignee": "nobody@kaiku.example"}, 422, "assignee"),
        ({"note": "  "}, 422, "note"),
        ({"colour": "red"}, 422, "colour"),
        ({"follow_up": None}, 422, "follow_up"),
        ({"follow_up": {"subject": "Hi", "body": " "}}, 422, "follow_up.body"),
        ({"follow_up": {"subject": "Hi\nBcc: x@y", "body": "b"}}, 422, "follow_up.subject"),
        ({"follow_up": {"subject": "Hi"}}, 422, "follow_up.body"),
        ({"follow_up": {"subject": "Hi", "body": "b"}, "assignee": None}, 409, "assignee"),
    ],
)
def test_bad_patches_are_refused_and_change_nothing(
    api_client, session, task, patch, status, field
):
    error = assert_error(api_client.patch(f"/rescue-tasks/{task.id}", patch), status)
    assert field in error["fields"]
    after = stored(session, task)
    assert (after.status, after.assignee_id, after.outcome) == ("open", task.assignee_id, None)
    assert len(after.history) == 2 and after.notes == []
    assert session.scalars(select(OutboxEmail)).all() == []


def test_a_follow_up_over_the_api_is_sent_on_behalf_of_the_assignee(
    api_client, session, settings, task, ann
):
    at(T0 + timedelta(hours=2))
    response = api_client.patch(
        f"/rescue-tasks/{task.id}",
        {
            "follow_up": {"subject": "About your answer", "body": "Hi,\n\nI'll call you today."},
            "status": "resolved",
            "outcome": "won_back",  # the old name: still accepted, as an alias of satisfied
            "resolution_note": "Called and fixed.",
        },
    )

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "resolved" and body["sla_met"] is True
    assert (body["outcome"], body["winback"]) == ("satisfied", "pending")
    assert body["first_contact_at"] == (T0 + timedelta(hours=2)).isoformat()
    follow_up = next(h for h in body["history"] if h["action"] == "follow_up")
    assert follow_up["actor"] is None
    assert follow_up["detail"]["reply_to"] == ann.email
    email = session.scalars(
        select(OutboxEmail).execution_options(populate_existing=True)
    ).one()  # delivered after the commit (eager in tests: logged, no SMTP configured)
    assert (email.kind, email.to_address, email.status) == (
        "follow_up",
        stored(session, task).customer.email,
        "logged",
    )
    assert email.headers["Reply-To"].endswith("<ann@kaiku.example>")
    assert "I'll call you today." in email.text_body


def test_an_illegal_transition_is_409_and_rolls_back_the_rest(api_client, session, task):
    api_client.patch(f"/rescue-tasks/{task.id}", {"status": "contacted"})
    error = assert_error(
        api_client.patch(f"/rescue-tasks/{task.id}", {"note": "x", "status": "open"}),
        409,
        "conflict",
    )
    assert error["fields"] == {"status": "contacted → open is not allowed"}
    assert stored(session, task).notes == []


def test_an_analyst_key_cannot_patch(client, session, task):
    analyst = key_client(client, session, "analyst")
    assert_error(analyst.patch(f"/rescue-tasks/{task.id}", {"status": "in_progress"}), 403)
    assert analyst.get(f"/rescue-tasks/{task.id}").status_code == 200


def test_only_an_admin_key_reopens(client, session, task):
    agent = key_client(client, session, "agent")
    resolve = {"status": "resolved", "outcome": "lost", "resolution_note": "Gone."}
    assert agent.patch(f"/rescue-tasks/{task.id}", resolve).status_code == 200
    error = assert_error(agent.patch(f"/rescue-tasks/{task.id}", {"status": "in_progress"}), 409)
    assert error["fields"] == {"status": "reopen needs admin"}

    admin = key_client(client, session, "admin")
    bo = make_staff(session, "agent", email="bo@kaiku.example")
    session.commit()
    body = admin.patch(
        f"/rescue-tasks/{task.id}", {"status": "in_progress", "assignee": bo.email}
    ).get_json()
    assert (body["status"], body["assignee"], body["outcome"]) == (
        "in_progress",
        "bo@kaiku.example",
        None,
    )


def test_the_rescue_report(api_client, session, settings, task):
    body = api_client.get("/reports/rescue").get_json()
    assert body["total"]["opened"] == 1
    assert body["by_agent"][0]["agent"] == "ann@kaiku.example"
    later = api_client.get("/reports/rescue", since="2026-03-03T00:00:00+00:00").get_json()
    assert later["total"]["opened"] == 0
    assert_error(api_client.get("/reports/rescue", since="yesterday"), 422)
    error = assert_error(
        api_client.get(
            "/reports/rescue", since="2026-03-03T00:00:00Z", until="2026-03-01T00:00:00Z"
        ),
        422,
    )
    assert "since" in error["fields"]
    assert session.scalars(select(RescueTask)).all()


def test_the_task_page_names_the_api_key_behind_a_change(api_client, client, session, task):
    api_client.patch(f"/rescue-tasks/{task.id}", {"note": "Logged from the CRM."})
    admin = make_staff(session, "admin", email="lead@example.com")
    session.commit()

    page = sign_in(client, admin).get(f"/rescue/{task.id}").get_data(as_text=True)

    assert "API key tests" in page


def test_the_task_page_names_the_api_key_as_a_notes_author(api_client, client, session, task):
    api_client.patch(f"/rescue-tasks/{task.id}", {"note": "Logged from the CRM."})
    admin = make_staff(session, "admin", email="lead@example.com")
    session.commit()

    page = sign_in(client, admin).get(f"/rescue/{task.id}").get_data(as_text=True)

    assert '<p class="note__meta"><strong>API key tests</strong>' in page
    assert "Former staff" not in page


def test_an_api_key_change_is_in_the_history_with_the_key_label(api_client, session, task):
    api_client.patch(f"/rescue-tasks/{task.id}", {"note": "From the CRM.", "status": "in_progress"})

    body = api_client.get(f"/rescue-tasks/{task.id}").get_json()
    assert [(h["action"], h["actor"], h["actor_kind"], h["actor_label"]) for h in body["history"]][
        -2:
    ] == [
        ("note", None, "api_key", "API key tests"),
        ("status", None, "api_key", "API key tests"),
    ]
    assert body["history"][0]["actor_label"] == "Kaiku"
    assert (body["notes"][0]["author_kind"], body["notes"][0]["author_label"]) == (
        "api_key",
        "API key tests",
    )
    # The domain wrote the rows with the key; the view added nothing to them afterwards.
    key = session.scalars(select(ApiKey).where(ApiKey.name == "tests")).one()
    rows = stored(session, task).history[-2:]
    assert [(row.actor_kind, row.actor_key_id) for row in rows] == [("api_key", key.id)] * 2
    assert all("api_key" not in row.detail for row in rows)
