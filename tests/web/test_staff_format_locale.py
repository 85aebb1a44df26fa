"""A staff member's date and number format (My account): chosen and checked on /account, then
followed by the dashboard and the rescue report; the words and the API stay as they were."""

import re
from datetime import UTC, datetime

import pytest

from surveys.kernel import clock
from surveys.models import StaffUser
from tests.factories.clock import utc
from tests.factories.dashboard import place, unanswered
from tests.factories.staff import make_staff, sign_in
from tests.factories.surveys import make_survey

NBSP = "\u00a0"
TODAY = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def fresh(session, user: StaffUser) -> StaffUser:
    return session.get(StaffUser, user.id, populate_existing=True)


def selected_format(page: str) -> str:
    [select] = re.findall(r'<select[^>]*name="format_locale".*?</select>', page, re.S)
    [value] = re.findall(r'<option selected value="(\w+)"|<option value="(\w+)" selected', select)
    return "".join(value)


@pytest.fixture
def survey(session, settings):
    clock.set_source(lambda: TODAY)
    survey = make_survey(session, "nps", name="Product NPS")
    for score in [10] * 21 + [8] * 6 + [2] * 5:  # NPS 50.0 of 32 in March
        place(session, settings, survey, score, utc(2026, 3, 3))
    unanswered(session, settings, survey, utc(2026, 3, 20))  # 32 answered of 33: 97.0 %
    session.commit()
    return survey


def test_the_format_is_english_until_the_member_picks_finnish_and_then_finnish(client, session):
    analyst = make_staff(session, "analyst", email="ann@example.com")
    session.commit()
    sign_in(client, analyst)

    page = client.get("/account").get_data(as_text=True)
    assert selected_format(page) == "en"
    assert "Dates and numbers" in page and f"1,234.5 · 33.3{NBSP}%" in page

    saved = client.post("/account", data={"format_locale": "fi"}, follow_redirects=True)
    assert "Saved." in saved.get_data(as_text=True)
    assert fresh(session, analyst).format_locale == "fi"
    page = client.get("/account").get_data(as_text=True)
    assert selected_format(page) == "fi"
    assert f"1{NBSP}234,5 · 33,3{NBSP}%" in page and " klo " in page
    assert "My account" in page  # the words stay English


def test_a_post_without_a_format_keeps_the_one_chosen(client, session):
    agent = make_staff(session, "agent", email="aki@example.com", format_locale="sv")
    session.commit()
    sign_in(client, agent)

    client.post("/account", data={"digest_opt_in": "y"})

    assert (fresh(session, agent).format_locale, fresh(session, agent).digest_opt_in) == (
        "sv",
        True,
    )


@pytest.mark.parametrize("value", ["de", "", "FI", "fi-FI", "x" * 200])
def test_an_unknown_format_is_refused_with_a_message_and_changes_nothing(client, session, value):
    agent = make_staff(session, "agent", email="aki@example.com", format_locale="sv")
    session.commit()
    sign_in(client, agent)

    response = client.post("/account", data={"format_locale": value, "digest_opt_in": "y"})

    assert response.status_code == 400
    assert "Choose English, Finnish or Swedish format." in response.get_data(as_text=True)
    assert fresh(session, agent).format_locale == "sv"
    assert fresh(session, agent).digest_opt_in is False


def test_the_dashboard_is_in_finnish_format_for_a_finnish_format_member(client, session, survey):
    make_staff(session, "analyst", email="fi@example.com", format_locale="fi")
    session.commit()
    page = (
        sign_in(client, "fi@example.com")
        .get(f"/insights/dashboard?survey={survey.id}&range=custom&from=2026-03-01&to=2026-03-31")
        .get_data(as_text=True)
    )
    assert '<p class="dash-figure">+50,0 <span class="dash-margin">± ' in page
    assert f"97,0{NBSP}%" in page  # the response rate
    assert "from 1.3.2026 to 31.3.2026" in page  # the trend's caption
    assert '<td data-label="Period">2.3. – 8.3.</td>' in page
    assert 'data-start="2026-03-02"' in page  # machine-readable values stay ISO
    assert "Response rate" in page and "+50.0" not in page


def test_the_dashboard_stays_in_english_format_for_an_english_format_member(
    client, session, survey
):
    make_staff(session, "analyst", email="en@example.com")
    session.commit()
    page = (
        sign_in(client, "en@example.com")
        .get(f"/insights/dashboard?survey={survey.id}&range=custom&from=2026-03-01&to=2026-03-31")
        .get_data(as_text=True)
    )
    assert '<p class="dash-figure">+50.0 <span class="dash-margin">± ' in page
    assert f"97.0{NBSP}%" in page
    assert "from 1 Mar 2026 to 31 Mar 2026" in page
    assert '<td data-label="Period">2 Mar – 8 Mar</td>' in page


def test_the_csv_download_stays_iso_and_dot_decimals_for_a_finnish_format_member(
    client, session, survey
):
    make_staff(session, "analyst", email="fi@example.com", format_locale="fi")
    session.commit()
    sign_in(client, "fi@example.com")

    body = client.get("/insights/responses.csv").get_data(as_text=True)

    assert "2026-03-03" in body  # ISO dates, which spreadsheets parse
    assert "3.3.2026" not in body and " klo " not in body


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("fi", "from 1.2.2025 to 28.2.2025"), ("sv", "from 1 feb. 2025 to 28 feb. 2025"),
     ("en", "from 1 Feb 2025 to 28 Feb 2025")],
)  # fmt: skip
def test_the_rescue_report_writes_its_range_in_the_members_format(client, session, locale, shown):
    make_staff(session, "agent", email="aki@example.com", format_locale=locale)
    session.commit()
    page = (
        sign_in(client, "aki@example.com")
        .get("/rescue/report?since=2025-02-01&until=2025-02-28")
        .get_data(as_text=True)
    )
    assert f"Tasks opened {shown}" in " ".join(page.split())
