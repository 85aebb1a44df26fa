"""A connection lost after the server saved the answer (a web worker killed after the commit):
the page's script posts the same answer again and shows it, never "failed" for a stored answer."""

from sqlalchemy import select

from surveys.models import Response
from tests.factories.surveys import make_invitation
from tests.servers import ARTIFACTS

SCREENSHOTS = ARTIFACTS / "screenshots"


def _answers(session) -> list[tuple[int, str | None]]:
    session.expire_all()
    return [(r.score, r.comment) for r in session.scalars(select(Response))]


def _first_post_lost_after_the_server_saved_it(posts: list[str]):
    """A route handler: the first POST reaches the server, which saves the answer, but its
    reply never reaches the browser; later POSTs pass as usual."""

    def handle(route):
        if route.request.method != "POST":
            return route.continue_()
        posts.append(route.request.url)
        if len(posts) == 1:
            route.fetch(max_redirects=0)  # the server stores the answer and answers 303 ...
            return route.abort("connectionreset")  # ... which the browser never gets
        return route.continue_()

    return handle


def test_a_lost_reply_is_retried_and_the_saved_score_shown(
    live, live_server, browser, session, settings
):
    new = make_invitation(session, settings)
    session.commit()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        session.query(Response).delete()
        session.commit()
        page = browser.new_page(viewport={"width": width, "height": 900})
        posts: list[str] = []
        page.route("**/s/*", _first_post_lost_after_the_server_saved_it(posts))

        page.goto(f"{live_server}/s/{new.token}?score=9")  # the script submits the score
        page.wait_for_url("**/why")

        assert len(posts) == 2  # the lost one and its retry
        assert "Your answer: 9" in " ".join(page.inner_text(".answer-summary").split())
        assert _answers(session) == [(9, None)]
        page.screenshot(path=str(SCREENSHOTS / f"answer-after-retry-{width}.png"), full_page=True)
        page.close()


def test_a_lost_comment_reply_is_retried_and_thanks_follow(
    live, live_server, browser, session, settings
):
    new = make_invitation(session, settings)
    session.commit()
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{live_server}/s/{new.token}?score=6")
    page.wait_for_url("**/why")
    posts: list[str] = []
    page.route("**/s/*/why", _first_post_lost_after_the_server_saved_it(posts))

    page.get_by_label("What is the main reason for your score?").fill("Slow support")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/thanks")

    assert len(posts) == 2
    assert "Slow support" in page.inner_text(".answer-recap")
    assert _answers(session) == [(6, "Slow support")]
    page.close()


def test_a_server_out_of_reach_gets_a_clear_message_and_a_try_again_button(
    live, live_server, browser, session, settings
):
    new = make_invitation(session, settings)
    session.commit()
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.goto(f"{live_server}/s/{new.token}")
    unreachable = []

    def gateway_down(route):
        if route.request.method != "POST":
            return route.continue_()
        unreachable.append(route.request.url)
        # Alternately a dropped connection and a proxy's 502, neither reaching the app.
        if len(unreachable) % 2:
            return route.abort("connectionrefused")
        return route.fulfill(status=502, body="Bad gateway")

    page.route("**/s/*", gateway_down)
    page.get_by_role("button", name="7", exact=True).click()
    again = page.get_by_role("button", name="Try again")
    again.wait_for(state="visible", timeout=15_000)

    assert len(unreachable) == 5  # the first post and four retries
    text = page.inner_text("[data-send-status]")
    assert "may not be saved yet" in text and "failed" not in text.lower()
    assert _answers(session) == []
    page.screenshot(path=str(SCREENSHOTS / "answer-server-out-of-reach-375.png"), full_page=True)

    page.unroute("**/s/*")
    again.click()
    page.wait_for_url("**/why")
    assert _answers(session) == [(7, None)]
    page.close()
