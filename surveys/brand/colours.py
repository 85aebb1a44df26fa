"""Colours of a brand: ``#rrggbb`` parsing and the WCAG 2 contrast ratio against white text.

The brand colour fills buttons and links with white text on them, so it must reach WCAG AA
for normal text (4.5:1) against white; below that the pages and emails use Kaiku's own accent.
"""

import re

DEFAULT_ACCENT = "#22617a"  # static/kaiku.css --accent, 6.9:1 on white
MIN_CONTRAST = 4.5
WHITE = "#ffffff"
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def parse_colour(text: str | None) -> str | None:
    """``text`` as a lower-case ``#rrggbb``, or None when it is not one."""
    text = (text or "").strip()
    return text.lower() if _HEX.fullmatch(text) else None


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour, 0 (black) to 1 (white)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str = WHITE) -> float:
    """The WCAG 2 contrast ratio of two ``#rrggbb`` colours, 1 to 21 (#767676 on white: 4.54)."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def usable_accent(colour: str | None) -> str:
    """The colour pages and emails use: the brand's when white text on it reaches 4.5:1, else
    Kaiku's default accent."""
    colour = parse_colour(colour)
    if colour is None or contrast_ratio(colour) < MIN_CONTRAST:
        return DEFAULT_ACCENT
    return colour


def darker(colour: str, factor: float = 0.8) -> str:
    """``colour`` with each channel scaled by ``factor``: the hover shade of a button."""
    channels = (round(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in channels)
