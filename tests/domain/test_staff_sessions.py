"""The server-side staff sessions: a token stored only hashed, live until ended or expired,
ended one at a time or all of a user's; expired rows cleaned up at the next sign-in."""

from datetime import timedelta

from sqlalchemy import select

from surveys.models import StaffSession
from surveys.staff.accounts import deactivate_staff, reactivate_staff, reset_password
from surveys.staff.sessions import end_all_sessions, end_session, find_signed_in, start_session
from tests.factories.clock import T0, Clock
from tests.factories.staff import make_staff

HOURS = timedelta(hours=12)


def test_a_session_token_is_long_random_and_stored_only_hashed(session):
    agent = make_staff(session, "agent")

    tokens = {start_session(session, agent, HOURS) for _ in range(3)}

    stored = set(session.scalars(select(StaffSession.token_hash)))
    assert len(tokens) == 3 and all(len(token) >= 43 for token in tokens)  # 256 bits
    assert not tokens & stored and len(stored) == 3
    assert all(find_signed_in(session, token) is agent for token in tokens)
    assert find_signed_in(session, None) is None
    assert find_signed_in(session, "") is None
    assert find_signed_in(session, "not-a-token") is None


def test_ending_a_session_leaves_the_users_other_sessions(session):
    agent = make_staff(session, "agent")
    laptop, phone = start_session(session, agent, HOURS), start_session(session, agent, HOURS)

    end_session(session, laptop)
    end_session(session, laptop)  # idempotent

    assert find_signed_in(session, laptop) is None
    assert find_signed_in(session, phone) is agent


def test_ending_all_sessions_leaves_other_users(session):
    agent, analyst = make_staff(session, "agent"), make_staff(session, "analyst")
    tokens = [start_session(session, agent, HOURS) for _ in range(2)]
    other = start_session(session, analyst, HOURS)

    end_all_sessions(session, agent)

    assert [find_signed_in(session, token) for token in tokens] == [None, None]
    assert find_signed_in(session, other) is analyst


def test_deactivating_and_resetting_a_password_end_the_users_sessions(session):
    admin, agent = make_staff(session, "admin"), make_staff(session, "agent")
    before_deactivation = start_session(session, agent, HOURS)
    deactivate_staff(session, agent)
    reactivate_staff(session, agent)
    before_reset = start_session(session, agent, HOURS)
    admins = start_session(session, admin, HOURS)

    reset_password(session, agent, "a new password 2")

    assert find_signed_in(session, before_deactivation) is None
    assert find_signed_in(session, before_reset) is None
    assert find_signed_in(session, admins) is admin


def test_a_session_of_an_inactive_user_signs_no_one_in(session):
    agent = make_staff(session, "agent")
    token = start_session(session, agent, HOURS)

    agent.active = False  # however it became inactive
    session.flush()

    assert find_signed_in(session, token) is None


def test_a_session_expires_after_its_lifetime_and_is_cleaned_up_at_a_sign_in(session):
    clock = Clock(T0)
    agent, analyst = make_staff(session, "agent"), make_staff(session, "analyst")
    old = start_session(session, agent, HOURS)

    clock.set(T0 + HOURS - timedelta(seconds=1))
    assert find_signed_in(session, old) is agent
    clock.set(T0 + HOURS)
    assert find_signed_in(session, old) is None
    assert session.scalar(select(StaffSession.id).where(StaffSession.staff_user_id == agent.id))

    start_session(session, analyst, HOURS)  # anyone's sign-in deletes expired rows

    assert session.scalars(select(StaffSession.staff_user_id)).all() == [analyst.id]
