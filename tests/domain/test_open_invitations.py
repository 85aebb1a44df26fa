"""One open invitation per customer and survey, on every path that creates invitations: the
database holds it (a partial unique index), and a second one is recorded "skipped" with the
reason naming the open one, also where eligibility did not see it (stale history, win-back)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from surveys.delivery import triggers
from surveys.delivery.invitations import create_invitation
from surveys.delivery.triggers import evaluate_events
from surveys.kernel import clock
from surveys.kernel.actor import SYSTEM
from surveys.models import OPEN_STATUSES, Invitation
from surveys.rescue.resolution import schedule_resurvey
from tests.factories.rescue import make_task
from tests.factories.surveys import make_customer, make_invitation, make_survey
from tests.factories.triggers import make_event, make_rule


def open_count(session, customer_id: int) -> int:
    return session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.customer_id == customer_id, Invitation.status.in_(OPEN_STATUSES)
        )
    )


def test_the_database_refuses_a_second_open_invitation(session, settings):
    first = make_invitation(session, settings).invitation
    session.commit()
    session.add(
        Invitation(
            survey_id=first.survey_id,
            customer_id=first.customer_id,
            token_hash="f" * 64,
            status="scheduled",
            expires_at=clock.now() + timedelta(days=1),
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_a_second_link_while_one_is_open_is_skipped_naming_it(session, settings):
    first = make_invitation(session, settings)
    survey, customer = first.invitation.survey, first.invitation.customer

    second = create_invitation(session, survey, customer, settings).invitation

    assert second.status == "skipped" and second.id != first.invitation.id
    assert second.reason == (
        f"skipped: open invitation {first.invitation.id} (pending) for this survey"
    )
    assert open_count(session, customer.id) == 1
    other = create_invitation(session, make_survey(session), customer, settings).invitation
    assert other.status == "pending"  # one open invitation per survey, not per customer


def test_a_resurvey_while_an_invitation_is_open_is_skipped(session, settings):
    survey = make_survey(session)
    task = make_task(session, settings, survey=survey)
    opened = create_invitation(session, survey, task.customer, settings).invitation

    schedule_resurvey(session, task, 7, SYSTEM, settings, clock.now())

    resurvey = session.get(Invitation, task.resurvey_invitation_id)
    assert resurvey.status == "skipped" and resurvey.scheduled_for is None
    assert (
        resurvey.reason == f"rescue; skipped: open invitation {opened.id} (pending) for this survey"
    )
    assert task.history[-1].detail["status"] == "skipped"
    assert open_count(session, task.customer_id) == 1


def test_a_trigger_meeting_an_open_invitation_it_did_not_see_records_a_skip(
    session, settings, monkeypatch
):
    survey = make_survey(session)
    make_rule(session, survey)
    person = make_customer(session, timezone="UTC")
    event = make_event(session, person, occurred_at=clock.now().replace(hour=12))
    opened = create_invitation(session, survey, person, settings).invitation
    session.commit()
    # Its history was read before the other transaction made that invitation.
    monkeypatch.setattr(triggers, "load_histories", lambda *args, **kwargs: {})

    (invitation,) = evaluate_events(session, [event], settings)

    assert (invitation.event_id, invitation.status) == (event.id, "skipped")
    assert invitation.reason == f"skipped: open invitation {opened.id} (pending) for this survey"
    assert open_count(session, person.id) == 1
    # Evaluated again by a worker that has not seen this one either: nothing more is added.
    monkeypatch.setattr(triggers, "evaluated_pairs", lambda *args: set())
    assert evaluate_events(session, [event], settings) == []
    assert session.scalar(select(func.count(Invitation.id))) == 2


def test_two_events_of_one_customer_in_one_batch_open_one_invitation(session, settings):
    survey = make_survey(session)
    make_rule(session, survey)
    make_rule(session, survey, "plan_upgraded")
    person = make_customer(session, timezone="UTC")
    noon = clock.now().replace(hour=12)
    events = [
        make_event(session, person, occurred_at=noon),
        make_event(session, person, "plan_upgraded", occurred_at=noon),
    ]

    created = evaluate_events(session, events, settings)

    assert sorted(i.status for i in created) == ["scheduled", "skipped"]
    assert open_count(session, person.id) == 1
