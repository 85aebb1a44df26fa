"""Delivering outbox emails: once to a real (local) SMTP server, logged without one, retried
after a failure, swept when stalled, and never to a customer who unsubscribed."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from surveys.delivery.emails import queue_invitation_email
from surveys.kernel import clock
from surveys.mail import (
    SmtpSettings,
    deliver,
    deliver_batch,
    record_failure,
    stalled_outbox_ids,
)
from surveys.models import Customer, Invitation, OutboxEmail
from tests.factories.surveys import make_invitation
from tests.servers import Inbox, free_port, smtp_servers
from worker.tasks import deliver_email, sweep_outbox


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp(smtp_port) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=smtp_port, timeout=5)


@pytest.fixture
def start_server(smtp_port):
    """Start the SMTP server on ``smtp_port`` when the test says so; stopped after the test."""
    with smtp_servers(smtp_port) as start:
        yield start


@pytest.fixture
def inbox(start_server) -> Inbox:
    return start_server()


def queued_email(session, settings, **customer) -> OutboxEmail:
    new = make_invitation(session, settings, **customer)
    outbox = queue_invitation_email(session, new, settings)
    session.commit()
    return outbox


def fresh(session, model, row_id):
    return session.get(model, row_id, populate_existing=True)


def test_without_smtp_the_email_is_logged_and_the_invitation_counts_as_sent(session, settings):
    outbox = queued_email(session, settings)

    assert deliver_email.delay(outbox.id).get() == "logged"

    row = fresh(session, OutboxEmail, outbox.id)
    invitation = fresh(session, Invitation, outbox.invitation_id)
    assert (row.status, row.attempts, row.last_error) == ("logged", 1, None)
    assert row.sent_at is not None
    assert invitation.status == "sent" and invitation.sent_at == row.sent_at


def test_the_email_reaches_the_smtp_server_and_is_marked_sent(session, settings, smtp, inbox):
    outbox = queued_email(session, settings, email="ann@example.com")

    assert deliver(session, outbox.id, smtp) == "sent"
    session.commit()

    [message] = inbox.messages
    assert inbox.recipients == ["ann@example.com"]
    assert message["Message-ID"] == outbox.message_id
    assert message["Subject"] == "Quick question: how did we do?"
    assert fresh(session, OutboxEmail, outbox.id).status == "sent"
    assert fresh(session, Invitation, outbox.invitation_id).status == "sent"


def test_delivering_the_same_email_twice_sends_it_once(session, settings, smtp, inbox):
    outbox = queued_email(session, settings)

    first = deliver(session, outbox.id, smtp)
    session.commit()
    second = deliver(session, outbox.id, smtp)
    session.commit()

    assert (first, second) == ("sent", "sent")
    assert len(inbox.messages) == 1
    assert fresh(session, OutboxEmail, outbox.id).attempts == 1


def test_an_email_another_worker_is_sending_is_left_alone(session, settings, smtp, inbox):
    outbox = queued_email(session, settings)
    session.execute(update(OutboxEmail).values(status="sending", attempts=1))
    session.commit()

    assert deliver(session, outbox.id, smtp) == "sending"

    assert inbox.messages == []
    assert fresh(session, OutboxEmail, outbox.id).attempts == 1


def test_smtp_down_keeps_the_email_queued_until_a_retry_sends_it(
    session, settings, smtp, start_server
):
    outbox = queued_email(session, settings)

    with pytest.raises(OSError) as raised:
        deliver(session, outbox.id, smtp)
    record_failure(session, outbox.id, raised.value, final=False)
    session.commit()

    row = fresh(session, OutboxEmail, outbox.id)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    assert fresh(session, Invitation, outbox.invitation_id).status == "queued"

    inbox = start_server()
    assert deliver(session, outbox.id, smtp) == "sent"
    session.commit()

    assert len(inbox.messages) == 1
    row = fresh(session, OutboxEmail, outbox.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_the_task_retries_and_finally_marks_the_email_failed(
    app, session, settings, smtp_port, monkeypatch
):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_port)  # nothing listens there
    outbox = queued_email(session, settings)

    deliver_email.delay(outbox.id)  # eager: the retries run at once

    row = fresh(session, OutboxEmail, outbox.id)
    assert (row.status, row.attempts) == ("failed", 1 + deliver_email.max_retries)
    assert "ConnectionRefusedError" in row.last_error


def test_a_failed_email_can_still_be_sent_later(session, settings, smtp, start_server):
    outbox = queued_email(session, settings)
    with pytest.raises(OSError) as raised:
        deliver(session, outbox.id, smtp)
    record_failure(session, outbox.id, raised.value, final=True)
    session.commit()
    assert fresh(session, OutboxEmail, outbox.id).status == "failed"

    inbox = start_server()
    assert deliver(session, outbox.id, smtp) == "sent"

    assert len(inbox.messages) == 1


def test_a_recipient_the_server_rejects_is_not_retried(session, settings, smtp, inbox):
    inbox.reject = "550 5.1.1 No such user"
    outbox = queued_email(session, settings)

    assert deliver(session, outbox.id, smtp) == "failed"
    session.commit()

    row = fresh(session, OutboxEmail, outbox.id)
    assert "550" in row.last_error and "No such user" in row.last_error
    assert inbox.messages == []


def test_a_customer_who_unsubscribed_after_queueing_gets_nothing(session, settings, smtp, inbox):
    outbox = queued_email(session, settings)
    session.execute(update(Customer).values(unsubscribed=True))
    session.commit()

    assert deliver(session, outbox.id, smtp) == "failed"
    session.commit()

    assert inbox.messages == []
    assert fresh(session, OutboxEmail, outbox.id).last_error == (
        "not sent: the customer unsubscribed"
    )


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(moment: datetime) -> None:
    clock.set_source(lambda: moment)


def email_in_state(session, settings, created_at, status="queued", claimed_at=None) -> int:
    at(created_at)
    outbox = queued_email(session, settings)
    session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == outbox.id)
        .values(status=status, claimed_at=claimed_at)
    )
    session.commit()
    return outbox.id


def test_stalled_emails_are_the_old_queued_ones_and_those_a_dead_worker_held(session, settings):
    recent = T0 + timedelta(minutes=9)
    never_sent = email_in_state(session, settings, T0)
    dead_worker = email_in_state(session, settings, T0, "sending", claimed_at=T0)
    email_in_state(session, settings, recent)  # just queued
    email_in_state(session, settings, T0, "sending", claimed_at=recent)  # being sent now
    email_in_state(session, settings, T0, "queued", claimed_at=recent)  # failed, retry pending
    email_in_state(session, settings, T0, "sent", claimed_at=T0)
    email_in_state(session, settings, T0, "logged", claimed_at=T0)
    email_in_state(session, settings, T0, "failed", claimed_at=T0)  # gave up: not swept
    at(T0 + timedelta(minutes=11))

    ids = stalled_outbox_ids(session, older_than=timedelta(minutes=10))
    session.commit()

    assert ids == [never_sent, dead_worker]
    row = fresh(session, OutboxEmail, dead_worker)
    assert row.status == "queued" and "worker stopped" in row.last_error


def test_the_sweeper_delivers_a_stalled_email_and_leaves_fresh_ones(session, settings):
    now = T0 + timedelta(minutes=11)
    stalled = email_in_state(session, settings, now - settings.sweep_after - timedelta(seconds=1))
    fresh_id = email_in_state(session, settings, now - settings.sweep_after + timedelta(seconds=5))
    at(now)

    assert sweep_outbox.delay().get() == 1

    assert fresh(session, OutboxEmail, stalled).status == "logged"
    assert fresh(session, OutboxEmail, fresh_id).status == "queued"


def test_an_unexpected_error_while_sending_fails_the_email_instead_of_looping(
    session, settings, smtp, inbox, monkeypatch
):
    def broken(connection, message):
        raise TypeError("a bug in the sender")

    monkeypatch.setattr("surveys.mail.smtp.SmtpConnection.send", broken)
    outbox = queued_email(session, settings)

    assert deliver(session, outbox.id, smtp) == "failed"
    session.commit()

    assert "a bug in the sender" in fresh(session, OutboxEmail, outbox.id).last_error
    assert stalled_outbox_ids(session, older_than=timedelta(0)) == []


def test_a_redelivered_delivery_takes_over_the_email_a_dead_worker_left_sending(
    session, settings, smtp, inbox
):
    outbox_id = email_in_state(session, settings, T0, "sending", claimed_at=T0)
    at(T0 + timedelta(seconds=40))

    assert deliver(session, outbox_id, smtp) == "sending"  # a living worker may hold it
    assert deliver(session, outbox_id, smtp, takeover=True) == "sent"
    session.commit()

    assert len(inbox.messages) == 1
    assert deliver(session, outbox_id, smtp, takeover=True) == "sent"  # and only once
    assert len(inbox.messages) == 1


def test_a_redelivered_batch_takes_over_the_rows_a_dead_worker_left_sending(
    session, settings, smtp, inbox
):
    held = [email_in_state(session, settings, T0, "sending", claimed_at=T0) for _ in range(3)]
    sent = email_in_state(session, settings, T0, "sent", claimed_at=T0)
    at(T0 + timedelta(seconds=40))

    assert deliver_batch(session, [*held, sent], smtp).count("sending") == 3
    outcome = deliver_batch(session, [*held, sent], smtp, takeover=True)

    assert outcome.count("sent") == 4 and len(inbox.messages) == 3
