"""Delivering outbox emails in batches over one SMTP connection (``deliver_batch`` and the
``deliver_emails`` task), against a real local SMTP server (aiosmtpd) that counts connections,
refuses recipients, drops connections and goes down on cue."""

import asyncio
import threading
from collections import Counter
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from surveys.delivery.emails import queue_invitation_email
from surveys.mail import SmtpSettings, deliver_batch
from surveys.models import Customer, Invitation, OutboxEmail
from tests.factories.surveys import make_invitation, make_survey
from tests.servers import free_port
from worker.tasks import deliver_emails, sweep_outbox


class Sink:
    """An aiosmtpd handler that keeps what it accepts and counts the connections (EHLOs).

    ``reject``: address → reply to its RCPT. ``close_at``: at that message's MAIL the server
    answers 421 and closes the connection, as servers do after N messages (it stays up).
    ``down_at``: at that message's MAIL the server stops listening and drops the connection.
    ``on_message``: called with the number of each accepted message.
    """

    def __init__(self) -> None:
        self.connections = 0
        self.messages = []
        self.reject: dict[str, str] = {}
        self.close_at: int | None = None
        self.down_at: int | None = None
        self.on_message = None
        self.controller: Controller | None = None
        self._mails = 0

    @property
    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self._mails += 1
        if self._mails == self.down_at:
            self.controller.server.close()  # new connections are refused from now on
            asyncio.get_running_loop().call_soon(server.transport.close)  # after the reply
            return "421 4.3.2 Going down"
        if self._mails == self.close_at:
            self._mails = 0
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.7.0 Too many messages, reconnect"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return self.reject[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        if self.on_message:
            self.on_message(len(self.messages))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp(smtp_port) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=smtp_port, timeout=5)


@pytest.fixture
def start_sink(smtp_port):
    """``start() -> Sink``: an SMTP server on ``smtp_port``; all are stopped after the test."""
    controllers = []

    def start() -> Sink:
        sink = Sink()
        sink.controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        sink.controller.start()
        controllers.append(sink.controller)
        return sink

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def sink(start_sink) -> Sink:
    return start_sink()


def queued_emails(session, settings, n: int, **customer) -> list[OutboxEmail]:
    """``n`` invitation emails to c0@example.com … c<n-1>@example.com, queued and committed."""
    survey = make_survey(session)
    emails = [
        queue_invitation_email(
            session,
            make_invitation(session, settings, survey, email=f"c{i}@example.com", **customer),
            settings,
        )
        for i in range(n)
    ]
    session.commit()
    return emails


def rows(session, emails) -> list[OutboxEmail]:
    return session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.id.in_([e.id for e in emails]))
        .order_by(OutboxEmail.id)
        .execution_options(populate_existing=True)
    ).all()


def statuses(session, emails) -> list[str]:
    return [row.status for row in rows(session, emails)]


def test_one_connection_carries_the_whole_batch(session, settings, smtp, sink):
    emails = queued_emails(session, settings, 20)

    outcome = deliver_batch(session, [e.id for e in emails], smtp)

    assert sink.connections == 1 and outcome.connections == 1
    assert sorted(sink.message_ids) == sorted(e.message_id for e in emails)
    assert statuses(session, emails) == ["sent"] * 20
    assert outcome.statuses == {e.id: "sent" for e in emails} and outcome.retry_ids == []
    assert all(row.attempts == 1 and row.sent_at is not None for row in rows(session, emails))
    invitations = session.scalars(
        select(Invitation.status).execution_options(populate_existing=True)
    ).all()
    assert invitations == ["sent"] * 20


def test_a_recipient_rejected_for_good_fails_only_that_email(session, settings, smtp, sink):
    emails = queued_emails(session, settings, 5)
    sink.reject["c2@example.com"] = "550 5.1.1 No such user"

    outcome = deliver_batch(session, [e.id for e in emails], smtp)

    assert statuses(session, emails) == ["sent", "sent", "failed", "sent", "sent"]
    failed = rows(session, emails)[2]
    assert "550" in failed.last_error and "No such user" in failed.last_error
    assert sink.connections == 1 and len(sink.messages) == 4
    assert outcome.retry_ids == []
    invitation = session.get(Invitation, failed.invitation_id, populate_existing=True)
    assert invitation.status == "queued"  # not sent; the API shows the failed email


def test_a_recipient_refused_for_now_is_released_for_a_retry(session, settings, smtp, sink):
    emails = queued_emails(session, settings, 3)
    sink.reject["c1@example.com"] = "450 4.2.1 Mailbox busy, try later"

    outcome = deliver_batch(session, [e.id for e in emails], smtp)

    assert statuses(session, emails) == ["sent", "queued", "sent"]
    assert outcome.retry_ids == [emails[1].id]
    assert "450" in rows(session, emails)[1].last_error
    assert sink.connections == 1

    del sink.reject["c1@example.com"]
    deliver_batch(session, outcome.retry_ids, smtp)

    assert statuses(session, emails) == ["sent"] * 3
    assert Counter(sink.message_ids) == Counter(e.message_id for e in emails)


def test_a_connection_the_server_closes_is_opened_again_and_nothing_is_lost(
    session, settings, smtp, sink
):
    emails = queued_emails(session, settings, 7)
    sink.close_at = 3  # the server takes two messages per connection

    outcome = deliver_batch(session, [e.id for e in emails], smtp)

    assert statuses(session, emails) == ["sent"] * 7
    assert Counter(sink.message_ids) == Counter(e.message_id for e in emails)
    assert sink.connections == outcome.connections == 4
    assert [row.attempts for row in rows(session, emails)] == [1] * 7


def test_smtp_down_mid_batch_loses_nothing_and_sends_nothing_twice(
    session, settings, smtp, sink, start_sink
):
    emails = queued_emails(session, settings, 6)
    sink.down_at = 3

    outcome = deliver_batch(session, [e.id for e in emails], smtp)

    assert statuses(session, emails) == ["sent", "sent"] + ["queued"] * 4
    assert outcome.retry_ids == [e.id for e in emails[2:]]
    assert isinstance(outcome.error, OSError)
    assert outcome.connections == 2  # the one that worked, one attempt to reconnect
    assert sink.message_ids == [e.message_id for e in emails[:2]]
    assert all("ConnectionRefusedError" in row.last_error for row in rows(session, emails)[2:])

    again = start_sink()  # back up; the task retries, and the sweeper offers the same ids
    deliver_batch(session, [e.id for e in emails], smtp)
    deliver_batch(session, [e.id for e in emails], smtp)

    assert statuses(session, emails) == ["sent"] * 6
    assert again.message_ids == [e.message_id for e in emails[2:]]
    assert again.connections == 1


def test_an_unsubscribe_during_the_batch_stops_that_customers_email(
    session, settings, smtp, sink, engine
):
    emails = queued_emails(session, settings, 4)
    third = session.get(Invitation, emails[2].invitation_id).customer_id

    def unsubscribe_third(count):
        if count == 1:  # the batch is under way, the claims are taken
            with engine.begin() as conn:
                conn.execute(update(Customer).where(Customer.id == third).values(unsubscribed=True))

    sink.on_message = unsubscribe_third

    deliver_batch(session, [e.id for e in emails], smtp)

    assert statuses(session, emails) == ["sent", "sent", "failed", "sent"]
    assert rows(session, emails)[2].last_error == "not sent: the customer unsubscribed"
    assert "c2@example.com" not in {m["To"] for m in sink.messages}


def test_two_workers_given_the_same_ids_send_each_email_once(session, settings, smtp, sink, engine):
    emails = queued_emails(session, settings, 30)
    ids = [e.id for e in emails]
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        with Session(bind=engine) as own:
            barrier.wait()
            outcomes.append(deliver_batch(own, ids, smtp))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert Counter(sink.message_ids) == Counter(e.message_id for e in emails)
    assert statuses(session, emails) == ["sent"] * 30
    assert [row.attempts for row in rows(session, emails)] == [1] * 30


def test_emails_already_sent_or_taken_are_left_alone(session, settings, smtp, sink):
    sent, taken, queued = queued_emails(session, settings, 3)
    session.execute(update(OutboxEmail).where(OutboxEmail.id == sent.id).values(status="sent"))
    session.execute(update(OutboxEmail).where(OutboxEmail.id == taken.id).values(status="sending"))
    session.commit()

    outcome = deliver_batch(session, [sent.id, taken.id, queued.id, 999_999], smtp)

    assert outcome.statuses == {
        sent.id: "sent",
        taken.id: "sending",
        queued.id: "sent",
        999_999: "missing",
    }
    assert sink.message_ids == [queued.message_id]


def test_without_smtp_the_batch_is_logged(session, settings):
    emails = queued_emails(session, settings, 3)

    assert deliver_emails.delay([e.id for e in emails]).get() == {"logged": 3}

    assert statuses(session, emails) == ["logged"] * 3


def test_the_batch_task_retries_and_finally_marks_the_emails_failed(
    app, session, settings, smtp_port, monkeypatch
):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_port)  # nothing listens there
    emails = queued_emails(session, settings, 3)

    deliver_emails.delay([e.id for e in emails])  # eager: the retries run at once

    assert statuses(session, emails) == ["failed"] * 3
    assert all(
        row.attempts == 1 + deliver_emails.max_retries
        and "ConnectionRefusedError" in row.last_error
        for row in rows(session, emails)
    )


def test_the_batch_task_delivers_what_a_retry_finds_the_server_back_for(
    app, session, settings, smtp, smtp_port, start_sink, monkeypatch
):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", smtp_port)
    emails = queued_emails(session, settings, 3)
    sinks = []
    real = deliver_batch

    def server_back_on_retry(session_, ids, smtp_, **options):
        outcome = real(session_, ids, smtp_, **options)
        if not sinks:
            sinks.append(start_sink())  # down for the first run, up for the retry
        return outcome

    monkeypatch.setattr("surveys.mail.deliver_batch", server_back_on_retry)

    deliver_emails.delay([e.id for e in emails])

    assert statuses(session, emails) == ["sent"] * 3
    assert sinks[0].connections == 1 and len(sinks[0].messages) == 3
    assert [row.attempts for row in rows(session, emails)] == [2] * 3


def test_the_sweeper_offers_stalled_emails_again_in_one_batch(
    session, settings, monkeypatch, sent_tasks
):
    emails = queued_emails(session, settings, 3)
    monkeypatch.setattr(
        "surveys.mail.stalled_outbox_ids", lambda session_, **_: [e.id for e in emails]
    )

    assert sweep_outbox.apply().get() == 3

    assert sent_tasks == [("kaiku.deliver_emails", ([e.id for e in emails],))]
