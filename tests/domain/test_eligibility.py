"""Eligibility: the one place a send is decided, with the reason a person reads."""

from dataclasses import replace
from datetime import time, timedelta

import pytest

from surveys.delivery.eligibility import decide, quiet_decision
from surveys.delivery.invitations import create_invitation
from surveys.kernel.settings import Settings
from tests.factories.clock import utc
from tests.factories.surveys import make_customer, make_survey

HELSINKI = "Europe/Helsinki"
NIGHTS = Settings()  # 21:00–08:00, global window 90 days
MONDAY_NOON_HELSINKI = utc(2026, 3, 2, 10, 0)  # 12:00 +02:00


# Quiet hours -----------------------------------------------------------------------------------


def test_daytime_in_the_customers_zone_sends_now():
    decision = quiet_decision(HELSINKI, MONDAY_NOON_HELSINKI, NIGHTS)

    assert decision.action == "send" and decision.at == MONDAY_NOON_HELSINKI


def test_late_evening_is_postponed_to_eight_next_morning_local_time():
    at = utc(2026, 3, 2, 20, 30)  # 22:30 in Helsinki

    decision = quiet_decision(HELSINKI, at, NIGHTS)

    assert decision.action == "postpone"
    assert decision.at == utc(2026, 3, 3, 6, 0)  # 08:00 +02:00
    assert decision.reason == (
        "postponed: quiet hours (21:00–08:00 Europe/Helsinki) until 2026-03-03 08:00"
    )


def test_small_hours_after_midnight_wait_for_eight_the_same_morning():
    decision = quiet_decision(HELSINKI, utc(2026, 3, 3, 0, 0), NIGHTS)  # 02:00 local

    assert decision.at == utc(2026, 3, 3, 6, 0)


def test_quiet_hours_are_the_customers_own_not_utc():
    at = utc(2026, 3, 2, 22, 0)  # night in UTC and Helsinki, 17:00 in New York

    assert quiet_decision("America/New_York", at, NIGHTS).action == "send"
    assert quiet_decision("UTC", at, NIGHTS).at == utc(2026, 3, 3, 8, 0)


def test_the_end_of_quiet_hours_follows_daylight_saving_time():
    at = utc(2026, 3, 28, 21, 0)  # Saturday 23:00 EET; clocks go forward that night

    decision = quiet_decision(HELSINKI, at, NIGHTS)

    assert decision.at == utc(2026, 3, 29, 5, 0)  # Sunday 08:00 EEST (+03:00)
    assert decision.reason.endswith("until 2026-03-29 08:00")


def test_the_first_minute_after_quiet_hours_is_allowed_and_the_last_one_is_not():
    assert quiet_decision("UTC", utc(2026, 3, 2, 8, 0), NIGHTS).action == "send"
    assert quiet_decision("UTC", utc(2026, 3, 2, 7, 59), NIGHTS).at == utc(2026, 3, 2, 8, 0)
    assert quiet_decision("UTC", utc(2026, 3, 2, 20, 59), NIGHTS).action == "send"
    assert quiet_decision("UTC", utc(2026, 3, 2, 21, 0), NIGHTS).action == "postpone"


def test_quiet_hours_within_one_day_do_not_wrap():
    lunch = replace(NIGHTS, quiet_start=time(12, 0), quiet_end=time(13, 0))

    assert quiet_decision("UTC", utc(2026, 3, 2, 12, 30), lunch).at == utc(2026, 3, 2, 13, 0)
    assert quiet_decision("UTC", utc(2026, 3, 2, 23, 0), lunch).action == "send"


def test_no_quiet_hours_when_they_are_switched_off():
    off = replace(NIGHTS, quiet_start=time(0, 0), quiet_end=time(0, 0))

    assert quiet_decision("UTC", utc(2026, 3, 2, 3, 0), off).action == "send"


def test_quiet_weekends_hold_saturday_until_monday_morning():
    saturday_noon = utc(2026, 3, 7, 10, 0)

    decision = quiet_decision(HELSINKI, saturday_noon, NIGHTS, quiet_weekends=True)

    assert decision.at == utc(2026, 3, 9, 6, 0)  # Monday 08:00 in Helsinki
    assert decision.reason.startswith("postponed: weekend and quiet hours")
    assert quiet_decision(HELSINKI, saturday_noon, NIGHTS).action == "send"


def test_friday_night_with_quiet_weekends_waits_until_monday():
    friday_late = utc(2026, 3, 6, 20, 0)  # 22:00 Helsinki

    decision = quiet_decision(HELSINKI, friday_late, NIGHTS, quiet_weekends=True)

    assert decision.at == utc(2026, 3, 9, 6, 0)


def test_weekend_is_the_customers_weekend():
    at = utc(2026, 3, 6, 23, 30)  # Friday 23:30 UTC = Saturday 08:30 in Tokyo
    no_nights = replace(NIGHTS, quiet_start=time(0, 0), quiet_end=time(0, 0))

    assert quiet_decision("Asia/Tokyo", at, no_nights, quiet_weekends=True).action == "postpone"
    assert quiet_decision("UTC", at, no_nights, quiet_weekends=True).action == "send"


def test_an_unknown_time_zone_is_read_as_utc():
    decision = quiet_decision("Mars/Olympus", utc(2026, 3, 2, 22, 0), NIGHTS)

    assert decision.at == utc(2026, 3, 3, 8, 0) and "UTC" in decision.reason


# The rules that skip ----------------------------------------------------------------------------


def asked(session, settings, survey, customer, *, status="sent", sent_at=None):
    """An earlier invitation of ``customer`` to ``survey`` in ``status``."""
    invitation = create_invitation(session, survey, customer, settings).invitation
    invitation.status = status
    invitation.sent_at = sent_at
    session.flush()
    return invitation


def check(session, settings, customer, survey, at=MONDAY_NOON_HELSINKI, **kwargs):
    return decide(session, customer, survey, at=at, settings=settings, **kwargs)


def test_a_plain_customer_may_be_asked(session, settings):
    decision = check(session, settings, make_customer(session), make_survey(session))

    assert (decision.action, decision.reason) == ("send", "")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"unsubscribed": True}, "skipped: unsubscribed"),
        ({"bounced_at": utc(2026, 1, 1)}, "skipped: bounced"),
        ({"email": None}, "skipped: no email address"),
    ],
)
def test_customers_who_cannot_be_emailed_are_skipped(session, settings, fields, reason):
    decision = check(session, settings, make_customer(session, **fields), make_survey(session))

    assert (decision.action, decision.reason) == ("skip", reason)


def test_a_link_only_invitation_needs_no_email_address(session, settings):
    customer = make_customer(session, email=None)

    assert check(session, settings, customer, make_survey(session), channel="link").send


def test_an_open_invitation_for_the_same_survey_skips(session, settings):
    survey, customer = make_survey(session), make_customer(session)
    open_one = asked(session, settings, survey, customer, status="scheduled")

    decision = check(session, settings, customer, survey)

    assert decision.reason == f"skipped: open invitation {open_one.id} (scheduled) for this survey"
    assert check(session, settings, customer, survey, ignore_invitation_id=open_one.id).send


def test_surveyed_inside_the_surveys_window_skips_with_the_date(session, settings):
    survey, customer = make_survey(session), make_customer(session)
    survey.recontact_days = 120
    asked(session, settings, survey, customer, status="answered", sent_at=utc(2026, 1, 10))

    decision = check(session, settings, customer, survey)

    assert decision.action == "skip"
    assert decision.reason == (
        "skipped: surveyed 2026-01-10, inside this survey's 120-day recontact window"
    )


def test_the_global_window_counts_other_surveys(session, settings):
    nps, csat, customer = make_survey(session), make_survey(session, "csat"), make_customer(session)
    asked(session, settings, csat, customer, status="sent", sent_at=utc(2026, 2, 20))

    decision = check(session, settings, customer, nps)

    assert decision.reason == (
        "skipped: surveyed 2026-02-20, inside the global 90-day recontact window"
    )


def test_another_surveys_scheduled_invitation_skips_and_says_it_is_scheduled(session, settings):
    nps, csat, customer = make_survey(session), make_survey(session, "csat"), make_customer(session)
    later = asked(session, settings, csat, customer, status="scheduled")
    later.scheduled_for = utc(2026, 3, 9, 10, 0)
    session.flush()

    decision = check(session, settings, customer, nps)

    assert decision.reason == (
        "skipped: scheduled 2026-03-09, inside the global 90-day recontact window"
    )


def test_after_the_windows_the_customer_may_be_asked_again(session, settings):
    survey, customer = make_survey(session), make_customer(session)
    asked(session, settings, survey, customer, status="expired", sent_at=utc(2025, 11, 1))

    assert check(session, settings, customer, survey).send  # 121 days later


def test_a_short_survey_window_still_obeys_the_global_one(session, settings):
    survey, customer = make_survey(session), make_customer(session)
    survey.recontact_days = 30
    asked(session, settings, survey, customer, status="answered", sent_at=utc(2026, 1, 10))

    assert "global 90-day" in check(session, settings, customer, survey).reason
    no_global = replace(settings, global_recontact=timedelta(0))
    assert check(session, no_global, customer, survey).send


def test_skipped_and_unsent_expired_invitations_do_not_count_as_asked(session, settings):
    survey, customer = make_survey(session), make_customer(session)
    asked(session, settings, survey, customer, status="skipped")
    asked(session, settings, survey, customer, status="expired", sent_at=None)

    assert check(session, settings, customer, survey).send


def test_a_paused_survey_skips(session, settings):
    survey = make_survey(session, active=False)

    decision = check(session, settings, make_customer(session), survey)

    assert (decision.action, decision.reason) == ("skip", "skipped: survey paused")


def test_without_windows_only_the_customer_and_the_clock_count(session, settings):
    survey, customer = make_survey(session), make_customer(session, timezone=HELSINKI)
    asked(session, settings, survey, customer, status="sent", sent_at=utc(2026, 2, 28))

    assert check(session, settings, customer, survey, check_windows=False).send
    night = check(
        session, settings, customer, survey, at=utc(2026, 3, 2, 20, 0), check_windows=False
    )
    assert night.action == "postpone"


def test_unsubscribed_is_the_first_reason_given(session, settings):
    survey, customer = make_survey(session), make_customer(session, unsubscribed=True)
    asked(session, settings, survey, customer, status="sent", sent_at=utc(2026, 3, 1))

    assert check(session, settings, customer, survey).reason == "skipped: unsubscribed"
