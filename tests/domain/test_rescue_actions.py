"""Working a rescue task: assignment, every status transition and its rules, notes, the
follow-up email, first contact and SLA, the re-survey, and the history of every change."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.kernel.actor import Actor
from surveys.kernel.errors import ConflictError, ValidationError
from surveys.mail import SmtpSettings, deliver
from surveys.models import Invitation, OutboxEmail, RescueNote
from surveys.rescue.actions import (
    TRANSITIONS,
    add_note,
    assign,
    change_status,
    send_follow_up,
)
from surveys.staff.apikeys import create_api_key
from tests.factories.clock import T0, at
from tests.factories.rescue import answer, task_of
from tests.factories.staff import make_staff
from tests.servers import free_port, smtp_servers

STATUSES = ("open", "in_progress", "contacted", "resolved")
RESOLVE = {"outcome": "satisfied", "note": "Called, refunded the order."}


@pytest.fixture
def agent(session):
    user = make_staff(session, "agent", email="ann@kaiku.example", name="Ann Agent")
    session.commit()
    return user


@pytest.fixture
def crm(session) -> Actor:
    """An integration's agent-role API key."""
    key, _ = create_api_key(session, "CRM", role="agent")
    return Actor.of_api_key(key)


@pytest.fixture
def task(session, settings, agent):
    at(T0)
    return task_of(session, answer(session, settings, score=2, locale="fi", name="Matti"))


def put(session, task, status, settings):
    """Force a task into ``status`` the way the product gets there: its assignee works it."""
    actor = Actor.of_staff(task.assignee)
    if status == "resolved":
        change_status(session, task, "resolved", actor=actor, settings=settings, **RESOLVE)
    elif status != "open":
        change_status(session, task, status, actor=actor, settings=settings)


def actions(task):
    return [event.action for event in task.history]


@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_every_transition_is_allowed_or_refused_by_the_table(
    session, settings, task, start, target
):
    admin = make_staff(session, "admin")
    put(session, task, start, settings)
    extra = RESOLVE if target == "resolved" and start != "resolved" else {}
    allowed = target in TRANSITIONS[start]
    if target == start:
        change_status(session, task, target, actor=Actor.of_staff(admin), settings=settings)
        assert task.status == start  # a no-op
    elif allowed:
        before = len(task.history)
        change_status(
            session, task, target, actor=Actor.of_staff(admin), settings=settings, **extra
        )
        assert task.status == target
        assert len(task.history) == before + 1
        assert task.history[-1].detail["from"] == start
        assert task.history[-1].detail["to"] == target
        assert task.history[-1].actor_id == admin.id
    else:
        with pytest.raises(ConflictError) as raised:
            change_status(
                session, task, target, actor=Actor.of_staff(admin), settings=settings, **extra
            )
        assert "status" in raised.value.fields
        assert task.status == start


def test_the_allowed_transitions(session):
    assert TRANSITIONS == {
        "open": ("in_progress", "contacted", "resolved"),
        "in_progress": ("open", "contacted", "resolved"),
        "contacted": ("in_progress", "resolved"),
        "resolved": ("in_progress",),
    }


def test_resolving_needs_an_outcome_and_a_note(session, settings, task, agent):
    with pytest.raises(ValidationError) as raised:
        change_status(session, task, "resolved", actor=Actor.of_staff(agent), settings=settings)
    assert set(raised.value.fields) == {"outcome", "resolution_note"}
    with pytest.raises(ValidationError) as raised:
        change_status(
            session,
            task,
            "resolved",
            actor=Actor.of_staff(agent),
            settings=settings,
            outcome="fixed",
            note="   ",
        )
    assert set(raised.value.fields) == {"outcome", "resolution_note"}
    assert task.status == "open" and task.outcome is None

    at(T0 + timedelta(hours=3))
    change_status(
        session,
        task,
        "resolved",
        actor=Actor.of_staff(agent),
        settings=settings,
        outcome="lost",
        note="  Moved to a competitor.  ",
    )
    assert (task.status, task.outcome, task.resolution_note) == (
        "resolved",
        "lost",
        "Moved to a competitor.",
    )
    assert task.resolved_at == T0 + timedelta(hours=3)
    assert task.winback == "pending"
    assert task.history[-1].detail == {"from": "open", "to": "resolved", "outcome": "lost"}


def test_not_actionable_is_not_tracked_for_win_back(session, settings, task, agent):
    change_status(
        session,
        task,
        "resolved",
        actor=Actor.of_staff(agent),
        settings=settings,
        outcome="not_actionable",
        note="Test answer from our own staff.",
    )
    assert task.winback is None


def test_resolution_fields_without_resolving_are_refused(session, settings, task, agent):
    with pytest.raises(ValidationError) as raised:
        change_status(
            session,
            task,
            "in_progress",
            actor=Actor.of_staff(agent),
            settings=settings,
            outcome="lost",
            note="x",
            resurvey_after_days=3,
        )
    assert set(raised.value.fields) == {"outcome", "resolution_note", "resurvey_after_days"}
    assert task.status == "open"


def test_an_unknown_status_is_refused(session, settings, task, agent):
    with pytest.raises(ValidationError) as raised:
        change_status(session, task, "done", actor=Actor.of_staff(agent), settings=settings)
    assert "status" in raised.value.fields


def test_resolving_a_resolved_task_again_is_a_conflict(session, settings, task, agent):
    put(session, task, "resolved", settings)
    with pytest.raises(ConflictError):
        change_status(
            session,
            task,
            "resolved",
            actor=Actor.of_staff(agent),
            settings=settings,
            outcome="lost",
            note="again",
        )
    assert task.outcome == "satisfied"


def test_only_an_admin_reopens(session, settings, task, agent):
    put(session, task, "resolved", settings)
    with pytest.raises(ConflictError) as raised:
        change_status(session, task, "in_progress", actor=Actor.of_staff(agent), settings=settings)
    assert raised.value.fields == {"status": "reopen needs admin"}

    admin = make_staff(session, "admin")
    change_status(session, task, "in_progress", actor=Actor.of_staff(admin), settings=settings)
    assert task.status == "in_progress"
    assert (task.outcome, task.resolution_note, task.resolved_at, task.winback) == (
        None,
        None,
        None,
        None,
    )
    assert task.history[-1].action == "reopened"


def test_setting_contacted_records_first_contact_and_sla_met(session, settings, task, agent):
    at(task.due_at - timedelta(minutes=1))
    change_status(session, task, "contacted", actor=Actor.of_staff(agent), settings=settings)
    assert task.first_contact_at == task.due_at - timedelta(minutes=1)
    assert task.sla_met is True

    first = task.first_contact_at
    at(task.due_at + timedelta(hours=5))
    change_status(session, task, "in_progress", actor=Actor.of_staff(agent), settings=settings)
    change_status(session, task, "contacted", actor=Actor.of_staff(agent), settings=settings)
    assert task.first_contact_at == first and task.sla_met is True  # only the first counts


def test_contact_after_the_due_time_breaches_the_sla(session, settings, task, agent):
    at(task.due_at + timedelta(seconds=1))
    change_status(session, task, "contacted", actor=Actor.of_staff(agent), settings=settings)
    assert task.sla_met is False


def test_contact_exactly_at_the_due_time_meets_the_sla(session, settings, task, agent):
    at(task.due_at)
    change_status(session, task, "contacted", actor=Actor.of_staff(agent), settings=settings)
    assert task.sla_met is True


def test_assign_reassign_and_unassign_are_in_the_history(session, settings, task, agent):
    other = make_staff(session, "agent", email="bo@kaiku.example")
    admin = make_staff(session, "admin")
    assign(session, task, other, actor=Actor.of_staff(admin))
    assign(session, task, other, actor=Actor.of_staff(admin))  # no change, no history
    assign(session, task, None, actor=Actor.of_staff(admin))
    assert task.assignee is None
    moves = [(e.action, e.detail) for e in task.history if e.action in ("assigned", "unassigned")]
    assert moves[-2:] == [
        ("assigned", {"from": "ann@kaiku.example", "to": "bo@kaiku.example"}),
        ("unassigned", {"from": "bo@kaiku.example", "to": None}),
    ]
    assert task.history[-1].actor_id == admin.id


def test_only_active_agents_and_admins_take_tasks(session, settings, task, agent):
    for user in (make_staff(session, "analyst"), make_staff(session, "agent", active=False)):
        with pytest.raises(ValidationError) as raised:
            assign(session, task, user, actor=Actor.of_staff(agent))
        assert "assignee" in raised.value.fields
    assert task.assignee_id == agent.id


def test_a_resolved_task_cannot_be_reassigned(session, settings, task, agent):
    put(session, task, "resolved", settings)
    with pytest.raises(ConflictError):
        assign(session, task, make_staff(session, "agent"), actor=Actor.of_staff(agent))


def test_notes_keep_author_and_time(session, settings, task, agent):
    at(T0 + timedelta(minutes=7))
    note = add_note(
        session, task, "  Customer prefers a call after 16.  ", actor=Actor.of_staff(agent)
    )
    session.commit()
    stored = session.get(RescueNote, note.id)
    assert (stored.body, stored.author_id) == ("Customer prefers a call after 16.", agent.id)
    assert stored.created_at == T0 + timedelta(minutes=7)
    assert task.history[-1].action == "note"
    assert task.history[-1].detail == {"note_id": note.id}
    with pytest.raises(ValidationError):
        add_note(session, task, " ", actor=Actor.of_staff(agent))
    with pytest.raises(ValidationError):
        add_note(session, task, "x" * 5001, actor=Actor.of_staff(agent))


def test_follow_up_emails_the_customer_and_marks_the_task_contacted(session, settings, task, agent):
    at(T0 + timedelta(hours=1))
    outbox = send_follow_up(
        session,
        task,
        actor=Actor.of_staff(agent),
        subject="Pahoittelut",
        body="Hei, soitan huomenna.\n\n<b>Ann</b>",
        settings=settings,
    )
    session.commit()
    assert outbox.kind == "follow_up" and outbox.rescue_task_id == task.id
    assert outbox.to_address == task.customer.email
    assert outbox.headers == {"Reply-To": "Ann Agent <ann@kaiku.example>"}
    assert "List-Unsubscribe" not in outbox.headers
    assert outbox.text_body.startswith("Hei Matti,")  # the customer's locale
    assert "annoit meille" in outbox.text_body
    assert "&lt;b&gt;Ann&lt;/b&gt;" in outbox.html_body and "<b>Ann" not in outbox.html_body
    assert task.status == "contacted"
    assert task.first_contact_at == T0 + timedelta(hours=1) and task.sla_met is True
    assert actions(task)[-2:] == ["follow_up", "status"]
    assert task.history[-2].detail == {
        "outbox_id": outbox.id,
        "subject": "Pahoittelut",
        "to": task.customer.email,
        "reply_to": "ann@kaiku.example",
    }


def test_a_follow_up_by_the_api_goes_out_on_behalf_of_the_assignee(
    session, settings, task, agent, crm
):
    outbox = send_follow_up(
        session, task, actor=crm, subject="Sorry", body="I'll call you.", settings=settings
    )
    assert outbox.headers == {"Reply-To": "Ann Agent <ann@kaiku.example>"}
    assert "Ann Agent" in outbox.text_body
    assert task.status == "contacted" and task.history[-2].actor is None
    assert task.history[-2].detail["reply_to"] == "ann@kaiku.example"


def test_a_follow_up_by_the_api_needs_an_active_assignee(session, settings, task, agent, crm):
    assign(session, task, None, actor=Actor.of_staff(agent))
    with pytest.raises(ConflictError) as raised:
        send_follow_up(session, task, actor=crm, subject="s", body="b", settings=settings)
    assert raised.value.fields == {"assignee": "no active assignee to reply to"}
    assign(session, task, agent, actor=Actor.of_staff(agent))
    agent.active = False
    with pytest.raises(ConflictError):
        send_follow_up(session, task, actor=crm, subject="s", body="b", settings=settings)
    assert task.status == "open"
    assert session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "follow_up")).all() == []


def test_follow_up_takes_an_unassigned_task(session, settings, task, agent):
    other = make_staff(session, "agent")
    assign(session, task, None, actor=Actor.of_staff(agent))
    send_follow_up(
        session, task, actor=Actor.of_staff(other), subject="Hi", body="Sorry!", settings=settings
    )
    assert task.assignee_id == other.id


def test_a_second_follow_up_keeps_the_first_contact(session, settings, task, agent):
    send_follow_up(
        session, task, actor=Actor.of_staff(agent), subject="1", body="one", settings=settings
    )
    first = task.first_contact_at
    at(T0 + timedelta(days=2))
    send_follow_up(
        session, task, actor=Actor.of_staff(agent), subject="2", body="two", settings=settings
    )
    assert task.first_contact_at == first
    assert actions(task)[-1] == "follow_up"  # already contacted: no status row


def test_follow_up_is_refused_for_bad_input_and_closed_or_bounced(session, settings, task, agent):
    for subject, body, field in (
        ("", "b", "subject"),
        ("a\nBcc: x@y", "b", "subject"),
        ("s", "  ", "body"),
        ("s", "x" * 10001, "body"),
    ):
        with pytest.raises(ValidationError) as raised:
            send_follow_up(
                session,
                task,
                actor=Actor.of_staff(agent),
                subject=subject,
                body=body,
                settings=settings,
            )
        assert field in raised.value.fields
    task.customer.bounced_at = T0
    task.customer.bounce_reason = "550 no such user"
    with pytest.raises(ConflictError) as raised:
        send_follow_up(
            session, task, actor=Actor.of_staff(agent), subject="s", body="b", settings=settings
        )
    assert "bounced" in raised.value.message and raised.value.fields == {"email": "bounced"}
    task.customer.bounced_at = None
    put(session, task, "resolved", settings)
    with pytest.raises(ConflictError):
        send_follow_up(
            session, task, actor=Actor.of_staff(agent), subject="s", body="b", settings=settings
        )
    assert session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "follow_up")).all() == []


def test_follow_up_without_an_address_is_refused(session, settings, agent):
    task = task_of(session, answer(session, settings, email=None))
    with pytest.raises(ValidationError) as raised:
        send_follow_up(
            session, task, actor=Actor.of_staff(agent), subject="s", body="b", settings=settings
        )
    assert "email" in raised.value.fields


def test_follow_up_reaches_an_unsubscribed_customer(session, settings, task, agent):
    task.customer.unsubscribed = True  # from surveys; a reply to their own feedback still goes
    outbox = send_follow_up(
        session, task, actor=Actor.of_staff(agent), subject="s", body="b", settings=settings
    )
    assert outbox.status == "queued"


def test_resolving_with_a_resurvey_schedules_the_same_survey(session, settings, task, agent):
    at(T0 + timedelta(hours=2))
    change_status(
        session,
        task,
        "resolved",
        actor=Actor.of_staff(agent),
        settings=settings,
        resurvey_after_days=14,
        **RESOLVE,
    )
    session.commit()
    invitation = session.get(Invitation, task.resurvey_invitation_id)
    assert invitation.status == "scheduled"
    assert invitation.survey_id == task.survey_id and invitation.customer_id == task.customer_id
    assert invitation.scheduled_for == T0 + timedelta(hours=2, days=14)
    assert task.winback == "pending"
    assert task.history[-1].action == "resurvey"
    assert task.history[-1].detail["invitation_id"] == invitation.id


def test_bad_resurvey_days_are_refused(session, settings, task, agent):
    for days in (0, 366, True, "7"):
        with pytest.raises(ValidationError) as raised:
            change_status(
                session,
                task,
                "resolved",
                actor=Actor.of_staff(agent),
                settings=settings,
                resurvey_after_days=days,
                **RESOLVE,
            )
        assert "resurvey_after_days" in raised.value.fields
    assert task.status == "open"


def test_the_follow_up_reaches_a_real_smtp_server_with_reply_to_the_agent(
    session, settings, task, agent
):
    port = free_port()
    with smtp_servers(port) as start:
        inbox = start()
        outbox = send_follow_up(
            session,
            task,
            actor=Actor.of_staff(agent),
            subject="Sorry about the delay",
            body="Hei Matti,\n\nsoitan tänään.",
            settings=settings,
        )
        session.commit()

        assert deliver(session, outbox.id, SmtpSettings(host="127.0.0.1", port=port)) == "sent"
        session.commit()

    [message] = inbox.messages
    assert inbox.recipients == [task.customer.email]
    assert message["Reply-To"] == "Ann Agent <ann@kaiku.example>"
    assert message["Subject"] == "Sorry about the delay"
    assert message["From"] == settings.mail_from
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "soitan tänään." in text and "soitan tänään." in html
    assert session.get(OutboxEmail, outbox.id).status == "sent"


def test_the_first_contact_row_says_whether_the_sla_was_met(session, settings, task, agent):
    at(task.due_at + timedelta(hours=1))
    send_follow_up(
        session, task, actor=Actor.of_staff(agent), subject="s", body="b", settings=settings
    )
    assert task.history[-1].detail == {"from": "open", "to": "contacted", "sla_met": False}
