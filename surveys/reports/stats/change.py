"""This period against the previous one of equal length: is the change more than noise?"""

import math
from dataclasses import asdict, dataclass
from typing import Any

from surveys.reports.stats.estimates import Z95, Estimate


@dataclass(frozen=True)
class Change:
    """``current − previous`` with its standard error, z, two-sided p and 95 % interval.

    ``significant`` is p < 0.05 (|z| > 1.96). ``enough`` is False when either period has too
    few answers; a page shows the change then but no marker. All None when either side has
    no value or no standard error.
    """

    difference: float | None
    se: float | None
    z: float | None
    p_value: float | None
    low: float | None
    high: float | None
    significant: bool
    enough: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def two_sided_p(z: float) -> float:
    """P(|Z| ≥ |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


def change(current: Estimate, previous: Estimate) -> Change:
    """The change between two independent estimates of one figure (NPS, CSAT or CES).

    z = (x₁ − x₂) / sqrt(SE₁² + SE₂²), each SE the figure's own (adjusted Wald for NPS,
    Agresti–Caffo for CSAT, s/√n for CES). For NPS this is what the issue asks for: a plain
    two-proportion test of the promoter share alone ignores the detractors and understates the
    variance of p − d. For CES at small n the normal reference is a little optimistic; such
    periods are under ``MIN_ANSWERS`` and carry ``enough=False``.
    """
    enough = current.enough and previous.enough
    if current.value is None or previous.value is None or not current.se or not previous.se:
        return Change(None, None, None, None, None, None, False, enough)
    difference = current.value - previous.value
    se = math.sqrt(current.se**2 + previous.se**2)
    z = difference / se
    p = two_sided_p(z)
    return Change(
        difference,
        se,
        z,
        p,
        difference - Z95 * se,
        difference + Z95 * se,
        abs(z) > Z95,
        enough,
    )
