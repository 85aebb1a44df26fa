"""Counts per category (a rollup row, a query) into a survey kind's headline figure, and rounding.

The statistics live in ``surveys.reports.stats``; this module knows the survey kinds: which
category counts feed which figure, and the scale a CES interval is clipped to.
"""

from collections.abc import Mapping
from typing import Any

from surveys.catalog import scoring
from surveys.reports import stats


def headline(
    kind: str,
    counts: Mapping[str, int],
    score_sum: int = 0,
    score_squares: int = 0,
    *,
    min_n: int = stats.MIN_ANSWERS,
) -> stats.Estimate:
    """The NPS, CSAT % or CES mean of answers counted per category, with its 95 % interval.

    ``counts`` maps a kind's categories (``promoter``/``passive``/``detractor``, ``satisfied``/
    ``neutral``/``dissatisfied``, ``low_effort``/``neutral``/``high_effort``) to answers; a
    missing category counts 0. CES also needs Σ score and Σ score².
    """
    scale = scoring.SCALES[kind]
    unknown = set(counts) - set(scale.categories)
    if unknown:
        raise ValueError(f"Not categories of {kind}: {', '.join(sorted(unknown))}")
    if kind == "nps":
        return stats.nps(
            counts.get("promoter", 0),
            counts.get("passive", 0),
            counts.get("detractor", 0),
            min_n=min_n,
        )
    total = sum(counts.values())
    if kind == "csat":
        return stats.csat(counts.get("satisfied", 0), total, min_n=min_n)
    return stats.ces(total, score_sum, score_squares, min_n=min_n, scale=(scale.low, scale.high))


def rounded(value: Any, digits: int = 1) -> Any:
    """``value`` (an ``as_dict()``, a list, a number) with every float rounded, for presenting.

    Compute on unrounded figures; round once, here, where a page or the API shows them.
    """
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, Mapping):
        return {key: rounded(item, digits) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item, digits) for item in value]
    return value
