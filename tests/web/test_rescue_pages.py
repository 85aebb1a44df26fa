"""The support team's rescue pages through HTTP: the queue and its filters, a task with the
customer's timeline, every action, errors (4xx, nothing changed), escaping, CSRF and roles."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import create_app
from config import TestConfig
from surveys.kernel import clock
from surveys.kernel.formatting import format_moment
from surveys.models import (
    Event,
    Invitation,
    OutboxEmail,
    RescueNote,
    RescueTask,
    RescueTaskEvent,
    StageChange,
)
from tests.conftest import use_celery_of
from tests.factories.rescue import make_task
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_survey


@pytest.fixture
def agent(session):
    user = make_staff(session, "agent", email="aino@example.com", name="Aino Agent")
    session.commit()
    return user


@pytest.fixture
def agent_client(client, agent):
    return sign_in(client, agent)


def body_of(response) -> str:
    return response.get_data(as_text=True)


def queue_rows(html: str) -> list[int]:
    """The task ids of the queue's rows, in page order."""
    return [int(n) for n in re.findall(r'data-task-id="(\d+)"', html)]


def row_html(html: str, task_id: int) -> str:
    match = re.search(rf'<tr class="[^"]*" data-task-id="{task_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row for task {task_id}"
    return match.group(0)


def reload(session, task: RescueTask) -> RescueTask:
    session.expire_all()
    return session.get(RescueTask, task.id)


def history_actions(session, task) -> list[str]:
    session.expire_all()
    rows = session.scalars(
        select(RescueTaskEvent.action)
        .where(RescueTaskEvent.task_id == task.id)
        .order_by(RescueTaskEvent.id)
    )
    return list(rows)


# ---------- the queue ----------


def test_queue_lists_open_tasks_earliest_due_first_with_their_facts(
    agent_client, session, settings, agent
):
    now = clock.now()
    later = make_task(session, settings, due_at=now + timedelta(hours=20), name="Later Oy")
    sooner = make_task(
        session,
        settings,
        score=1,
        comment="Terrible, slow and broken.",
        due_at=now + timedelta(hours=2),
        priority="high",
        assignee=agent,
        name="Sooner Ab",
    )
    done = make_task(session, settings, name="Done Inc")
    done.status, done.outcome, done.resolution_note = "resolved", "lost", "Gone."
    session.commit()

    page = agent_client.get("/rescue/")

    assert page.status_code == 200
    html = body_of(page)
    assert queue_rows(html) == [sooner.id, later.id]  # resolved ones are not in the queue
    row = row_html(html, sooner.id)
    assert "Sooner Ab" in row and f'href="/rescue/{sooner.id}"' in row
    assert ">1</span>" in row  # the score
    assert "Terrible, slow and broken." in row
    assert "Negative sentiment" in row
    assert "High" in row and "Open" in row and "Aino Agent" in row
    assert "in 2 h" in row or "in 1 h" in row
    assert "Unassigned" not in row


def test_queue_shows_a_long_comment_as_an_excerpt(agent_client, session, settings):
    long_comment = "The delivery was late again. " * 20
    task = make_task(session, settings, comment=long_comment)
    session.commit()

    row = row_html(body_of(agent_client.get("/rescue/")), task.id)

    assert "The delivery was late again." in row
    assert long_comment.strip() not in row and "…" in row


def test_overdue_tasks_are_marked_with_words_not_only_colour(agent_client, session, settings):
    now = clock.now()
    late = make_task(session, settings, due_at=now - timedelta(hours=3))
    on_time = make_task(session, settings, due_at=now + timedelta(hours=3))
    contacted_late = make_task(session, settings, due_at=now - timedelta(hours=3))
    contacted_late.status, contacted_late.first_contact_at = "contacted", now - timedelta(hours=4)
    session.commit()

    html = body_of(agent_client.get("/rescue/"))

    assert "queue-row--overdue" in row_html(html, late.id)
    assert "Overdue" in row_html(html, late.id) and "3 h overdue" in row_html(html, late.id)
    assert "Overdue" not in row_html(html, on_time.id)
    assert "Overdue" not in row_html(html, contacted_late.id)  # reached in time: no longer late


def test_queue_filters_mine_unassigned_overdue_priority_survey_and_stage(
    agent_client, session, settings, agent
):
    now = clock.now()
    other = make_staff(session, "agent", email="bertta@example.com")
    survey_a, survey_b = make_survey(session, name="Onboarding NPS"), make_survey(session)
    mine = make_task(session, settings, survey=survey_a, assignee=agent)
    theirs = make_task(session, settings, survey=survey_b, assignee=other)
    nobody = make_task(session, settings, survey=survey_b, assignee=None, priority="high")
    late = make_task(
        session, settings, survey=survey_b, assignee=other, due_at=now - timedelta(hours=1)
    )
    late.priority = "normal"
    for task in (mine, theirs):
        task.priority = "normal"
    # Processing moved each detractor to at_risk; set the stages this test filters on.
    mine.customer.stage, theirs.customer.stage = "active", "loyal"
    nobody.customer.stage, late.customer.stage = "active", "at_risk"
    session.commit()

    def shown(**params) -> set[int]:
        page = agent_client.get("/rescue/", query_string=params)
        assert page.status_code == 200, body_of(page)
        return set(queue_rows(body_of(page)))

    everything = {mine.id, theirs.id, nobody.id, late.id}
    assert shown() == everything
    assert shown(assignee="mine") == {mine.id}
    assert shown(assignee="unassigned") == {nobody.id}
    assert shown(overdue="y") == {late.id}
    assert shown(priority="high") == {nobody.id}
    assert shown(priority="normal") == everything - {nobody.id}
    assert shown(survey=survey_a.id) == {mine.id}
    assert shown(stage="loyal") == {theirs.id}
    assert shown(stage="active", assignee="unassigned") == {nobody.id}
    # The filter form shows what is applied.
    html = body_of(agent_client.get("/rescue/", query_string={"survey": survey_a.id}))
    assert f'<option selected value="{survey_a.id}">Onboarding NPS</option>' in html


def test_queue_status_filter_shows_resolved_tasks_on_request(agent_client, session, settings):
    open_task, resolved = make_task(session, settings), make_task(session, settings)
    resolved.status = "resolved"
    session.commit()

    assert queue_rows(body_of(agent_client.get("/rescue/?status=resolved"))) == [resolved.id]
    assert set(queue_rows(body_of(agent_client.get("/rescue/?status=all")))) == {
        open_task.id,
        resolved.id,
    }


@pytest.mark.parametrize(
    "query", ["priority=urgent", "assignee=everyone", "survey=abc", "stage=vip", "page=0"]
)
def test_queue_with_an_invalid_filter_answers_400(agent_client, query):
    page = agent_client.get(f"/rescue/?{query}")

    assert page.status_code == 400
    assert "not valid" in body_of(page)


def test_queue_pages_keep_the_filters(agent_client, session, settings):
    now = clock.now()
    survey = make_survey(session)
    tasks = [
        make_task(session, settings, survey=survey, due_at=now + timedelta(minutes=n), comment=None)
        for n in range(27)
    ]
    make_task(session, settings)  # another survey: filtered out
    session.commit()

    first = body_of(agent_client.get(f"/rescue/?survey={survey.id}"))
    assert queue_rows(first) == [t.id for t in tasks[:25]]
    assert "Page 1 of 2" in first
    next_link = re.search(r'<a class="btn btn-small" rel="next" href="([^"]+)"', first).group(1)
    assert f"survey={survey.id}" in next_link
    second = body_of(agent_client.get(next_link.replace("&amp;", "&")))
    assert queue_rows(second) == [t.id for t in tasks[25:]]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert agent_client.get(f"/rescue/?survey={survey.id}&page=9").status_code == 404
    # Past what SQL's OFFSET holds: still no such page, not a database error.
    assert agent_client.get("/rescue/?page=99999999999999999999").status_code == 404


# ---------- the task page ----------


def test_task_page_shows_the_answer_sla_timeline_notes_and_history(
    agent_client, session, settings, agent
):
    now = clock.now()
    survey = make_survey(session, name="Support CSAT", kind="csat")
    first = make_task(session, settings, survey=survey, score=1, comment="Still broken.")
    customer = first.customer
    first.status, first.outcome, first.resolution_note = "resolved", "lost", "Could not help."
    task = make_task(
        session,
        settings,
        survey=survey,
        customer=customer,
        score=2,
        comment="The app crashes when I pay.\nEvery time!",
        due_at=now + timedelta(hours=3),
        assignee=agent,
    )
    task.handled_by = "pekka@example.com"
    session.add(
        Event(
            customer_id=customer.id,
            name="support_ticket_closed",
            properties={"ticket": "T-42"},
            occurred_at=now - timedelta(days=1),
        )
    )
    session.add(
        StageChange(
            customer_id=customer.id,
            from_stage="active",
            to_stage="at_risk",
            cause="feedback",
            detail="detractor answer",
            changed_at=now,
        )
    )
    session.add(
        RescueNote(
            task_id=task.id, author_id=agent.id, author_kind="staff", body="Called, no answer."
        )
    )
    session.commit()

    page = agent_client.get(f"/rescue/{task.id}")

    assert page.status_code == 200
    html = body_of(page)
    assert "The app crashes when I pay.\nEvery time!" in html  # the full comment
    assert "Negative sentiment" in html
    assert "pekka@example.com" in html  # handled by
    assert "Running</span>, contact in 2 h" in html or "contact in 3 h" in html
    assert "Called, no answer." in html and "Aino Agent" in html
    timeline = html.split('id="timeline-title"')[1]
    assert "support_ticket_closed" in timeline and "ticket: T-42" in timeline
    assert "Invited to Support CSAT" in timeline
    assert "Answered 1 to Support CSAT" in timeline and "Still broken." in timeline
    assert f'href="/rescue/{first.id}"' in timeline  # the earlier task, linked
    assert "Stage active → at risk" in timeline
    history = html.split('id="history-title"')[1].split("</section>")[0]
    assert "Opened, " in history


def test_task_page_of_a_missing_task_is_404(agent_client):
    assert agent_client.get("/rescue/999999").status_code == 404


def test_comments_notes_and_names_are_escaped_everywhere(agent_client, session, settings, agent):
    evil = "<script>alert('x')</script>"
    task = make_task(session, settings, comment=evil, name=f"Eve {evil}")
    session.add(RescueNote(task_id=task.id, author_id=agent.id, author_kind="staff", body=evil))
    session.commit()

    for url in ("/rescue/", f"/rescue/{task.id}"):
        html = body_of(agent_client.get(url))
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_customer_timeline_is_newest_first_in_a_fixed_number_of_queries(engine, session, settings):
    from sqlalchemy import event as sa_event

    from surveys.customers.timeline import customer_timeline

    now = clock.now()
    first = make_task(session, settings, score=1, comment="Broken.")
    customer = first.customer
    for n in range(3):
        session.add(
            Event(
                customer_id=customer.id,
                name=f"purchase_{n}",
                properties={"order": n, "note": "x" * 100},
                occurred_at=now - timedelta(days=3 - n),
            )
        )
    clock.set_source(lambda: now + timedelta(hours=1))
    second = make_task(session, settings, customer=customer, survey=first.response.survey)
    session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        entries = customer_timeline(session, customer)
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)

    assert len(statements) <= 7  # one per kind, plus the answers' themes and the assignees
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    kinds = {e.kind for e in entries}
    assert kinds >= {"event", "invitation", "response", "rescue_task", "stage_change"}
    tasks = [e.link for e in entries if e.kind == "rescue_task"]
    assert tasks == [("rescue_task", second.id), ("rescue_task", first.id)]
    purchase = next(e for e in entries if e.title == "purchase_2")
    assert purchase.detail.startswith("order: 2 · note: xxx") and purchase.detail.endswith("…")
    answer = next(e for e in entries if e.link == ("response", first.response_id))
    assert answer.facts["comment"] == "Broken." and answer.facts["score"] == 1


def test_a_resolved_task_offers_no_follow_up_and_only_admins_may_reopen(
    client, session, settings, agent
):
    admin = make_staff(session, "admin", email="admin@example.com")
    task = make_task(session, settings, assignee=agent)
    task.status, task.outcome, task.resolution_note = "resolved", "lost", "Gone."
    session.commit()

    html = body_of(sign_in(client, agent).get(f"/rescue/{task.id}"))
    assert "Send follow-up" not in html and "reopen it to write" in html
    assert "Only an admin can reopen" in html and "Change status" not in html
    assert 'name="status-status"' not in html and "/reopen" not in html  # no form at all
    assert client.post(f"/rescue/{task.id}/reopen").status_code == 403
    client.post("/logout")

    admin_page = body_of(sign_in(client, admin).get(f"/rescue/{task.id}"))
    assert f'action="/rescue/{task.id}/reopen"' in admin_page and ">Reopen</button>" in admin_page
    assert "Change status" not in admin_page and 'name="status-status"' not in admin_page
    reopened = client.post(f"/rescue/{task.id}/reopen")
    assert reopened.status_code == 303
    task = reload(session, task)
    assert (task.status, task.outcome) == ("in_progress", None)
    assert history_actions(session, task)[-1] == "reopened"
    page = body_of(client.get(f"/rescue/{task.id}"))
    assert "Change status" in page and ">Reopen</button>" not in page


# ---------- actions ----------


def test_take_assigns_the_task_to_me_and_redirects_back(agent_client, session, settings, agent):
    task = make_task(session, settings, assignee=None)
    session.commit()

    response = agent_client.post(f"/rescue/{task.id}/take")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/rescue/{task.id}"
    assert reload(session, task).assignee_id == agent.id
    assert history_actions(session, task)[-1] == "assigned"
    page = body_of(agent_client.get(f"/rescue/{task.id}"))
    assert "Assigned to aino@example.com" in page and "Take it" not in page


def test_assign_offers_active_agents_and_admins_only(agent_client, session, settings, agent):
    admin = make_staff(session, "admin", email="admin@example.com")
    analyst = make_staff(session, "analyst", email="analyst@example.com")
    gone = make_staff(session, "agent", email="gone@example.com")
    gone.active = False
    task = make_task(session, settings, assignee=agent)
    session.commit()

    html = body_of(agent_client.get(f"/rescue/{task.id}"))
    options = re.search(r'<select[^>]*name="assign-assignee".*?</select>', html, re.S).group(0)
    assert "admin@example.com" in options and "aino@example.com" in options
    assert "analyst@example.com" not in options and "gone@example.com" not in options

    moved = agent_client.post(f"/rescue/{task.id}/assign", data={"assign-assignee": admin.id})
    assert moved.status_code == 303
    assert reload(session, task).assignee_id == admin.id

    refused = agent_client.post(f"/rescue/{task.id}/assign", data={"assign-assignee": analyst.id})
    assert refused.status_code == 422
    assert "Not a valid choice" in body_of(refused)
    assert reload(session, task).assignee_id == admin.id

    released = agent_client.post(f"/rescue/{task.id}/assign", data={"assign-assignee": ""})
    assert released.status_code == 303
    assert reload(session, task).assignee_id is None


def test_status_moves_along_and_is_kept_in_history(agent_client, session, settings, agent):
    task = make_task(session, settings, assignee=agent)
    session.commit()

    response = agent_client.post(f"/rescue/{task.id}/status", data={"status-status": "in_progress"})

    assert response.status_code == 303
    assert reload(session, task).status == "in_progress"
    html = body_of(agent_client.get(f"/rescue/{task.id}"))
    assert "Status: Open → In progress" in html


def test_resolving_needs_an_outcome_and_a_note_and_nothing_changes_without(
    agent_client, session, settings, agent
):
    task = make_task(session, settings, assignee=agent)
    session.commit()
    before = history_actions(session, task)

    response = agent_client.post(f"/rescue/{task.id}/status", data={"status-status": "resolved"})

    assert response.status_code == 422
    html = body_of(response)
    assert "Resolving needs an outcome." in html and "Resolving needs a note" in html
    assert 'aria-invalid="true"' in html
    assert reload(session, task).status == "open"
    assert history_actions(session, task) == before


def test_resolving_with_outcome_note_and_resurvey(agent_client, session, settings, agent):
    task = make_task(session, settings, assignee=agent)
    session.commit()

    response = agent_client.post(
        f"/rescue/{task.id}/status",
        data={
            "status-status": "resolved",
            "status-outcome": "satisfied",
            "status-note": "Refunded the order; they were happy.",
            "status-resurvey_after_days": "14",
        },
    )

    assert response.status_code == 303, body_of(response)
    task = reload(session, task)
    assert (task.status, task.outcome, task.winback) == ("resolved", "satisfied", "pending")
    assert task.resolution_note == "Refunded the order; they were happy."
    assert task.resurvey_invitation_id is not None
    resurvey = session.get(Invitation, task.resurvey_invitation_id)
    assert resurvey.customer_id == task.customer_id
    html = body_of(agent_client.get(f"/rescue/{task.id}"))
    # The agent's outcome and the measured win-back, each in its own words.
    assert "Customer satisfied (agent&#39;s view)" in html and "Re-survey" in html
    assert "Win-back pending" in html and "Won back" not in html


def test_fields_of_a_resolution_are_refused_for_another_status(agent_client, session, settings):
    task = make_task(session, settings)
    session.commit()

    response = agent_client.post(
        f"/rescue/{task.id}/status",
        data={"status-status": "in_progress", "status-note": "Typed for nothing"},
    )

    assert response.status_code == 422
    assert "Only when resolving" in body_of(response)
    assert reload(session, task).status == "open"


def test_a_transition_the_rules_forbid_answers_409_and_changes_nothing(
    agent_client, session, settings, agent
):
    task = make_task(session, settings, assignee=agent)
    task.status, task.outcome, task.resolution_note = "resolved", "lost", "Gone."
    session.commit()
    before = history_actions(session, task)

    reopen = agent_client.post(f"/rescue/{task.id}/status", data={"status-status": "contacted"})
    reassign = agent_client.post(f"/rescue/{task.id}/assign", data={"assign-assignee": ""})

    assert reopen.status_code == 409
    assert 'role="alert"' in body_of(reopen) and "cannot go from resolved" in body_of(reopen)
    assert reassign.status_code == 409 and "reopen it" in body_of(reassign)
    task = reload(session, task)
    assert (task.status, task.assignee_id) == ("resolved", agent.id)
    assert history_actions(session, task) == before


def test_add_note_shows_author_and_time(agent_client, session, settings, agent):
    task = make_task(session, settings)
    session.commit()

    response = agent_client.post(
        f"/rescue/{task.id}/notes", data={"note-body": "  Left a voicemail.  "}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"/rescue/{task.id}#notes"
    note = session.scalars(select(RescueNote).where(RescueNote.task_id == task.id)).one()
    assert (note.body, note.author_id) == ("Left a voicemail.", agent.id)
    html = body_of(agent_client.get(f"/rescue/{task.id}"))
    notes = html.split('id="notes-title"')[1]
    assert "Left a voicemail." in notes and "Aino Agent" in notes
    assert format_moment(note.created_at, "en") in notes


def test_empty_note_is_refused(agent_client, session, settings):
    task = make_task(session, settings)
    session.commit()

    response = agent_client.post(f"/rescue/{task.id}/notes", data={"note-body": "   "})

    assert response.status_code == 422
    assert "Write the note first." in body_of(response)
    assert session.scalar(select(func.count(RescueNote.id))) == 0


def test_follow_up_email_goes_through_the_outbox_reply_to_the_agent(
    agent_client, session, settings, agent
):
    task = make_task(session, settings, assignee=None, email="ville@example.com")
    session.commit()
    page = body_of(agent_client.get(f"/rescue/{task.id}"))
    assert "ville@example.com" in page.split('id="follow-up"')[1]  # who it goes to

    response = agent_client.post(
        f"/rescue/{task.id}/follow-up",
        data={"mail-subject": "Sorry about the delay", "mail-body": "Hi Ville,\n\nWe fixed it."},
    )

    assert response.status_code == 303, body_of(response)
    task = reload(session, task)
    assert task.status == "contacted" and task.first_contact_at is not None
    assert task.sla_met is True and task.assignee_id == agent.id
    email = session.scalars(select(OutboxEmail).where(OutboxEmail.kind == "follow_up")).one()
    assert email.to_address == "ville@example.com"
    assert "aino@example.com" in email.headers["Reply-To"]
    assert "We fixed it." in email.text_body
    assert email.status == "logged"  # delivery was enqueued (eager here; no SMTP configured)
    html = body_of(agent_client.get(f"/rescue/{task.id}"))
    assert "Follow-up sent to ville@example.com" in html
    assert "Follow-up email sent: “Sorry about the delay”" in html


def test_follow_up_to_a_bounced_address_is_refused_and_nothing_is_sent(
    agent_client, session, settings
):
    task = make_task(session, settings)
    task.customer.bounced_at, task.customer.bounce_reason = clock.now(), "550 no such user"
    session.commit()

    response = agent_client.post(
        f"/rescue/{task.id}/follow-up",
        data={"mail-subject": "Hello", "mail-body": "Are you there?"},
    )

    assert response.status_code == 409
    html = body_of(response)
    assert "bounced" in html
    assert 'value="Hello"' in html and "Are you there?" in html  # what was typed is kept
    assert (
        session.scalar(select(func.count(OutboxEmail.id)).where(OutboxEmail.kind == "follow_up"))
        == 0
    )
    assert reload(session, task).status == "open"


def test_follow_up_without_subject_is_refused(agent_client, session, settings):
    task = make_task(session, settings)
    session.commit()

    response = agent_client.post(
        f"/rescue/{task.id}/follow-up", data={"mail-subject": "", "mail-body": "Text"}
    )

    assert response.status_code == 422
    assert "Write a subject." in body_of(response)
    assert reload(session, task).status == "open"


# ---------- the report ----------


def test_report_shows_figures_by_agent_and_survey_within_dates(
    agent_client, session, settings, agent
):
    survey = make_survey(session, name="Renewal NPS")
    make_task(session, settings, survey=survey, assignee=agent)
    session.commit()

    page = agent_client.get("/rescue/report")

    assert page.status_code == 200
    html = body_of(page)
    assert "Renewal NPS" in html and "Aino Agent" in html
    today = clock.now().date()
    ranged = agent_client.get(
        "/rescue/report", query_string={"since": today.isoformat(), "until": today.isoformat()}
    )
    assert ranged.status_code == 200 and "Renewal NPS" in body_of(ranged)
    past = agent_client.get("/rescue/report", query_string={"until": "2001-01-01"})
    assert past.status_code == 200 and "Renewal NPS" not in body_of(past)


def test_report_refuses_a_backwards_date_range(agent_client):
    page = agent_client.get("/rescue/report?since=2025-02-01&until=2025-01-01")

    assert page.status_code == 400
    assert "before the start date" in body_of(page)


# ---------- roles and CSRF ----------


@pytest.mark.parametrize(
    ("role", "queue", "report"),
    [("admin", 200, 200), ("agent", 200, 200), ("analyst", 403, 200)],
)
def test_roles_per_page(client, session, settings, role, queue, report):
    user = make_staff(session, role, email=f"{role}@example.com")
    task = make_task(session, settings, assignee=None)
    session.commit()
    sign_in(client, user)

    assert client.get("/rescue/").status_code == queue
    assert client.get(f"/rescue/{task.id}").status_code == queue
    assert client.get("/rescue/report").status_code == report
    took = client.post(f"/rescue/{task.id}/take")
    noted = client.post(f"/rescue/{task.id}/notes", data={"note-body": "hi"})
    assert took.status_code == (303 if queue == 200 else 403)
    assert noted.status_code == (303 if queue == 200 else 403)


def test_anonymous_visitors_are_sent_to_sign_in(client, session, settings):
    task = make_task(session, settings)
    session.commit()

    for url in ("/rescue/", f"/rescue/{task.id}", "/rescue/report"):
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    assert client.post(f"/rescue/{task.id}/take").status_code == 302
    assert reload(session, task).assignee_id == task.assignee_id


def test_every_rescue_view_declares_its_roles(app):
    readers, workers = {"admin", "agent", "analyst"}, {"admin", "agent"}
    endpoints = [r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("rescue.")]
    assert len(endpoints) == 9
    special = {"rescue.report": readers, "rescue.reopen": {"admin"}}
    for endpoint in endpoints:
        roles = app.view_functions[endpoint]._kaiku_roles  # recorded by role_required
        assert set(roles) == special.get(endpoint, workers), endpoint


@pytest.fixture(scope="module")
def csrf_app(app):
    class CsrfConfig(TestConfig):
        WTF_CSRF_ENABLED = True

    csrf_app = create_app(CsrfConfig)
    use_celery_of(app)
    return csrf_app


def test_actions_without_csrf_token_are_refused_and_forms_carry_one(
    csrf_app, engine, session, settings, agent
):
    task = make_task(session, settings, assignee=None)
    session.commit()
    client = csrf_app.test_client()
    login_page = body_of(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/login",
        data={"email": agent.email, "password": "correct horse battery", "csrf_token": token},
    )

    forged = client.post(f"/rescue/{task.id}/take")
    assert forged.status_code == 400
    assert reload(session, task).assignee_id is None

    page = body_of(client.get(f"/rescue/{task.id}"))
    forms = re.findall(r'<form method="post".*?</form>', page, re.S)
    assert len(forms) >= 5 and all("csrf_token" in form for form in forms)
    token = re.search(r'name="note-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    noted = client.post(
        f"/rescue/{task.id}/notes", data={"note-csrf_token": token, "note-body": "Real"}
    )
    assert noted.status_code == 303
