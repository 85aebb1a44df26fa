"""Opening rescue tasks: priority, due time, who handled the customer, automatic assignment,
the first history rows and the urgent task's email to its assignee."""

from datetime import timedelta

from sqlalchemy import select, update

from surveys.answers.processing import process_responses
from surveys.answers.recording import add_comment
from surveys.delivery.handlers import record_handlers
from surveys.models import (
    Event,
    Invitation,
    OutboxEmail,
    RescueTask,
    RescueTaskEvent,
    Response,
)
from tests.factories.clock import T0, at
from tests.factories.rescue import answer, task_of
from tests.factories.staff import make_staff
from tests.factories.surveys import make_survey

NEGATIVE = "Terrible, awful support, the worst"


def history(session, task):
    return session.scalars(
        select(RescueTaskEvent).where(RescueTaskEvent.task_id == task.id).order_by("id")
    ).all()


def test_normal_task_is_due_after_the_normal_time(session, settings):
    at(T0)
    task = task_of(session, answer(session, settings, score=3))
    assert task.priority == "normal"
    assert task.due_at == T0 + settings.rescue_due


def test_very_negative_comment_makes_it_high_and_due_sooner(session, settings):
    at(T0)
    task = task_of(session, answer(session, settings, score=3, comment=NEGATIVE))
    assert task.priority == "high"
    assert task.due_at == T0 + settings.rescue_high_due


def test_high_value_customer_makes_it_high(session, settings):
    at(T0)
    value = settings.rescue_value_attribute
    high = task_of(session, answer(session, settings, attributes={value: 1500}))
    text = task_of(session, answer(session, settings, attributes={value: "1000"}))
    low = task_of(session, answer(session, settings, attributes={value: 999.5}))
    odd = task_of(session, answer(session, settings, attributes={value: "lots"}))
    assert (high.priority, text.priority, low.priority, odd.priority) == (
        "high",
        "high",
        "normal",
        "normal",
    )
    assert high.due_at == T0 + settings.rescue_high_due


def test_handled_by_comes_from_the_triggering_event_then_the_attribute(session, settings):
    response_id = answer(session, settings, process=False, attributes={"support_agent": "bob"})
    # The invitation was triggered by an event naming the agent: that wins over the attribute.
    response = session.get(Response, response_id)
    event = Event(
        customer_id=response.customer_id,
        name="support_ticket_closed",
        properties={"agent_email": "sue@support.example"},
        occurred_at=T0,
    )
    session.add(event)
    session.flush()
    invitation = session.get(Invitation, response.invitation_id)
    invitation.event_id = event.id
    record_handlers(session, [invitation])  # as the dispatcher does when it goes out
    session.commit()
    process_responses(session, [response_id], settings)
    session.commit()
    task = task_of(session, response_id)
    assert task.handled_by == "sue@support.example"

    by_attribute = task_of(session, answer(session, settings, attributes={"support_agent": "bob"}))
    assert by_attribute.handled_by == "bob"
    assert task_of(session, answer(session, settings)).handled_by is None


def test_handled_by_is_who_handled_the_customer_when_the_survey_was_sent(session, settings):
    response_id = answer(session, settings, process=False, attributes={"support_agent": "bob"})
    customer = session.get(Response, response_id).customer
    customer.attributes = {"support_agent": "carol"}  # a new agent since the email went out
    session.commit()

    process_responses(session, [response_id], settings)
    session.commit()

    assert task_of(session, response_id).handled_by == "bob"


def test_account_owner_gets_the_task(session, settings):
    owner = make_staff(session, "admin", email="owner@kaiku.example")
    make_staff(session, "agent")
    session.commit()
    owner_attr = settings.rescue_owner_attribute
    task = task_of(
        session, answer(session, settings, attributes={owner_attr: "OWNER@kaiku.example"})
    )
    assert task.assignee_id == owner.id
    rows = history(session, task)
    assert [r.action for r in rows] == ["created", "assigned"]
    assert rows[1].detail["to"] == "owner@kaiku.example"
    assert rows[1].detail["rule"] == "account_owner"
    assert all(r.actor_id is None for r in rows)


def test_an_owner_who_cannot_take_tasks_is_skipped(session, settings):
    make_staff(session, "agent", email="gone@kaiku.example", active=False)
    make_staff(session, "analyst", email="analyst@kaiku.example")
    agent = make_staff(session, "agent")
    session.commit()
    owner_attr = settings.rescue_owner_attribute
    for owner in ("gone@kaiku.example", "analyst@kaiku.example", "stranger@x.example"):
        task = task_of(session, answer(session, settings, attributes={owner_attr: owner}))
        assert task.assignee_id == agent.id


def test_the_least_busy_active_agent_gets_the_task(session, settings):
    busy = make_staff(session, "agent")
    idle = make_staff(session, "agent")
    make_staff(session, "agent", active=False)
    make_staff(session, "admin")
    session.commit()
    first = task_of(session, answer(session, settings))
    assert first.assignee_id == busy.id  # a tie goes to the lowest id
    second = task_of(session, answer(session, settings))
    assert second.assignee_id == idle.id
    rows = history(session, second)
    assert rows[1].detail["rule"] == "fewest_open"


def test_resolved_tasks_do_not_count_as_load(session, settings):
    a = make_staff(session, "agent")
    b = make_staff(session, "agent")
    session.commit()
    task_of(session, answer(session, settings))  # → a
    session.execute(RescueTask.__table__.update().values(status="resolved"))
    session.commit()
    assert task_of(session, answer(session, settings)).assignee_id == a.id
    assert task_of(session, answer(session, settings)).assignee_id == b.id


def test_a_batch_is_spread_over_the_agents(session, settings):
    agents = [make_staff(session, "agent") for _ in range(3)]
    session.commit()
    survey = make_survey(session)
    ids = [answer(session, settings, survey, process=False) for _ in range(10)]
    process_responses(session, ids, settings)
    session.commit()
    counts = {agent.id: 0 for agent in agents}
    for task in session.scalars(select(RescueTask)):
        counts[task.assignee_id] += 1
    assert sorted(counts.values()) == [3, 3, 4]


def test_without_agents_the_task_stays_unassigned(session, settings):
    task = task_of(session, answer(session, settings))
    assert task.assignee_id is None
    assert [r.action for r in history(session, task)] == ["created"]


def test_a_new_urgent_task_emails_its_assignee(session, settings):
    agent = make_staff(session, "agent", email="ann@kaiku.example")
    session.commit()
    task = task_of(session, answer(session, settings, comment=NEGATIVE, name="Mia <b>"))
    [email] = session.scalars(select(OutboxEmail)).all()
    assert email.kind == "task_assigned" and email.rescue_task_id == task.id
    assert email.to_address == agent.email and email.status == "queued"
    assert f"/rescue/{task.id}" in email.text_body
    assert "Mia &lt;b&gt;" in email.html_body and "Mia <b>" not in email.html_body


def test_a_normal_task_sends_no_email(session, settings):
    make_staff(session, "agent")
    session.commit()
    answer(session, settings, score=4)
    assert session.scalars(select(OutboxEmail)).all() == []


def test_processing_twice_opens_assigns_and_emails_once(session, settings):
    make_staff(session, "agent")
    make_staff(session, "agent")
    session.commit()
    response_id = answer(session, settings, comment=NEGATIVE)
    session.execute(update(Response).values(processed_at=None))
    session.commit()
    process_responses(session, [response_id], settings)
    session.commit()
    assert len(session.scalars(select(RescueTask)).all()) == 1
    assert len(session.scalars(select(OutboxEmail)).all()) == 1
    assert len(session.scalars(select(RescueTaskEvent)).all()) == 2


def test_a_negative_comment_after_the_score_raises_the_task(session, settings):
    at(T0)
    survey = make_survey(session)
    response_id = answer(session, settings, survey, score=5)
    task = task_of(session, response_id)
    assert task.priority == "normal"
    at(T0 + timedelta(minutes=2))
    response = session.get(Response, response_id)
    add_comment(session, session.get(Invitation, response.invitation_id), NEGATIVE)
    session.commit()
    process_responses(session, [response_id], settings)
    session.commit()
    task = task_of(session, response_id)
    assert task.priority == "high"
    assert task.due_at == T0 + settings.rescue_high_due
    assert history(session, task)[-1].detail == {
        "from": "normal",
        "to": "high",
        "reason": "negative comment",
    }


def test_a_task_raised_to_high_by_a_later_comment_emails_its_assignee(session, settings):
    """The answer page saves the score first: the negative comment arrives on a task already
    opened as normal, and its assignee must hear of it then, once."""
    agent = make_staff(session, "agent")
    session.commit()
    response_id = answer(session, settings, score=5)
    assert session.scalars(select(OutboxEmail)).all() == []
    response = session.get(Response, response_id)
    add_comment(session, session.get(Invitation, response.invitation_id), NEGATIVE)
    session.commit()
    process_responses(session, [response_id], settings)
    session.commit()
    session.execute(update(Response).values(processed_at=None))  # processed again: no new email
    process_responses(session, [response_id], settings)
    session.commit()

    task = task_of(session, response_id)
    [email] = session.scalars(select(OutboxEmail)).all()
    assert (email.kind, email.to_address, email.rescue_task_id) == (
        "task_assigned",
        agent.email,
        task.id,
    )
    assert email.status == "queued"
