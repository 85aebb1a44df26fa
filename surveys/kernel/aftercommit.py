"""Tasks that must run once a transaction commits: registered on the session, sent by one hook.

A service that creates data registers "after this commit, run task NAME with these ids"
(``run_after_commit``); the ids are kept on ``session.info`` and cut into messages here, the
one place that batches: ``batch_size`` None sends one message per id (``args=(id,)``), ``n``
sends lists of at most n ids (``args=([id, ...],)``), so N ids make ⌈N/n⌉ messages. Ids
registered twice for the same task in one transaction are sent once.

What is registered is handed, once the outermost transaction commits, to the sender installed
with ``install_sender`` (the worker's hook, which sends by task name). A flush sends nothing; a
rollback, or a transaction that ends without a commit, drops the registrations.

The rule for sessions: only a session whose ``info`` holds a sender sends. ``install_sender``
puts it there for every session a sessionmaker (or the app's scoped ``db.session``) makes from
then on; a plain ``Session(...)`` (the service tests') has none, and its registrations are
simply dropped at the end of the transaction. A savepoint rolled back keeps its registrations:
tasks take ids and find a missing row gone, so the message is harmless.
"""

from collections.abc import Callable, Iterable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session, sessionmaker

Sender = Callable[[str, tuple], None]
"""``send(task_name, args)``: deliver one message; must not raise (the data is committed)."""

_PENDING = "kaiku.after_commit"
_SENDER = "kaiku.after_commit.sender"


def run_after_commit(
    session: Session, task: str, ids: Iterable[int], *, batch_size: int | None = None
) -> None:
    """Run ``task`` with ``ids`` once the session's transaction commits: one message per id, or
    lists of ``batch_size`` ids for a task that takes a list. Sends nothing now."""
    pending: dict[tuple[str, int | None], dict[int, None]] = session.info.setdefault(_PENDING, {})
    pending.setdefault((task, batch_size), {}).update(dict.fromkeys(ids))


def messages(task: str, ids: list[int], batch_size: int | None) -> list[tuple[str, tuple]]:
    """The ``(task, args)`` messages for ``ids``: one per id, or per ``batch_size`` ids."""
    if batch_size is None:
        return [(task, (one,)) for one in ids]
    return [(task, (ids[i : i + batch_size],)) for i in range(0, len(ids), batch_size)]


def pending_messages(session: Session) -> list[tuple[str, tuple]]:
    """What the session would send if it committed now, in registration order."""
    pending = session.info.get(_PENDING, {})
    return [
        message
        for (task, batch_size), ids in pending.items()
        if ids
        for message in messages(task, list(ids), batch_size)
    ]


def install_sender(sessions: sessionmaker | scoped_session, send: Sender) -> None:
    """Make every session ``sessions`` creates from now on send its registrations with ``send``
    after each commit (sessions made before keep their behaviour)."""
    if isinstance(sessions, scoped_session):
        sessions = sessions.session_factory  # its own configure() needs a current scope
    sessions.configure(info={_SENDER: send})


@event.listens_for(Session, "after_commit")
def _send_registered(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: nothing is committed yet
    # The session can emit no SQL here; a sender that runs a task in-process must use a
    # session of its own (the worker's hook runs it in a fresh app context).
    outgoing = pending_messages(session)
    session.info.pop(_PENDING, None)
    send = session.info.get(_SENDER)
    if send is None:
        return
    for task, args in outgoing:
        send(task, args)


@event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    # After a commit the registrations are gone already; anything left was rolled back.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
