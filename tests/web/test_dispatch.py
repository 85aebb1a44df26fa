"""Lifecycle delivery end to end on a controllable clock: events → invitations → the periodic
dispatcher → the outbox (logged, no SMTP in tests); reminders once, then expiry."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from surveys.answers.recording import record_answer
from surveys.catalog import definitions as catalog
from surveys.delivery.bounces import record_bounce
from surveys.delivery.invitations import answer_url, invitation_token
from surveys.delivery.triggers import evaluate_events
from surveys.models import Invitation, OutboxEmail
from tests.conftest import record_sent_tasks
from tests.factories.clock import Clock, utc
from tests.factories.surveys import make_customer, make_survey
from tests.factories.triggers import make_event, make_rule
from worker.delivery_tasks import dispatch_due_invitations, remind_and_expire_invitations

MONDAY_NOON = utc(2026, 3, 2, 12, 0)  # 14:00 in Helsinki


@pytest.fixture
def clock():
    return Clock(MONDAY_NOON)


def trigger(session, settings, customer, name="purchase_completed", at=None):
    """Record an event at ``at`` (default: now) and evaluate it; commits."""
    event = make_event(session, customer, name, occurred_at=at)
    created = evaluate_events(session, [event], settings)
    session.commit()
    return created[0] if created else None


def dispatch() -> int:
    return dispatch_due_invitations.apply().get()


def remind() -> dict:
    return remind_and_expire_invitations.apply().get()


def fresh(session, invitation) -> Invitation:
    return session.get(Invitation, invitation.id, populate_existing=True)


def emails(session, kind=None) -> list[OutboxEmail]:
    stmt = select(OutboxEmail).order_by(OutboxEmail.id)
    if kind:
        stmt = stmt.where(OutboxEmail.kind == kind)
    return list(session.scalars(stmt.execution_options(populate_existing=True)))


def test_invitation_goes_out_when_its_delay_has_passed(session, settings, clock):
    make_rule(session, make_survey(session), delay_minutes=60)
    invitation = trigger(session, settings, make_customer(session, email="ann@example.com"))

    clock.advance(minutes=59)
    assert dispatch() == 0
    assert fresh(session, invitation).status == "scheduled"

    clock.advance(minutes=1)
    assert dispatch() == 1

    sent = fresh(session, invitation)
    assert sent.status == "sent" and sent.sent_at == clock.now
    assert sent.expires_at == clock.now + timedelta(days=14)
    (email,) = emails(session)
    assert (email.kind, email.to_address, email.status) == (
        "invitation",
        "ann@example.com",
        "logged",
    )
    token = invitation_token(sent, settings)
    assert answer_url(settings, token, 9) in email.text_body
    assert email.headers["List-Unsubscribe"] == f"<{settings.base_url}/u/{token}>"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.message_id.startswith("<") and email.message_id.endswith(">")
    assert dispatch() == 0 and len(emails(session)) == 1


def test_dispatch_records_who_handled_the_customer_as_it_sends(session, settings, clock):
    make_rule(session, make_survey(session), event_name="support_ticket_closed")
    customer = make_customer(session, attributes={"support_agent": "bob"})
    event = make_event(
        session, customer, "support_ticket_closed", properties={"agent": "sue@example.com"}
    )
    (by_event,) = evaluate_events(session, [event], settings)
    other = make_customer(session, attributes={"support_agent": "bob"})
    (by_attribute,) = evaluate_events(
        session, [make_event(session, other, "support_ticket_closed")], settings
    )
    session.commit()
    assert fresh(session, by_event).handled_by is None  # not sent yet

    assert dispatch() == 2

    assert fresh(session, by_event).handled_by == "sue@example.com"
    assert fresh(session, by_attribute).handled_by == "bob"


def test_an_event_in_the_customers_night_is_sent_next_morning(session, settings, clock):
    make_rule(session, make_survey(session))
    helsinki = make_customer(session, timezone="Europe/Helsinki")
    invitation = trigger(session, settings, helsinki, at=clock.set(utc(2026, 3, 2, 20, 30)))

    assert invitation.status == "scheduled"
    assert invitation.scheduled_for == utc(2026, 3, 3, 6, 0)
    assert invitation.reason == (
        "postponed: quiet hours (21:00–08:00 Europe/Helsinki) until 2026-03-03 08:00"
    )
    clock.set(utc(2026, 3, 3, 5, 59))
    assert dispatch() == 0
    clock.set(utc(2026, 3, 3, 6, 0))
    assert dispatch() == 1
    assert fresh(session, invitation).status == "sent"


def test_a_delay_into_quiet_hours_is_held_at_send_time_too(session, settings, clock):
    make_rule(session, make_survey(session), delay_minutes=60)
    helsinki = make_customer(session, timezone="Europe/Helsinki")
    invitation = trigger(session, settings, helsinki)  # 14:00 local, due 15:00
    clock.set(utc(2026, 3, 2, 19, 30))  # the dispatcher was down until 21:30 local

    assert dispatch() == 1

    held = fresh(session, invitation)
    assert held.status == "scheduled" and held.scheduled_for == utc(2026, 3, 3, 6, 0)
    assert held.reason.startswith("postponed: quiet hours")
    assert emails(session) == []


def test_a_trigger_delay_that_lands_in_quiet_hours_is_postponed_when_it_fires(
    session, settings, clock
):
    make_rule(session, make_survey(session), delay_minutes=7 * 60 + 30)
    helsinki = make_customer(session, timezone="Europe/Helsinki")

    invitation = trigger(session, settings, helsinki)  # 14:00 local + 7.5 h = 21:30 local

    assert invitation.status == "scheduled"
    assert invitation.scheduled_for == utc(2026, 3, 3, 6, 0)  # 08:00 local, not 21:30
    assert invitation.reason == (
        "postponed: quiet hours (21:00–08:00 Europe/Helsinki) until 2026-03-03 08:00"
    )
    clock.set(utc(2026, 3, 2, 19, 30))  # the delay has passed, but it is 21:30 there
    assert dispatch() == 0 and emails(session) == []
    clock.set(utc(2026, 3, 3, 6, 0))
    assert dispatch() == 1 and fresh(session, invitation).status == "sent"


def test_a_delay_across_the_spring_forward_night_wakes_at_eight_summer_time(
    session, settings, clock
):
    make_rule(session, make_survey(session), delay_minutes=60)
    helsinki = make_customer(session, timezone="Europe/Helsinki")
    at = clock.set(utc(2026, 3, 28, 20, 30))  # Saturday 22:30 EET, due 23:30 EET

    invitation = trigger(session, settings, helsinki, at=at)

    assert invitation.scheduled_for == utc(2026, 3, 29, 5, 0)  # Sunday 08:00 EEST (+03:00)
    clock.set(utc(2026, 3, 29, 4, 59))  # 07:59 EEST (06:59 in winter time)
    assert dispatch() == 0
    clock.set(utc(2026, 3, 29, 5, 0))
    assert dispatch() == 1


def test_quiet_weekends_hold_a_saturday_event_until_monday(session, settings, clock):
    survey = make_survey(session)
    survey.quiet_weekends = True
    make_rule(session, survey)
    saturday = clock.set(utc(2026, 3, 7, 10, 0))

    invitation = trigger(session, settings, make_customer(session, timezone="UTC"), at=saturday)

    assert invitation.scheduled_for == utc(2026, 3, 9, 8, 0)
    assert "weekend" in invitation.reason
    clock.set(utc(2026, 3, 8, 12, 0))
    assert dispatch() == 0


def test_the_survey_window_skips_a_second_ask_naming_the_last_one(session, settings, clock):
    survey = make_survey(session)
    survey.recontact_days = 30
    make_rule(session, survey)
    person = make_customer(session)
    first = trigger(session, settings, person)
    dispatch()
    record_answer(session, fresh(session, first), 8, channel="email")
    session.commit()

    clock.advance(days=20)
    again = trigger(session, settings, person)

    assert again.status == "skipped"
    assert again.reason == (
        "skipped: surveyed 2026-03-02, inside this survey's 30-day recontact window"
    )
    clock.advance(days=80)  # past this survey's window and the global one
    assert trigger(session, settings, person).status == "scheduled"


def test_the_global_window_spans_surveys(session, settings, clock):
    onboarding, support = make_survey(session), make_survey(session, "csat")
    make_rule(session, onboarding, "signed_up")
    make_rule(session, support, "support_ticket_closed")
    person = make_customer(session)
    trigger(session, settings, person, "signed_up")
    dispatch()

    clock.advance(days=45)
    skipped = trigger(session, settings, person, "support_ticket_closed")

    assert (
        skipped.reason == "skipped: surveyed 2026-03-02, inside the global 90-day recontact window"
    )


def test_an_open_invitation_for_the_survey_skips_the_next_one(session, settings, clock):
    make_rule(session, make_survey(session), delay_minutes=24 * 60)
    person = make_customer(session)
    first = trigger(session, settings, person)

    clock.advance(hours=2)
    second = trigger(session, settings, person)

    assert second.status == "skipped"
    assert second.reason == f"skipped: open invitation {first.id} (scheduled) for this survey"


def test_unsubscribing_before_the_send_skips_it(session, settings, clock):
    make_rule(session, make_survey(session), delay_minutes=60)
    person = make_customer(session)
    invitation = trigger(session, settings, person)
    person.unsubscribed = True
    session.commit()

    clock.advance(hours=2)
    dispatch()

    skipped = fresh(session, invitation)
    assert (skipped.status, skipped.reason) == ("skipped", "skipped: unsubscribed")
    assert emails(session) == []


def test_a_bounce_before_the_send_skips_it_and_every_later_one(session, settings, clock):
    survey = make_survey(session)
    survey.recontact_days = 0
    make_rule(session, survey, delay_minutes=60)
    person = make_customer(session, email="gone@example.com")
    invitation = trigger(session, settings, person)
    record_bounce(session, "GONE@example.com", "550 mailbox does not exist")
    session.commit()

    clock.advance(hours=2)
    dispatch()

    assert fresh(session, invitation).reason == "skipped: bounced"
    later = trigger(session, settings, person)
    assert (later.status, later.reason) == ("skipped", "skipped: bounced")
    assert emails(session) == []


def test_a_link_only_rule_makes_the_link_available_without_email(session, settings, clock):
    make_rule(session, make_survey(session), channel="link")
    invitation = trigger(session, settings, make_customer(session, email=None))

    dispatch()

    assert fresh(session, invitation).status == "pending"
    assert emails(session) == []


def sent_invitation(session, settings, clock, **customer):
    survey = make_survey(session)
    make_rule(session, survey)
    invitation = trigger(session, settings, make_customer(session, **customer))
    dispatch()
    return survey, fresh(session, invitation)


def test_one_reminder_after_the_surveys_reminder_days(session, settings, clock):
    survey, invitation = sent_invitation(session, settings, clock, locale="fi")

    clock.advance(days=2, hours=23)
    assert remind()["reminded"] == 0
    clock.advance(hours=1)
    assert remind()["reminded"] == 1
    clock.advance(days=1)
    assert remind()["reminded"] == 0

    original, reminder = emails(session)
    assert (reminder.kind, reminder.status) == ("reminder", "logged")
    assert reminder.subject == "Muistutus: miten onnistuimme?"
    assert reminder.to_address == original.to_address
    assert reminder.headers == original.headers  # same link, same one-click unsubscribe
    token = invitation_token(invitation, settings)
    assert answer_url(settings, token, 10) in reminder.text_body
    assert reminder.message_id != original.message_id
    assert fresh(session, invitation).reminded_at == utc(2026, 3, 5, 12, 0)


def test_no_reminder_after_an_answer_or_an_unsubscribe(session, settings, clock):
    _, answered = sent_invitation(session, settings, clock)
    _, unsubscribed = sent_invitation(session, settings, clock)
    record_answer(session, answered, 9, channel="email")
    unsubscribed.customer.unsubscribed = True
    session.commit()

    clock.advance(days=4)
    assert remind()["reminded"] == 0
    assert emails(session, "reminder") == []


def test_a_survey_without_reminders_sends_none(session, settings, clock):
    survey, _ = sent_invitation(session, settings, clock)
    survey.reminder_days = None
    session.commit()

    clock.advance(days=5)
    assert remind()["reminded"] == 0


def test_a_reminder_waits_out_the_customers_quiet_hours(session, settings, clock):
    _, invitation = sent_invitation(session, settings, clock, timezone="Europe/Helsinki")

    clock.set(utc(2026, 3, 5, 20, 0))  # 22:00 in Helsinki, three days on
    assert remind()["reminded"] == 0
    clock.set(utc(2026, 3, 6, 6, 0))
    assert remind()["reminded"] == 1


def test_a_queued_reminder_is_not_sent_once_the_address_bounced(app, session, settings, clock):
    from worker.tasks import deliver_email

    _, invitation = sent_invitation(session, settings, clock, email="x@example.com")
    clock.advance(days=3)
    with pytest.MonkeyPatch.context() as patch:  # queue it, but deliver only later
        record_sent_tasks(app, patch)
        remind()
    record_bounce(session, "x@example.com")
    session.commit()

    (reminder,) = emails(session, "reminder")
    assert deliver_email.apply((reminder.id,)).get() == "failed"
    assert emails(session, "reminder")[0].last_error == "not sent: the customer's address bounced"


def test_unanswered_invitations_expire(session, settings, clock):
    _, sent = sent_invitation(session, settings, clock)
    _, answered = sent_invitation(session, settings, clock)
    record_answer(session, answered, 3, channel="email")
    session.commit()

    clock.advance(days=13, hours=23)
    assert remind()["expired"] == 0
    clock.advance(hours=1)
    assert remind()["expired"] == 1

    assert fresh(session, sent).status == "expired"
    assert fresh(session, answered).status == "answered"


def test_dispatching_and_reminding_twice_sends_once(session, settings, clock):
    make_rule(session, make_survey(session), delay_minutes=30)
    invitation = trigger(session, settings, make_customer(session))
    clock.advance(minutes=30)

    assert (dispatch(), dispatch()) == (1, 0)
    clock.advance(days=3)
    assert (remind()["reminded"], remind()["reminded"]) == (1, 0)

    assert [e.kind for e in emails(session)] == ["invitation", "reminder"]
    assert fresh(session, invitation).status == "sent"


# Pause and resume ------------------------------------------------------------------------------


def test_a_paused_survey_holds_its_scheduled_invitations_until_it_is_resumed(
    session, settings, clock
):
    survey = make_survey(session)
    make_rule(session, survey, delay_minutes=60)
    invitation = trigger(session, settings, make_customer(session))
    catalog.update_survey(session, survey, active=False)
    session.commit()

    clock.advance(hours=2)
    assert dispatch() == 0
    held = fresh(session, invitation)
    assert (held.status, held.reason) == ("scheduled", "held: survey paused")
    assert trigger(session, settings, make_customer(session)) is None  # its rules are off
    assert emails(session) == []

    catalog.update_survey(session, survey, active=True)
    session.commit()
    assert fresh(session, invitation).reason is None
    assert dispatch() == 1
    assert fresh(session, invitation).status == "sent" and len(emails(session)) == 1


def test_a_paused_survey_sends_no_reminders_until_it_is_resumed(session, settings, clock):
    survey, invitation = sent_invitation(session, settings, clock)
    catalog.update_survey(session, survey, active=False)
    session.commit()

    clock.advance(days=4)
    assert remind()["reminded"] == 0
    catalog.update_survey(session, survey, active=True)
    session.commit()
    assert remind()["reminded"] == 1


def test_an_invitation_held_past_its_expiry_is_skipped_on_resume(session, settings, clock):
    survey = make_survey(session)
    survey.expire_days = 7
    make_rule(session, survey)
    invitation = trigger(session, settings, make_customer(session))
    catalog.update_survey(session, survey, active=False)
    session.commit()

    clock.advance(days=8)
    catalog.update_survey(session, survey, active=True)
    session.commit()
    assert dispatch() == 1

    skipped = fresh(session, invitation)
    assert (skipped.status, skipped.reason) == ("skipped", "skipped: not sent before it expired")
    assert emails(session) == []
