"""A leaderboard of NPS by agent that one lucky week does not top: empirical-Bayes shrinkage.

Each agent's NPS is pulled toward the team's by how little we know about it. The model is
normal–normal: an agent's true NPS θᵢ ~ N(μ, τ²) around the team's μ, and their observed NPS
xᵢ ~ N(θᵢ, σ²/nᵢ), where σ² is the team's per-answer variance p + d − (p − d)². Using the
team's σ² for everyone (not each agent's own) is deliberate: an agent with 3 promoters has an
observed variance of 0, which would make their 3 answers count as infinitely precise.

τ² is DerSimonian and Laird's method-of-moments estimate (1986) with weights wᵢ = nᵢ/σ²; it
is 0 (everyone shrunk to the team) when agents differ no more than chance explains. The
shrunken NPS is μ + (1 − Bᵢ)(xᵢ − μ) with Bᵢ = (σ²/nᵢ) / (σ²/nᵢ + τ²): the agent's own
figure and the team's, weighted by their precisions. Its interval uses the posterior variance
(1 − Bᵢ)σ²/nᵢ plus Bᵢ²σ²/N for the uncertainty in μ (Morris 1983, "Parametric empirical Bayes
inference"); it still ignores the uncertainty in τ², so it is a little narrow at few agents.
"""

import math
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from surveys.reports.stats.estimates import Z95, Estimate, nps

# Agents with fewer answers than this are listed apart, not ranked (shrinkage already keeps a
# small sample from the top; this keeps the board from ranking on almost nothing but μ).
MIN_AGENT_ANSWERS = 10


@dataclass(frozen=True)
class AgentScore:
    """One agent: their own NPS (``nps``, with its interval) and the shrunken one.

    ``own_weight`` is 1 − Bᵢ, the share of the shrunken figure that is the agent's own data.
    ``rank`` is 1 for the best ranked agent, None for agents listed apart.
    """

    agent: Hashable
    nps: Estimate
    shrunk: float | None
    shrunk_low: float | None
    shrunk_high: float | None
    own_weight: float | None
    rank: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Leaderboard:
    """The team's NPS, the spread between agents (τ, in points) and the agents, ranked or apart."""

    team: Estimate
    between_agents_sd: float | None
    ranked: tuple[AgentScore, ...]
    too_few: tuple[AgentScore, ...]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def leaderboard(
    counts: Mapping[Hashable, tuple[int, int, int]], *, min_n: int = MIN_AGENT_ANSWERS
) -> Leaderboard:
    """Rank agents by shrunken NPS from ``{agent: (promoters, passives, detractors)}``.

    Every agent informs μ and τ²; those under ``min_n`` answers go to ``too_few`` (most
    answers first), the rest to ``ranked`` (best shrunken NPS first; ties by more answers).
    """
    own = {agent: nps(*triple) for agent, triple in counts.items()}
    promoters = sum(p for p, _, _ in counts.values())
    passives = sum(a for _, a, _ in counts.values())
    detractors = sum(d for _, _, d in counts.values())
    team = nps(promoters, passives, detractors)
    total = team.n
    if total == 0:
        scores = [AgentScore(agent, e, None, None, None, None, None) for agent, e in own.items()]
        return Leaderboard(team, None, (), tuple(scores))

    mu = (promoters - detractors) / total
    sigma2 = (promoters + detractors) / total - mu**2
    answered = {agent: e for agent, e in own.items() if e.n}
    tau2 = _between_variance(answered, mu, sigma2)

    scores = []
    for agent, estimate in own.items():
        if not estimate.n:
            scores.append(AgentScore(agent, estimate, None, None, None, None, None))
            continue
        x = estimate.value / 100
        v = sigma2 / estimate.n
        b = v / (v + tau2) if v + tau2 > 0 else 0.0
        shrunk = mu + (1 - b) * (x - mu)
        sd = math.sqrt((1 - b) * v + b**2 * sigma2 / total)
        low, high = max(shrunk - Z95 * sd, -1.0), min(shrunk + Z95 * sd, 1.0)
        scores.append(AgentScore(agent, estimate, 100 * shrunk, 100 * low, 100 * high, 1 - b, None))

    ranked = sorted(
        (s for s in scores if s.nps.n >= min_n), key=lambda s: (-s.shrunk, -s.nps.n, str(s.agent))
    )
    apart = sorted((s for s in scores if s.nps.n < min_n), key=lambda s: (-s.nps.n, str(s.agent)))
    ranked = [
        AgentScore(s.agent, s.nps, s.shrunk, s.shrunk_low, s.shrunk_high, s.own_weight, i)
        for i, s in enumerate(ranked, start=1)
    ]
    return Leaderboard(team, 100 * math.sqrt(tau2), tuple(ranked), tuple(apart))


def _between_variance(answered: Mapping[Hashable, Estimate], mu: float, sigma2: float) -> float:
    """DerSimonian–Laird τ² (fraction²): max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)), wᵢ = nᵢ/σ².

    With wᵢ ∝ nᵢ the weighted mean of the agents' NPS is the team's μ itself.
    """
    if len(answered) < 2 or sigma2 <= 0:
        return 0.0
    weights = [e.n / sigma2 for e in answered.values()]
    q = sum(w * (e.value / 100 - mu) ** 2 for w, e in zip(weights, answered.values(), strict=True))
    total_weight = sum(weights)
    c = total_weight - sum(w * w for w in weights) / total_weight
    return max(0.0, (q - (len(answered) - 1)) / c) if c > 0 else 0.0
