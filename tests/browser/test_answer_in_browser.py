"""The respondent's flow in a real browser (Debian's chromium driven by Playwright) against the
live app, with a real worker: what the person who clicked a button in the email sees."""

from sqlalchemy import select

from surveys.models import Response
from tests.factories.surveys import make_invitation, make_programme
from tests.live import wait_for
from tests.servers import ARTIFACTS


def _answers(session) -> list[tuple[int, str | None]]:
    session.expire_all()
    return [(r.score, r.comment) for r in session.scalars(select(Response))]


def test_email_button_link_records_the_score_and_shows_the_referral(
    live, live_server, live_worker, browser, session, settings
):
    make_programme(session, reward="A month free for you and your friend")
    new = make_invitation(session, settings)
    session.commit()
    page = browser.new_page(viewport={"width": 390, "height": 844})

    page.goto(f"{live_server}/s/{new.token}?score=10")  # the script submits the score
    page.wait_for_url("**/why")
    page.get_by_label("What is the main reason for your score?").fill("Friendly and fast!")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/thanks")

    link = page.locator("a[data-referral-url]")
    link.wait_for(state="visible", timeout=15_000)  # processing made it; the page polled
    assert "/r/" in link.inner_text()
    assert "A month free" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "browser-thanks-promoter.png"), full_page=True)
    assert _answers(session) == [(10, "Friendly and fast!")]
    page.close()


def test_without_script_the_email_link_waits_for_a_click(
    live, live_server, browser, session, settings
):
    new = make_invitation(session, settings, locale="fi")
    session.commit()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    page.goto(f"{live_server}/s/{new.token}?score=3")
    send = page.get_by_role("button", name="Lähetä")
    assert send.is_visible()
    assert _answers(session) == []  # opening the link recorded nothing

    send.click()
    page.wait_for_url("**/why")
    wait_for(lambda: _answers(session) == [(3, None)])
    page.screenshot(path=str(ARTIFACTS / "browser-why-no-script.png"))
    context.close()


def test_keyboard_user_can_answer(live, live_server, browser, session, settings):
    new = make_invitation(session, settings)
    session.commit()
    page = browser.new_page()

    page.goto(f"{live_server}/s/{new.token}")
    page.keyboard.press("Tab")  # the skip link comes first
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused.startswith("0")
    for _ in range(7):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # score 7
    page.wait_for_url("**/why")
    assert _answers(session) == [(7, None)]
    page.close()


def test_finnish_promoter_reads_the_reward_in_finnish(
    live, live_server, live_worker, browser, session, settings
):
    make_programme(
        session,
        reward="One month free for you and your friend",
        rewards={"fi": "Kuukausi ilmaiseksi sinulle ja ystävällesi"},
    )
    new = make_invitation(session, settings, locale="fi")
    session.commit()
    page = browser.new_page(viewport={"width": 375, "height": 760})

    page.goto(f"{live_server}/s/{new.token}?score=9")
    page.wait_for_url("**/why")
    page.get_by_role("link", name="Ohita").click()
    page.wait_for_url("**/thanks")
    page.locator("a[data-referral-url]").wait_for(state="visible", timeout=15_000)
    reward = page.locator(".referral-reward")
    assert reward.inner_text() == "Etu: Kuukausi ilmaiseksi sinulle ja ystävällesi"
    assert "One month free" not in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "browser-thanks-fi-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "browser-thanks-fi-1280.png"), full_page=True)
    page.close()
