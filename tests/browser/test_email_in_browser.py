"""The invitation email in a real browser (Debian's chromium driven by Playwright) as a phone's
and a desktop's mail client shows it: 320 and 600 px wide, light and dark. The HTML is the one
the dispatcher puts in the outbox (surveys.delivery.emails.outbox_email), not a copy."""

import pytest

from surveys.catalog.scoring import SCALES
from surveys.delivery.emails import outbox_email
from tests.factories.surveys import make_invitation, make_survey
from tests.servers import ARTIFACTS

WIDTHS = (320, 600)
SCHEMES = ("light", "dark")

# Each score link's box and colours, and the page's width against the viewport's.
_MEASURE = """() => ({
  links: [...document.querySelectorAll("a[data-score]")].map((a) => {
    const box = a.getBoundingClientRect(), style = getComputedStyle(a);
    return {score: a.textContent.trim(), left: box.left, right: box.right, top: box.top,
            width: box.width, height: box.height, color: style.color,
            background: style.backgroundColor};
  }),
  labels: [...document.querySelectorAll("td.k-muted")].slice(0, 2).map((td) => {
    const box = td.getBoundingClientRect(), style = getComputedStyle(td);
    return {text: td.textContent.trim(), left: box.left, right: box.right,
            size: parseFloat(style.fontSize), color: style.color,
            background: getComputedStyle(td.closest(".k-card")).backgroundColor};
  }),
  scrollWidth: document.documentElement.scrollWidth,
  viewport: window.innerWidth,
})"""


def _rgb(css: str) -> tuple[float, float, float]:
    """``rgb(29, 69, 163)`` (or rgba, opaque) as three 0-255 numbers."""
    inner = css[css.index("(") + 1 : css.index(")")]
    parts = [float(part) for part in inner.replace("/", ",").split(",")[:4]]
    assert len(parts) == 3 or parts[3] == 1, f"{css} is not opaque"
    return parts[0], parts[1], parts[2]


def _luminance(css: str) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(value) for value in _rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_is_computed_as_wcag_says():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("kind", ["nps", "csat", "ces"])
def test_score_links_can_be_tapped_at_320_and_600_px_in_light_and_dark(
    browser, session, settings, kind
):
    new = make_invitation(session, settings, make_survey(session, kind), name="Aino Virtanen")
    email = outbox_email(new.invitation, new.token, settings)
    scores = [str(score) for score in SCALES[kind].scores]

    for width in WIDTHS:
        for scheme in SCHEMES:
            where = f"{kind} at {width} px, {scheme}"
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.emulate_media(color_scheme=scheme)
            page.set_content(email.html_body)
            seen = page.evaluate(_MEASURE)

            assert seen["scrollWidth"] <= seen["viewport"], f"{where}: sideways scrolling"
            links = seen["links"]
            assert [link["score"] for link in links] == scores, where
            assert len({round(link["top"]) for link in links}) == 1, f"{where}: not one row"
            for link in links:
                what = f"{where}, score {link['score']}"
                assert link["height"] >= 44, f"{what}: {link['height']} px high"
                assert link["width"] >= 24, f"{what}: {link['width']} px wide"
                assert 0 <= link["left"] and link["right"] <= width, f"{what}: off-screen"
                assert contrast(link["color"], link["background"]) >= 4.5, what
            low, high = seen["labels"]
            assert low["text"] == f"{scores[0]} = {SCALES[kind].ends[0]}", where
            assert high["text"] == f"{scores[-1]} = {SCALES[kind].ends[1]}", where
            for label in (low, high):
                assert label["size"] >= 13 and 0 <= label["left"] <= label["right"] <= width
                assert contrast(label["color"], label["background"]) >= 4.5, where
            # Dark mode really is dark: the media query of the email applies.
            dark_buttons = _luminance(links[0]["background"]) < 0.2
            assert dark_buttons == (scheme == "dark"), where

            if kind == "nps":
                shot = ARTIFACTS / f"browser-email-{kind}-{width}-{scheme}.png"
                page.screenshot(path=str(shot), full_page=True)
            page.close()


def test_plain_text_part_lists_every_score_link(session, settings):
    new = make_invitation(session, settings, locale="fi")
    email = outbox_email(new.invitation, new.token, settings)
    lines = email.text_body.splitlines()
    for score in SCALES["nps"].scores:
        link = f"{settings.base_url}/s/{new.token}?score={score}"
        assert f"{score:2d}  {link}" in lines
    assert "Erittäin todennäköisesti" in email.text_body  # the scale's ends, in Finnish


def test_without_its_style_element_the_email_still_fits_320_px(browser, session, settings):
    """Some mail clients drop <style>: the inline styles alone keep the links tappable."""
    new = make_invitation(session, settings)
    html = outbox_email(new.invitation, new.token, settings).html_body
    start, end = html.index("<style>"), html.index("</style>") + len("</style>")
    page = browser.new_page(viewport={"width": 320, "height": 900})
    page.set_content(html[:start] + html[end:])
    seen = page.evaluate(_MEASURE)
    assert seen["scrollWidth"] <= 320
    assert len({round(link["top"]) for link in seen["links"]}) == 1
    assert all(link["height"] >= 44 and link["width"] >= 24 for link in seen["links"])
    assert all(0 <= link["left"] and link["right"] <= 320 for link in seen["links"])
    page.close()
