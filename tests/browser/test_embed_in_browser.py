"""The embedded widget in Chromium, on a company's page served from another origin (a second port
on 127.0.0.1) than the live app, with a real worker: what a customer of the company sees."""

import threading
from datetime import timedelta
from html import escape

import pytest
from sqlalchemy import select

from surveys.embed.signing import sign
from surveys.models import EmbedRefusal, EmbedVisitor, Response
from tests.factories.embeds import make_embed
from tests.factories.surveys import make_programme
from tests.live import wait_for
from tests.servers import ARTIFACTS, free_port

HOSTILE_CSS = "* { all: unset !important; } html { font-size: 40px !important; }"
WIDGET = "[data-kaiku-widget]"


class HostSite:
    """The company's site: a threaded HTTP server answering every path with ``page``."""

    def __init__(self) -> None:
        from werkzeug.serving import make_server

        port = free_port()
        self.origin = f"http://127.0.0.1:{port}"
        self.page = "<!doctype html><title>Empty</title>"
        self.server = make_server("127.0.0.1", port, self.wsgi, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wsgi(self, environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [self.page.encode()]


@pytest.fixture(scope="module")
def sites():
    """Two host sites on two ports: the survey allows the first, not the second."""
    allowed, other = HostSite(), HostSite()
    yield allowed, other
    allowed.server.shutdown()
    other.server.shutdown()


def host_page(live_server: str, survey, css: str = "", body: str = "", **data: str) -> str:
    """A company page with the one script tag; ``data`` are its ``data-*`` attributes."""
    attributes = " ".join(
        f'data-{name.replace("_", "-")}="{escape(value)}"' for name, value in data.items()
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme app</title>
<style>body {{ font-family: serif; }} {css}</style></head>
<body><h1>Acme dashboard</h1><p>Your invoices and usage.</p>{body}
<script async src="{live_server}/embed.js" data-survey="{survey.key}" {attributes}></script>
</body></html>"""


def signed(secret: str, customer: str) -> dict[str, str]:
    return {"customer": customer, "signature": sign(secret, customer)}


def widget_frame(page):
    """The widget's iframe (Playwright's Frame), once it is on the page."""
    frame = page.locator(f"{WIDGET} iframe")
    frame.wait_for(state="attached")
    return frame.element_handle().content_frame()


def until(page, predicate, timeout_ms: int = 10_000):
    """Wait for ``predicate`` while Playwright delivers the page's events (time.sleep would not)."""
    for _ in range(timeout_ms // 50):
        if predicate():
            return
        page.wait_for_timeout(50)
    pytest.fail("condition not met in time")


def score_boxes(page, frame) -> list[dict]:
    frame.get_by_role("button", name="10", exact=True).wait_for(state="visible")
    return [frame.locator(".score").nth(i).bounding_box() for i in range(11)]


def _responses(session) -> list[Response]:
    session.expire_all()
    return list(session.scalars(select(Response)))


def watch(page) -> tuple[list[str], list[str]]:
    """The page's console errors and the hosts of every request it and its frames made."""
    errors, hosts = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: hosts.append(r.url.split("/")[2]))
    return errors, hosts


def test_customer_answers_the_widget_with_the_keyboard_on_a_hostile_page(
    live, live_server, live_worker, browser, session, sites
):
    allowed, _ = sites
    make_programme(session, reward="A month free for you and your friend")
    survey, secret = make_embed(session, allowed_origins=[allowed.origin])
    session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors, hosts = watch(page)

    # The same widget on a plain page and on one whose CSS resets everything with huge fonts.
    allowed.page = host_page(live_server, survey, **signed(secret, "cust-plain"))
    page.goto(allowed.origin)
    plain = score_boxes(page, widget_frame(page))
    allowed.page = host_page(live_server, survey, css=HOSTILE_CSS, **signed(secret, "cust-42"))
    page.goto(allowed.origin)
    frame = widget_frame(page)
    assert score_boxes(page, frame) == plain
    box = page.locator(WIDGET).bounding_box()
    assert box["x"] + box["width"] <= 1280 - 8 and box["y"] + box["height"] <= 800 - 8
    assert 380 <= box["width"] <= 400  # a floating card, bottom-right

    # Focus moved into the widget, onto the question; the keyboard alone answers it.
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    assert frame.evaluate("document.activeElement.tagName") == "H1"
    page.screenshot(path=str(ARTIFACTS / "embed-host-1280.png"))
    for _ in range(10):  # 0, 1, ..., 9
        page.keyboard.press("Tab")
    assert frame.evaluate("document.activeElement.innerText.trim()") == "9"
    page.keyboard.press("Enter")
    comment = frame.get_by_label("What is the main reason for your score?")
    comment.wait_for(state="visible")
    assert frame.evaluate("document.activeElement.tagName") == "H1"
    page.keyboard.press("Tab")
    page.keyboard.type("Fast and friendly")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Send
    frame.get_by_role("heading", name="Thank you!").wait_for(state="visible")

    # The answer landed, from the embed, and the real worker processed it: the promoter's
    # referral link appears in the widget (which polled for it).
    link = frame.locator("a[data-referral-url]")
    link.wait_for(state="visible", timeout=15_000)
    assert "/r/" in link.inner_text()
    # The comment re-queues the answer's processing; wait for the worker to finish it.
    (response,) = wait_for(lambda: [r for r in _responses(session) if r.processed_at])
    assert (response.score, response.comment, response.channel) == (9, "Fast and friendly", "embed")
    assert response.identity == "signed"
    page.screenshot(path=str(ARTIFACTS / "embed-host-thanks-1280.png"))

    # It talked to the live app alone and left no cookie on the company's site.
    live_host = live_server.split("/")[2]
    assert set(hosts) <= {live_host, allowed.origin.split("/")[2]}
    assert context.cookies() == []
    assert errors == []
    context.close()


def test_escape_closes_returns_focus_and_a_dismissal_is_respected(
    live, live_server, browser, session, sites
):
    allowed, _ = sites
    survey, secret = make_embed(
        session,
        allowed_origins=[allowed.origin],
        triggers=[{"type": "event", "name": "opened-billing"}],
    )
    session.commit()
    button = (
        '<button id="billing" onclick="Kaiku.track(\'opened-billing\')">Billing</button>'
        "<script>window.Kaiku = window.Kaiku || {q: []};</script>"
    )
    allowed.page = host_page(live_server, survey, body=button, **signed(secret, "cust-7"))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors, _ = watch(page)
    page.goto(allowed.origin)
    page.wait_for_timeout(500)
    assert page.locator(WIDGET).count() == 0  # the trigger has not fired yet

    page.focus("#billing")
    page.keyboard.press("Enter")
    frame = widget_frame(page)
    frame.get_by_role("button", name="0", exact=True).wait_for(state="visible")
    wait_for(lambda: page.evaluate("document.activeElement.tagName") == "IFRAME")
    page.keyboard.press("Escape")  # inside the widget
    page.locator(WIDGET).wait_for(state="detached")
    assert page.evaluate("document.activeElement.id") == "billing"

    def dismissed():
        session.expire_all()
        state = session.scalars(select(EmbedVisitor)).first()
        return state is not None and state.dismissals == 1

    wait_for(dismissed)
    page.reload()
    page.focus("#billing")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1000)
    assert page.locator(WIDGET).count() == 0  # dismissed: not shown on the next page
    assert errors == []
    page.close()


def test_escape_on_the_host_page_closes_too(live, live_server, browser, session, sites):
    allowed, _ = sites
    survey, secret = make_embed(session, allowed_origins=[allowed.origin])
    session.commit()
    allowed.page = host_page(live_server, survey, **signed(secret, "cust-8"))
    page = browser.new_page()
    page.goto(allowed.origin)
    widget_frame(page).get_by_role("button", name="0", exact=True).wait_for(state="visible")
    page.locator("h1").first.click()  # focus back on the page
    page.keyboard.press("Escape")
    page.locator(WIDGET).wait_for(state="detached")
    page.close()


def test_phone_shows_the_widget_across_the_bottom_without_overflow(
    live, live_server, browser, session, sites
):
    allowed, _ = sites
    survey, secret = make_embed(session, allowed_origins=[allowed.origin])
    session.commit()
    allowed.page = host_page(live_server, survey, css=HOSTILE_CSS, **signed(secret, "cust-9"))
    page = browser.new_page(viewport={"width": 375, "height": 740}, has_touch=True)
    page.goto(allowed.origin)
    frame = widget_frame(page)
    boxes = score_boxes(page, frame)
    box = page.locator(WIDGET).bounding_box()
    assert box["width"] >= 375 - 16 and box["x"] >= 0
    assert 740 - 16 <= box["y"] + box["height"] <= 740
    assert all(b["x"] >= box["x"] and b["x"] + b["width"] <= box["x"] + box["width"] for b in boxes)
    assert all(b["height"] >= 40 for b in boxes)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert frame.evaluate("document.documentElement.scrollWidth") <= frame.evaluate("innerWidth")
    page.screenshot(path=str(ARTIFACTS / "embed-host-375.png"))
    frame.get_by_role("button", name="10", exact=True).tap()
    frame.get_by_role("button", name="Skip").tap()
    frame.get_by_role("heading", name="Thank you!").wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(ARTIFACTS / "embed-host-thanks-375.png"))
    page.close()


def test_a_page_from_a_disallowed_origin_cannot_post(live, live_server, browser, session, sites):
    allowed, other = sites
    survey, secret = make_embed(session, allowed_origins=[allowed.origin])
    session.commit()
    other.page = host_page(live_server, survey, **signed(secret, "cust-5"))
    page = browser.new_page()
    errors, _ = watch(page)
    page.goto(other.origin)
    until(page, lambda: any(e.startswith("Kaiku: could not reach") for e in errors))
    assert page.locator(WIDGET).count() == 0
    body = {**signed(secret, "cust-5"), "score": 10}
    outcome = page.evaluate(
        """async ([url, body]) => {
          try {
            await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                              body: JSON.stringify(body)});
            return "read";
          } catch (e) { return "failed"; }
        }""",
        [f"{live_server}/api/v1/embed/{survey.key}/responses", body],
    )
    assert outcome == "failed"
    assert _responses(session) == []
    page.close()


def test_an_unsigned_id_is_refused_with_a_console_error(live, live_server, browser, session, sites):
    allowed, _ = sites
    survey, _ = make_embed(session, allowed_origins=[allowed.origin])
    session.commit()
    allowed.page = host_page(live_server, survey, customer="cust-1")
    page = browser.new_page()
    errors, _ = watch(page)
    page.goto(allowed.origin)
    until(page, lambda: any(e.startswith("Kaiku:") for e in errors))
    (said,) = [e for e in errors if e.startswith("Kaiku:")]
    assert said.startswith("Kaiku: This survey needs a signed customer id")
    page.wait_for_timeout(300)
    assert page.locator(WIDGET).count() == 0
    assert _responses(session) == []
    session.expire_all()
    assert [r.reason for r in session.scalars(select(EmbedRefusal))] == ["unsigned"]
    page.close()


def test_anonymous_visitor_answers_once_remembered_in_the_page_storage(
    live, live_server, browser, session, sites
):
    allowed, _ = sites
    survey, _ = make_embed(session, allowed_origins=[allowed.origin], anonymous=True)
    session.commit()
    allowed.page = host_page(live_server, survey)
    context = browser.new_context()
    page = context.new_page()
    page.goto(allowed.origin)
    frame = widget_frame(page)
    frame.get_by_role("button", name="8", exact=True).click()
    frame.get_by_role("button", name="Skip").click()
    frame.get_by_role("heading", name="Thank you!").wait_for(state="visible")
    (response,) = _responses(session)
    assert (response.score, response.identity, response.channel) == (8, "anonymous", "embed")
    memory = page.evaluate(f"JSON.parse(localStorage.getItem('kaiku:{survey.key}'))")
    assert memory["visits"] == 1 and memory["answered"] > 0
    page.reload()
    page.wait_for_timeout(1000)
    assert page.locator(WIDGET).count() == 0  # answered: the recontact window holds
    assert context.cookies() == []
    context.close()


def test_url_pattern_opens_the_widget_after_a_pushstate(live, live_server, browser, session, sites):
    allowed, _ = sites
    survey, secret = make_embed(
        session,
        allowed_origins=[allowed.origin],
        triggers=[{"type": "url", "pattern": "/billing/*"}],
    )
    session.commit()
    allowed.page = host_page(live_server, survey, **signed(secret, "cust-3"))
    page = browser.new_page()
    page.goto(f"{allowed.origin}/dashboard")
    page.wait_for_timeout(800)
    assert page.locator(WIDGET).count() == 0
    page.evaluate("history.pushState({}, '', '/billing/invoices?year=2026')")
    widget_frame(page).get_by_role("button", name="0", exact=True).wait_for(state="visible")
    page.close()


def test_preview_walks_the_steps_and_posts_nothing(live, live_server, browser, session):
    survey, _ = make_embed(session)
    session.commit()
    page = browser.new_page()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server}/embed/{survey.key}?preview=1")
    page.get_by_role("button", name="7", exact=True).click()
    page.get_by_label("What is the main reason for your score?").fill("Just looking")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Thank you!").wait_for(state="visible")
    assert posts == [] and _responses(session) == []
    page.close()


def test_a_double_click_on_a_score_posts_one_answer(live, live_server, browser, session, sites):
    allowed, _ = sites
    survey, secret = make_embed(session, allowed_origins=[allowed.origin])
    session.commit()
    allowed.page = host_page(live_server, survey, **signed(secret, "cust-11"))
    page = browser.new_page()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.url.endswith("/responses") else None)
    page.goto(allowed.origin)
    frame = widget_frame(page)
    frame.get_by_role("button", name="6", exact=True).dblclick()
    frame.get_by_label("What is the main reason for your score?").wait_for(state="visible")
    assert len(posts) == 1
    assert [r.score for r in _responses(session)] == [6]
    page.close()


def test_delay_and_visit_count_triggers(live, live_server, browser, session, sites):
    allowed, _ = sites
    survey, secret = make_embed(
        session,
        allowed_origins=[allowed.origin],
        triggers=[{"type": "visits", "count": 2}, {"type": "delay", "seconds": 2}],
    )
    session.commit()
    allowed.page = host_page(live_server, survey, **signed(secret, "cust-12"))
    page = browser.new_page()
    page.goto(allowed.origin)
    page.wait_for_timeout(1000)
    assert page.locator(WIDGET).count() == 0  # first visit: only the delay will open it
    widget_frame(page)  # after 2 s
    page.goto("about:blank")
    # The second visit (half an hour later) opens it at once.
    session.expire_all()
    state = session.scalars(select(EmbedVisitor)).one()
    state.last_seen_at -= timedelta(hours=1)
    state.shown_at = None
    session.commit()
    page.goto(allowed.origin)
    page.locator(f"{WIDGET} iframe").wait_for(state="attached", timeout=1500)
    page.close()


def test_queued_init_and_identify_after_sign_in(live, live_server, browser, session, sites):
    allowed, _ = sites
    survey, secret = make_embed(session, allowed_origins=[allowed.origin])
    session.commit()
    who = signed(secret, "cust-13")
    stub = f"""<script>
window.Kaiku = window.Kaiku || {{q: []}};
["init", "show", "track", "identify"].forEach(function (m) {{
  Kaiku[m] = Kaiku[m] || function () {{ Kaiku.q.push([m].concat([].slice.call(arguments))); }};
}});
Kaiku.init({{survey: "{survey.key}", language: "fi"}});
</script>
<button id="sign-in" onclick="Kaiku.identify('cust-13', '{who["signature"]}')">Sign in</button>"""
    allowed.page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
      <title>Acme</title></head><body>{stub}
      <script async src="{live_server}/embed.js"></script></body></html>"""
    page = browser.new_page()
    errors, _ = watch(page)
    page.goto(allowed.origin)
    until(page, lambda: any(e.startswith("Kaiku:") for e in errors))  # no customer yet
    assert page.locator(WIDGET).count() == 0
    page.click("#sign-in")
    frame = widget_frame(page)
    frame.get_by_role("heading", name="Kuinka todennäköisesti", exact=False).wait_for()
    frame.get_by_role("button", name="Sulje kysely").click()  # the × closes it
    page.locator(WIDGET).wait_for(state="detached")
    assert page.evaluate("document.activeElement.id") == "sign-in"
    page.close()


def test_anonymous_dismissal_is_kept_in_the_page_storage(
    live, live_server, browser, session, sites
):
    allowed, _ = sites
    survey, _ = make_embed(
        session, allowed_origins=[allowed.origin], anonymous=True, dismiss_days=7
    )
    session.commit()
    allowed.page = host_page(live_server, survey)
    context = browser.new_context()
    page = context.new_page()
    page.goto(allowed.origin)
    widget_frame(page).get_by_role("button", name="0", exact=True).wait_for(state="visible")
    page.keyboard.press("Escape")
    page.locator(WIDGET).wait_for(state="detached")
    memory = page.evaluate(f"JSON.parse(localStorage.getItem('kaiku:{survey.key}'))")
    assert memory["dismissed"] > 0
    page.reload()
    page.wait_for_timeout(1000)
    assert page.locator(WIDGET).count() == 0
    # Eight days later the dismissal has run out.
    page.evaluate(
        f"""() => {{
          const memory = JSON.parse(localStorage.getItem('kaiku:{survey.key}'));
          memory.dismissed -= 8 * 864e5;
          localStorage.setItem('kaiku:{survey.key}', JSON.stringify(memory));
        }}"""
    )
    page.reload()
    widget_frame(page)
    assert context.cookies() == []
    context.close()
