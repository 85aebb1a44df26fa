"""One figure with its 95 % interval: NPS (adjusted Wald), CSAT % (Wilson), CES mean (Student t).

Each takes counts, so a rollup row, a raw query and a test feed it alike. Values are unrounded.
"""

import math
from dataclasses import asdict, dataclass
from typing import Any

# The normal quantile for a two-sided 95 % interval.
Z95 = 1.959963984540054

# Below this many answers a figure is flagged ``enough=False``: charts say "too few answers"
# instead of drawing a line. At n = 30 a typical NPS (half promoters, a fifth detractors) is
# still ±27 points; under it the interval is wider than most differences anyone acts on.
MIN_ANSWERS = 30

# Student t, 0.975 quantile, by degrees of freedom (any statistics table). Between 30 and
# infinity it is interpolated linearly in 1/df, the textbook way, good to 0.001.
_T975 = {
    1: 12.7062, 2: 4.3027, 3: 3.1824, 4: 2.7764, 5: 2.5706, 6: 2.4469, 7: 2.3646, 8: 2.3060,
    9: 2.2622, 10: 2.2281, 11: 2.2010, 12: 2.1788, 13: 2.1604, 14: 2.1448, 15: 2.1314,
    16: 2.1199, 17: 2.1098, 18: 2.1009, 19: 2.0930, 20: 2.0860, 21: 2.0796, 22: 2.0739,
    23: 2.0687, 24: 2.0639, 25: 2.0595, 26: 2.0555, 27: 2.0518, 28: 2.0484, 29: 2.0452,
    30: 2.0423, 40: 2.0211, 50: 2.0086, 60: 2.0003, 80: 1.9901, 100: 1.9840, 120: 1.9799,
    200: 1.9719, 500: 1.9647, 1000: 1.9623,
}  # fmt: skip


@dataclass(frozen=True)
class Estimate:
    """A figure (NPS points, CSAT %, CES mean) from ``n`` answers, with its 95 % interval.

    ``se`` is the standard error a comparison uses (``change``); ``margin`` the interval's
    half-width before clipping; ``low``/``high`` the interval, clipped to the scale. All are
    None when there is nothing to say (no answers; a CES from one answer has no spread).
    """

    value: float | None
    n: int
    se: float | None
    margin: float | None
    low: float | None
    high: float | None
    enough: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_counts(**counts: int) -> None:
    """:raises ValueError: a count that is not a whole number ≥ 0."""
    for name, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"{name} must be a whole number ≥ 0, not {count!r}")


def _clip(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


def _empty(n: int = 0) -> Estimate:
    return Estimate(None, n, None, None, None, None, False)


def nps_standard_error(promoters: float, detractors: float, n: float) -> float:
    """The standard error of p − d as a fraction: ``sqrt((p + d − (p − d)²) / n)``.

    An answer scores +1, 0 or −1; its variance is E[x²] − E[x]² = p + d − (p − d)².
    """
    p, d = promoters / n, detractors / n
    return math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)


def nps(promoters: int, passives: int, detractors: int, *, min_n: int = MIN_ANSWERS) -> Estimate:
    """NPS in points (−100..100) with an adjusted-Wald 95 % interval, clipped to [−100, 100].

    The interval always adds 3 answers (¾ promoter, 1½ passive, ¾ detractor) before the Wald
    formula, at every n rather than below a threshold: Rocks (2016, "Interval estimation for
    the net promoter score", The American Statistician 70(4)) and Sauro (MeasuringU, "adjusted
    Wald for NPS") find it keeps close to 95 % coverage at small n and near ±100, where the
    plain Wald interval collapses to a point (all promoters: SE 0); at large n the adjustment
    vanishes (n = 100: the margin moves by 0.2 points), and having no threshold means a trend
    band does not jump where it would be crossed. ``value`` is the plain NPS; the interval is
    centred on the adjusted one, ``se`` (in points) is the adjusted one, never 0.
    """
    check_counts(promoters=promoters, passives=passives, detractors=detractors)
    n = promoters + passives + detractors
    if n == 0:
        return _empty()
    value = 100 * (promoters - detractors) / n
    n_adj = n + 3
    se = 100 * nps_standard_error(promoters + 0.75, detractors + 0.75, n_adj)
    centre = 100 * (promoters - detractors) / n_adj
    margin = Z95 * se
    # The adjusted centre leaves a single answer's ±100 just outside its own interval (only
    # at n = 1: every n from 2 to 60 checked); the interval is widened to take it in.
    low = min(_clip(centre - margin, -100.0, 100.0), value)
    high = max(_clip(centre + margin, -100.0, 100.0), value)
    return Estimate(value, n, se, margin, low, high, n >= min_n)


def csat(satisfied: int, total: int, *, min_n: int = MIN_ANSWERS) -> Estimate:
    """CSAT % (0..100) with the Wilson score 95 % interval.

    Wilson rather than Wald: it stays inside 0..100 and keeps close to nominal coverage at small
    n and near 0 or 100 % (Brown, Cai & DasGupta 2001, "Interval estimation for a binomial
    proportion"; Newcombe 1998), where Wald gives a zero-width interval. ``se`` (in points) is
    Agresti–Caffo's (one satisfied and one not added, Agresti & Caffo 2000), the one they show
    works for the difference of two proportions, so ``change`` is defined at 100 % vs 100 %.
    """
    check_counts(satisfied=satisfied, total=total)
    if satisfied > total:
        raise ValueError(f"satisfied ({satisfied}) cannot exceed total ({total})")
    if total == 0:
        return _empty()
    p = satisfied / total
    z2 = Z95**2
    denominator = 1 + z2 / total
    centre = (p + z2 / (2 * total)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / total + z2 / (4 * total**2)) / denominator
    p_ac = (satisfied + 1) / (total + 2)
    se = 100 * math.sqrt(p_ac * (1 - p_ac) / (total + 2))
    return Estimate(
        100 * p,
        total,
        se,
        100 * half,
        # At 0 % and 100 % the bound is exactly the end; floating point would miss it by 1e-15.
        0.0 if satisfied == 0 else 100 * max(centre - half, 0.0),
        100.0 if satisfied == total else 100 * min(centre + half, 1.0),
        total >= min_n,
    )


def t_critical(df: int) -> float:
    """Student's t 0.975 quantile for ``df`` ≥ 1 degrees of freedom (two-sided 95 %)."""
    if df < 1:
        raise ValueError("t needs at least one degree of freedom")
    if df in _T975:
        return _T975[df]
    keys = sorted(_T975)
    if df > keys[-1]:
        below, t_below, above, t_above = keys[-1], _T975[keys[-1]], math.inf, Z95
    else:
        above = next(k for k in keys if k > df)
        below = max(k for k in keys if k < df)
        t_below, t_above = _T975[below], _T975[above]
    # Linear in 1/df between the two table rows (1/inf = 0).
    weight = (1 / below - 1 / df) / (1 / below - (0 if above == math.inf else 1 / above))
    return t_below + weight * (t_above - t_below)


def ces(
    n: int,
    score_sum: int,
    score_squares: int,
    *,
    min_n: int = MIN_ANSWERS,
    scale: tuple[int, int] = (1, 7),
) -> Estimate:
    """CES mean from n, Σx and Σx², with the t interval (df = n − 1), clipped to ``scale``.

    The sample variance is ``(nΣx² − (Σx)²) / (n(n − 1))``, exact in integers. One answer has a
    mean but no spread: ``se``, ``margin`` and the interval are None.
    """
    check_counts(n=n, score_sum=score_sum, score_squares=score_squares)
    if n == 0:
        return _empty()
    mean = score_sum / n
    if n == 1:
        return Estimate(mean, 1, None, None, None, None, False)
    spread = n * score_squares - score_sum**2
    if spread < 0:
        raise ValueError("Σx² is too small for Σx: these are not the sums of one set of scores")
    se = math.sqrt(spread / (n * (n - 1)) / n)
    margin = t_critical(n - 1) * se
    return Estimate(
        mean,
        n,
        se,
        margin,
        _clip(mean - margin, *scale),
        _clip(mean + margin, *scale),
        n >= min_n,
    )
