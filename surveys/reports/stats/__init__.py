"""How sure a figure is: margins, changes, shrunken leaderboards and theme impact, from counts.

Pure arithmetic (no database, no Flask, no SciPy) so rollups, pages, the API and the digest feed
it the same counts and get the same numbers. Every result is a small frozen dataclass with
``as_dict()``; values are unrounded (round only when presenting). Everything is at 95 %.

- ``estimates``: ``nps``, ``csat``, ``ces`` — a figure with n, standard error and interval.
- ``change``: ``change`` — this period against the previous one, with z, p and ``significant``.
- ``agents``: ``leaderboard`` — per-agent NPS shrunk toward the team's (empirical Bayes).
- ``themes``: ``theme_impact`` — a theme's effect on the headline; ``rising_themes`` and
  ``compare_shares`` — shares now against before (or detractors' against promoters').
"""

from surveys.reports.stats.agents import MIN_AGENT_ANSWERS, AgentScore, Leaderboard, leaderboard
from surveys.reports.stats.change import Change, change
from surveys.reports.stats.estimates import (
    MIN_ANSWERS,
    Z95,
    Estimate,
    ces,
    csat,
    nps,
    nps_standard_error,
    t_critical,
)
from surveys.reports.stats.themes import (
    MIN_THEME_COMMENTS,
    MIN_THEME_MENTIONS,
    ShareChange,
    ThemeImpact,
    compare_shares,
    rising_themes,
    theme_impact,
)

__all__ = [
    "MIN_AGENT_ANSWERS",
    "MIN_ANSWERS",
    "MIN_THEME_COMMENTS",
    "MIN_THEME_MENTIONS",
    "Z95",
    "AgentScore",
    "Change",
    "Estimate",
    "Leaderboard",
    "ShareChange",
    "ThemeImpact",
    "ces",
    "change",
    "compare_shares",
    "csat",
    "leaderboard",
    "nps",
    "nps_standard_error",
    "rising_themes",
    "t_critical",
    "theme_impact",
]
