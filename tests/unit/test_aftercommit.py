"""After-commit registrations (``surveys.kernel.aftercommit``) on a session with a sender: cut
into messages in one place, sent once after the commit, never at a flush, a savepoint or a
rollback; a plain session drops them."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from surveys.kernel.aftercommit import install_sender, messages, pending_messages, run_after_commit
from surveys.models import Customer
from tests.factories.surveys import make_customer


@pytest.fixture
def sent() -> list[tuple[str, tuple]]:
    return []


@pytest.fixture
def sending(engine, sent):
    """A session whose commits hand their messages to ``sent``."""
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    install_sender(sessions, lambda task, args: sent.append((task, args)))
    with sessions() as session:
        yield session


@pytest.mark.parametrize(
    ("count", "size", "lengths"),
    [(120, 50, [50, 50, 20]), (100, 50, [50, 50]), (1, 50, [1]), (0, 50, [])],
)
def test_n_ids_make_ceil_n_over_size_messages(count, size, lengths):
    ids = list(range(1, count + 1))

    batches = messages("kaiku.deliver_emails", ids, size)

    assert [len(args[0]) for _, args in batches] == lengths
    assert [one for _, (batch,) in batches for one in batch] == ids


def test_without_a_batch_size_each_id_is_a_message_of_its_own():
    assert messages("kaiku.process_response", [3, 1, 2], None) == [
        ("kaiku.process_response", (3,)),
        ("kaiku.process_response", (1,)),
        ("kaiku.process_response", (2,)),
    ]


def test_registrations_are_sent_once_after_the_commit_not_at_a_flush(sending, sent):
    customer = make_customer(sending)
    run_after_commit(sending, "kaiku.deliver_emails", range(1, 121), batch_size=50)
    run_after_commit(sending, "kaiku.process_response", [customer.id, customer.id])
    sending.flush()
    assert sent == []

    sending.commit()

    assert [(task, len(args[0]) if task.endswith("s") else args) for task, args in sent] == [
        ("kaiku.deliver_emails", 50),
        ("kaiku.deliver_emails", 50),
        ("kaiku.deliver_emails", 20),
        ("kaiku.process_response", (customer.id,)),  # registered twice, sent once
    ]
    sending.commit()
    make_customer(sending)
    sending.commit()
    assert len(sent) == 4  # a later commit does not send them again


def test_a_released_savepoint_sends_nothing_before_the_outer_commit(sending, sent):
    with sending.begin_nested():
        customer = make_customer(sending)
        run_after_commit(sending, "kaiku.evaluate_event", [customer.id])
    assert sent == []

    sending.commit()

    assert sent == [("kaiku.evaluate_event", (customer.id,))]


def test_nothing_is_sent_on_rollback(sending, sent):
    customer = make_customer(sending)
    run_after_commit(sending, "kaiku.import_customers", [customer.id])

    sending.rollback()
    sending.commit()

    assert sent == [] and pending_messages(sending) == []
    assert sending.scalar(select(Customer.id)) is None


def test_a_plain_session_drops_its_registrations_at_the_commit(engine, sent):
    with Session(bind=engine) as plain:
        customer = make_customer(plain)
        run_after_commit(plain, "kaiku.process_response", [customer.id])
        assert pending_messages(plain) == [("kaiku.process_response", (customer.id,))]

        plain.commit()

        assert pending_messages(plain) == [] and sent == []
