"""The after-commit hook through the app: what a request or a task commits on ``db.session`` is
sent by task name once, after the commit; a broker that does not answer fails no request; the
dispatcher's emails go to delivery 50 per message."""

import logging
from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError
from sqlalchemy import select, update

from surveys.kernel import clock
from surveys.models import Event, Invitation, OutboxEmail, Response
from tests.factories.surveys import make_invitation, make_survey
from worker.delivery_tasks import dispatch_due_invitations


def test_an_answer_sends_its_processing_by_name_once_after_the_commit(
    client, session, settings, sent_tasks
):
    new = make_invitation(session, settings)
    session.commit()

    page = client.post(f"/s/{new.token}", data={"score": 3})

    assert page.status_code == 303
    response = session.scalars(select(Response)).one()
    assert sent_tasks == [("kaiku.process_response", (response.id,))]
    assert response.processed_at is None  # sent to the broker, not run here


def test_a_broker_that_does_not_answer_is_logged_and_the_event_still_accepted(
    app, api_client, session, caplog, monkeypatch
):
    def broker_down(name, args=(), **_):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    celery_app = app.extensions["celery"]
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(celery_app, "send_task", broker_down)
    body = {"customer": {"external_id": "crm-1"}, "name": "signed_up"}

    with caplog.at_level(logging.ERROR, logger="worker.aftercommit"):
        answer = api_client.post("/events", body)

    assert answer.status_code == 202, answer.get_data(as_text=True)
    event = session.scalars(select(Event)).one()
    assert event.id == answer.get_json()["id"] and event.evaluated_at is None
    assert f"could not send kaiku.evaluate_event({event.id},)" in caplog.text


def test_eager_tasks_run_in_this_process_after_the_commit(client, session, settings):
    new = make_invitation(session, settings)
    session.commit()

    client.post(f"/s/{new.token}", data={"score": 9})  # tests run tasks eagerly

    assert session.scalars(select(Response)).one().processed_at is not None


@pytest.fixture
def due_invitations(session, settings):
    """120 email invitations scheduled for a minute ago."""
    survey = make_survey(session)
    ids = [make_invitation(session, settings, survey).invitation.id for _ in range(120)]
    session.execute(
        update(Invitation)
        .where(Invitation.id.in_(ids))
        .values(
            status="scheduled", channel="email", scheduled_for=clock.now() - timedelta(minutes=1)
        )
    )
    session.commit()
    return ids


def test_dispatch_sends_its_emails_to_delivery_50_per_message(
    session, settings, due_invitations, sent_tasks
):
    assert settings.dispatch_batch_size >= 120  # one claim: the batching is the delivery's

    assert dispatch_due_invitations.apply().get() == 120

    outbox_ids = list(session.scalars(select(OutboxEmail.id).order_by(OutboxEmail.id)))
    assert len(outbox_ids) == 120
    assert [name for name, _ in sent_tasks] == ["kaiku.deliver_emails"] * 3
    batches = [batch for _, (batch,) in sent_tasks]
    assert [len(batch) for batch in batches] == [50, 50, 20]
    assert sorted(one for batch in batches for one in batch) == outbox_ids
