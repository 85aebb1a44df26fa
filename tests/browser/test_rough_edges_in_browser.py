"""Issue 12's rough edges in a real browser at 375 px: the surveys list, the overview's
referrals and the rescue report fit a phone without sideways scrolling, every column and
action visible; a form sent with mistakes puts the focus on its error summary."""

from surveys.answers.processing import process_response
from surveys.answers.recording import record_answer
from tests.factories.rescue import make_task
from tests.factories.staff import PASSWORD, make_staff
from tests.factories.surveys import make_invitation, make_programme, make_survey

PHONE = {"width": 375, "height": 812}


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def sideways(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def inside_window(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_phone_pages_fit_without_sideways_scrolling(live, live_server, browser, session):
    settings = live.extensions["kaiku_settings"]
    admin = make_staff(session, "admin")
    survey = make_survey(session, "nps", name="Onboarding NPS with a rather long name")
    make_programme(session, name="Bring a friend")
    invitation = make_invitation(session, settings, survey, name="Happy Promoter").invitation
    process_response(session, record_answer(session, invitation, 10, channel="email"), settings)
    for _ in range(3):
        make_task(session, settings, survey=survey)
    session.commit()
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server, admin.email)

    page.goto(f"{live_server}/admin/surveys")
    assert sideways(page) == 0
    row = page.locator("tr", has_text="Onboarding NPS")
    for name in ("Preview", "Pause"):
        button = row.get_by_role(
            "link" if name == "Preview" else "button", name=f"{name} Onboarding NPS"
        )
        assert button.is_visible() and inside_window(page, button), name

    page.goto(f"{live_server}/")
    assert sideways(page) == 0
    referrals = page.locator(".referral-list")
    for column in ("Code", "Promoter", "Clicks", "Sign-ups"):
        cell = referrals.locator(f'td[data-label="{column}"]').first
        assert cell.is_visible() and inside_window(page, cell), column

    page.goto(f"{live_server}/rescue/report")
    assert sideways(page) == 0
    for figure in page.locator(".report-figure .figure").all():
        lines = figure.evaluate(
            "e => Math.round(e.getBoundingClientRect().height"
            " / parseFloat(getComputedStyle(e).lineHeight))"
        )
        assert lines == 1, figure.inner_text()  # "33.3 %" on one line
    page.close()


def test_a_form_with_mistakes_focuses_its_error_summary(live, live_server, browser, session):
    admin = make_staff(session, "admin")
    survey = make_survey(session)
    session.commit()
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server, admin.email)

    page.goto(f"{live_server}/admin/surveys/{survey.id}/rules/new")
    page.get_by_label("Event name").fill("")
    page.locator("#delay").fill("")
    page.locator("#filters-0-field").fill("stage")
    page.locator("#filters-0-op").select_option("gt")
    page.locator("#filters-0-value").fill("5")
    page.get_by_role("button", name="Save rule").click()
    page.wait_for_load_state("load")

    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "There are 3 problems" in summary.inner_text()
    page.wait_for_function("() => document.activeElement.matches('[data-error-summary]')")
    assert sideways(page) == 0
    summary.get_by_role("link", name="Filter 1: Value").click()
    assert page.evaluate("() => document.activeElement.id") == "filters-0-value"
    page.close()
