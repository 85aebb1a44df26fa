"""Who acts on a rescue task is an Actor: people and API keys alike. The domain applies their
role (analysts change nothing, only admins reopen) and names them in history and notes."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.kernel.actor import Actor
from surveys.kernel.errors import ConflictError, ForbiddenError
from surveys.models import OutboxEmail
from surveys.rescue.actions import add_note, assign, change_status, send_follow_up
from surveys.rescue.escalation import escalate_overdue
from surveys.staff.apikeys import create_api_key
from tests.factories.clock import T0, at
from tests.factories.rescue import answer, task_of
from tests.factories.staff import make_staff

RESOLVE = {"outcome": "lost", "note": "Moved to a competitor."}


@pytest.fixture
def agent(session):
    user = make_staff(session, "agent", email="ann@kaiku.example", name="Ann Agent")
    session.commit()
    return user


@pytest.fixture
def task(session, settings, agent):
    at(T0)
    return task_of(session, answer(session, settings, score=2))


def key(session, role: str, name: str = "CRM") -> Actor:
    api_key, _ = create_api_key(session, name, role=role)
    return Actor.of_api_key(api_key)


def who(event) -> tuple:
    return (event.actor_kind, event.actor_id, event.actor_key_id, event.actor_label)


@pytest.mark.parametrize("kind", ["person", "api key"])
def test_an_analyst_person_or_key_changes_nothing(session, settings, task, agent, kind):
    analyst = (
        Actor.of_staff(make_staff(session, "analyst"))
        if kind == "person"
        else key(session, "analyst")
    )
    before = len(task.history)
    changes = (
        lambda: assign(session, task, None, actor=analyst),
        lambda: change_status(session, task, "in_progress", actor=analyst, settings=settings),
        lambda: add_note(session, task, "Looked at it.", actor=analyst),
        lambda: send_follow_up(
            session, task, actor=analyst, subject="Hi", body="Sorry.", settings=settings
        ),
    )
    for change in changes:
        with pytest.raises(ForbiddenError) as raised:
            change()
        assert raised.value.status == 403 and "analyst" in raised.value.message
    assert (task.status, task.assignee_id, len(task.history), task.notes) == (
        "open",
        agent.id,
        before,
        [],
    )
    assert session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "follow_up")).all() == []


def test_an_agent_key_works_a_task_and_history_and_notes_name_the_key(session, settings, task):
    crm = key(session, "agent")
    note = add_note(session, task, "Logged from the CRM.", actor=crm)
    change_status(session, task, "contacted", actor=crm, settings=settings)

    assert task.status == "contacted"
    assert [who(event) for event in task.history[-2:]] == [
        ("api_key", None, crm.id, "API key CRM"),
        ("api_key", None, crm.id, "API key CRM"),
    ]
    assert (note.author_kind, note.author_id, note.author_key_id, note.author_label) == (
        "api_key",
        None,
        crm.id,
        "API key CRM",
    )


def test_agents_cannot_reopen_and_an_admin_key_can(session, settings, task, agent):
    change_status(
        session, task, "resolved", actor=Actor.of_staff(agent), settings=settings, **RESOLVE
    )
    for agent_actor in (Actor.of_staff(agent), key(session, "agent")):
        with pytest.raises(ConflictError) as raised:
            change_status(session, task, "in_progress", actor=agent_actor, settings=settings)
        assert raised.value.fields == {"status": "reopen needs admin"}
    assert task.status == "resolved"

    admin_key = key(session, "admin", name="Integrations")
    change_status(session, task, "in_progress", actor=admin_key, settings=settings)
    assert (task.status, task.outcome) == ("in_progress", None)
    assert task.history[-1].action == "reopened"
    assert who(task.history[-1]) == ("api_key", None, admin_key.id, "API key Integrations")


def test_a_person_is_named_by_name_or_else_email(session, settings, task, agent):
    unnamed = make_staff(session, "admin", email="lead@kaiku.example", name=None)
    assign(session, task, unnamed, actor=Actor.of_staff(agent))
    assign(session, task, agent, actor=Actor.of_staff(unnamed))
    assert [who(event) for event in task.history[-2:]] == [
        ("staff", agent.id, None, "Ann Agent"),
        ("staff", unnamed.id, None, "lead@kaiku.example"),
    ]


def test_kaikus_own_changes_are_by_the_system_actor(session, settings, task, agent):
    make_staff(session, "admin")
    at(task.due_at + timedelta(hours=1))
    escalate_overdue(session, settings)
    assert [event.action for event in task.history] == ["created", "assigned", "escalated"]
    assert {who(event) for event in task.history} == {("system", None, None, "Kaiku")}
