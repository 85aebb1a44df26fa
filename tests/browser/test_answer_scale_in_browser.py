"""The answer page's scale on a phone, in a real browser: 0–10 on one row at 375 and 320 px,
every button big enough to tap, nothing off to the side."""

import pytest

from tests.factories.surveys import make_invitation, make_survey
from tests.servers import ARTIFACTS

_MEASURE = """() => ({
  buttons: [...document.querySelectorAll(".scale button.score")].map((b) => {
    const box = b.getBoundingClientRect();
    return {text: b.textContent.trim(), top: box.top, left: box.left, right: box.right,
            width: box.width, height: box.height};
  }),
  ends: [...document.querySelectorAll(".scale-ends span")].map((s) => s.textContent.trim()),
  scrollWidth: document.documentElement.scrollWidth,
  viewport: window.innerWidth,
})"""


@pytest.mark.parametrize("width", [375, 320])
def test_nps_scale_is_one_row_of_tappable_buttons_on_a_phone(
    live, live_server, browser, session, settings, width
):
    new = make_invitation(session, settings, make_survey(session, "nps"))
    session.commit()
    page = browser.new_page(viewport={"width": width, "height": 760})
    page.goto(f"{live_server}/s/{new.token}")
    seen = page.evaluate(_MEASURE)

    assert seen["scrollWidth"] <= seen["viewport"], "sideways scrolling"
    buttons = seen["buttons"]
    assert [b["text"] for b in buttons] == [str(score) for score in range(11)]
    assert len({round(b["top"]) for b in buttons}) == 1, "the scale wraps"
    for button in buttons:
        assert button["height"] >= 44, button
        assert button["width"] >= (24 if width == 320 else 26), button
        assert 0 <= button["left"] and button["right"] <= width, button
    assert seen["ends"] == ["0 = Not at all likely", "10 = Extremely likely"]
    page.screenshot(path=str(ARTIFACTS / f"browser-answer-nps-{width}.png"), full_page=True)

    page.keyboard.press("Tab")  # the skip link, then the first score
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "0"
    page.close()


@pytest.mark.parametrize("kind", ["csat", "ces"])
def test_shorter_scales_are_one_row_too(live, live_server, browser, session, settings, kind):
    new = make_invitation(session, settings, make_survey(session, kind))
    session.commit()
    page = browser.new_page(viewport={"width": 320, "height": 760})
    page.goto(f"{live_server}/s/{new.token}")
    seen = page.evaluate(_MEASURE)
    assert seen["scrollWidth"] <= seen["viewport"]
    assert len({round(b["top"]) for b in seen["buttons"]}) == 1
    assert all(b["height"] >= 44 and b["width"] >= 24 for b in seen["buttons"])
    page.close()
