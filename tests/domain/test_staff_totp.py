"""The TOTP service on a fixed clock: one step of drift either way, no code twice, recovery codes
once, and an admin's reset ending the member's sessions."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from surveys.kernel.errors import ConflictError, ValidationError
from surveys.models import StaffSession
from surveys.staff.policy import set_totp_required
from surveys.staff.sessions import start_session
from surveys.staff.totp import (
    begin_enrolment,
    confirm_enrolment,
    disable_totp,
    has_totp,
    reset_totp,
    verify_second_factor,
)
from tests.factories.clock import T0, Clock
from tests.factories.staff import PASSWORD, make_staff


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def enrolled(session, clock):
    user = make_staff(session, "agent")
    row = begin_enrolment(session, user)
    codes = confirm_enrolment(session, user, pyotp.TOTP(row.secret).at(clock.now))
    session.commit()
    return user, pyotp.TOTP(row.secret), codes


def test_a_pending_secret_is_not_a_second_factor_until_confirmed(session, clock):
    user = make_staff(session, "agent")
    row = begin_enrolment(session, user)
    assert begin_enrolment(session, user).secret == row.secret  # the same pending one
    assert not has_totp(session, user)
    with pytest.raises(ValidationError):
        confirm_enrolment(session, user, "000000")
    assert not has_totp(session, user)


def test_codes_of_the_neighbouring_steps_work_and_none_twice(session, clock, enrolled):
    user, totp, _ = enrolled
    clock.advance(minutes=10)
    assert not verify_second_factor(session, user, totp.at(clock.now - timedelta(seconds=60)))
    assert verify_second_factor(session, user, totp.at(clock.now - timedelta(seconds=30)))
    assert verify_second_factor(session, user, totp.at(clock.now))
    assert not verify_second_factor(session, user, totp.at(clock.now))  # replayed
    # An earlier step than the last accepted one is refused too, though still in the window.
    assert not verify_second_factor(session, user, totp.at(clock.now - timedelta(seconds=30)))
    assert verify_second_factor(session, user, totp.at(clock.now + timedelta(seconds=30)))
    assert not verify_second_factor(session, user, totp.at(clock.now + timedelta(seconds=90)))


def test_the_enrolment_code_itself_cannot_sign_in(session, clock, enrolled):
    user, totp, _ = enrolled
    assert not verify_second_factor(session, user, totp.at(clock.now))


def test_recovery_codes_work_once_each_in_any_case_and_spacing(session, clock, enrolled):
    user, _, codes = enrolled
    assert len(codes) == 10
    assert verify_second_factor(session, user, " " + codes[0].upper().replace("-", " ") + " ")
    assert not verify_second_factor(session, user, codes[0])
    assert verify_second_factor(session, user, codes[1])


def test_disabling_needs_the_password_and_a_code_and_not_while_required(session, clock, enrolled):
    user, totp, _ = enrolled
    clock.advance(seconds=30)
    with pytest.raises(ValidationError):
        disable_totp(session, user, "wrong password!", totp.at(clock.now))
    with pytest.raises(ValidationError):
        disable_totp(session, user, PASSWORD, "000000")
    set_totp_required(session, True)
    with pytest.raises(ConflictError):
        disable_totp(session, user, PASSWORD, totp.at(clock.now))
    set_totp_required(session, False)
    disable_totp(session, user, PASSWORD, totp.at(clock.now))
    assert not has_totp(session, user)


def test_an_admin_reset_removes_the_factor_and_ends_the_sessions(session, clock, enrolled):
    user, _, _ = enrolled
    start_session(session, user, timedelta(hours=1))
    reset_totp(session, user)
    session.commit()
    assert not has_totp(session, user)
    assert session.scalar(select(func.count(StaffSession.id))) == 0
