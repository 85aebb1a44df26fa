"""What a theme does to the headline, and which themes are rising.

Both work from counts: the promoters, passives and detractors among those who mention a theme
(and among everyone in the base), the mentions and comments per period.
"""

import math
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from surveys.reports.stats.change import two_sided_p
from surveys.reports.stats.estimates import Z95, Estimate, check_counts, nps

# Theme figures are flagged ``enough=False`` under this many comments in the base (the issue:
# "usable from about 50 comments"), or under MIN_THEME_MENTIONS mentions of the theme.
MIN_THEME_COMMENTS = 50
MIN_THEME_MENTIONS = 5


@dataclass(frozen=True)
class ThemeImpact:
    """One theme's effect on the headline NPS, in points, with its 95 % interval.

    ``impact`` = NPS of all − NPS of those who do not mention the theme: negative when the
    theme pulls the headline down (without it the headline would be ``−impact`` points higher).
    ``share`` is mentions ÷ the base (0..1). ``significant``: there are ``enough`` comments and
    mentions to test, and the interval excludes 0.
    """

    theme: Hashable
    mentions: int
    share: float
    with_theme: Estimate
    without_theme: Estimate
    impact: float | None
    se: float | None
    low: float | None
    high: float | None
    significant: bool
    enough: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ShareChange:
    """A share now (``count``/``total``) against before, as percentages, with a two-proportion z.

    ``rising`` is significant and up. All of ``difference``..``p_value`` are None when either
    period has no comments.
    """

    theme: Hashable
    count: int
    total: int
    share: float | None
    previous_count: int
    previous_total: int
    previous_share: float | None
    difference: float | None
    z: float | None
    p_value: float | None
    significant: bool
    rising: bool
    enough: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def theme_impact(
    headline: tuple[int, int, int],
    themes: Mapping[Hashable, tuple[int, int, int]],
    comments: int,
    *,
    min_comments: int = MIN_THEME_COMMENTS,
    min_mentions: int = MIN_THEME_MENTIONS,
) -> tuple[ThemeImpact, ...]:
    """Each theme's impact on the headline, the themes that cost the most points first.

    ``headline`` is (promoters, passives, detractors) of everyone in the base (all respondents,
    or only those who commented: the caller chooses), ``themes[t]`` the same among those who
    mention t, ``comments`` the comments in the base.

    The variance, honestly: "all" and "without" overlap (every "without" answer is in "all"),
    so their SEs must not be added. Writing s = mentions / n, the headline is the mix
    s·NPS_with + (1 − s)·NPS_without, hence impact = s·(NPS_with − NPS_without) exactly: a
    share times the difference of two disjoint, independent groups. Taking s as fixed (the
    counts are observed), SE(impact) = s·sqrt(SE_with² + SE_without²), each the adjusted-Wald
    SE of ``nps``. Sorted by impact (most negative first), then by more mentions.

    :raises ValueError: a theme's counts exceed the headline's.
    """
    total = sum(headline)
    results = []
    for theme, counts in themes.items():
        if any(c > h for c, h in zip(counts, headline, strict=True)):
            raise ValueError(f"Theme {theme!r} has more answers in a category than the headline")
        rest = tuple(h - c for c, h in zip(counts, headline, strict=True))
        with_theme, without_theme = nps(*counts), nps(*rest)
        mentions = with_theme.n
        share = mentions / total if total else 0.0
        enough = comments >= min_comments and mentions >= min_mentions and without_theme.n > 0
        if mentions == 0 or without_theme.n == 0:
            # No mentions: the headline does not move. Everyone mentions it: there is no
            # "without" to move to.
            impact = 0.0 if mentions == 0 else None
            results.append(
                ThemeImpact(
                    theme,
                    mentions,
                    share,
                    with_theme,
                    without_theme,
                    impact,
                    None,
                    None,
                    None,
                    False,
                    False,
                )  # fmt: skip
            )
            continue
        overall = 100 * (headline[0] - headline[2]) / total
        impact = overall - without_theme.value
        se = share * math.hypot(with_theme.se, without_theme.se)
        low, high = impact - Z95 * se, impact + Z95 * se
        results.append(
            ThemeImpact(
                theme,
                mentions,
                share,
                with_theme,
                without_theme,
                impact,
                se,
                low,
                high,
                # Too few mentions or comments make the normal interval a guess: not tested.
                enough and (low > 0 or high < 0),
                enough,
            )  # fmt: skip
        )
    results.sort(key=lambda r: (r.impact if r.impact is not None else math.inf, -r.mentions))
    return tuple(results)


def compare_shares(
    count: int,
    total: int,
    previous_count: int,
    previous_total: int,
    *,
    theme: Hashable = None,
    min_n: int = MIN_THEME_COMMENTS,
) -> ShareChange:
    """A share now against before with the pooled two-proportion z test (H₀: equal shares).

    Pooled, because under H₀ both periods share one proportion. Also fits "what detractors
    talk about against promoters": pass the detractors' mentions and comments as one side.
    """
    check_counts(
        count=count, total=total, previous_count=previous_count, previous_total=previous_total
    )
    if count > total or previous_count > previous_total:
        raise ValueError("A count cannot exceed its total")
    share = 100 * count / total if total else None
    previous_share = 100 * previous_count / previous_total if previous_total else None
    enough = total >= min_n and previous_total >= min_n
    if share is None or previous_share is None:
        return ShareChange(
            theme, count, total, share, previous_count, previous_total, previous_share,
            None, None, None, False, False, enough,
        )  # fmt: skip
    difference = share - previous_share
    pooled = (count + previous_count) / (total + previous_total)
    se = math.sqrt(pooled * (1 - pooled) * (1 / total + 1 / previous_total))
    # A pooled share of 0 or 1 means both shares are equal: no change, z = 0.
    z = difference / 100 / se if se else 0.0
    p = two_sided_p(z)
    significant = abs(z) > Z95
    return ShareChange(
        theme, count, total, share, previous_count, previous_total, previous_share,
        difference, z, p, significant, significant and difference > 0, enough,
    )  # fmt: skip


def rising_themes(
    mentions: Mapping[Hashable, int],
    comments: int,
    previous_mentions: Mapping[Hashable, int],
    previous_comments: int,
    *,
    min_n: int = MIN_THEME_COMMENTS,
) -> tuple[ShareChange, ...]:
    """Every theme seen in either period, its share now vs before; the most rising (z) first."""
    names = list(dict.fromkeys([*mentions, *previous_mentions]))
    changes = [
        compare_shares(
            mentions.get(t, 0),
            comments,
            previous_mentions.get(t, 0),
            previous_comments,
            theme=t,
            min_n=min_n,
        )  # fmt: skip
        for t in names
    ]
    changes.sort(key=lambda c: (-(c.z if c.z is not None else -math.inf), str(c.theme)))
    return tuple(changes)
