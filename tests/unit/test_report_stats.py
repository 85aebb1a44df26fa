"""The figures' margins and tests of change, against examples worked by hand."""

import json
import math
import random

import pytest

from surveys.reports import figures, stats
from surveys.reports.stats import (
    ces,
    change,
    compare_shares,
    csat,
    leaderboard,
    nps,
    nps_standard_error,
    rising_themes,
    t_critical,
    theme_impact,
)

approx = pytest.approx


# --- NPS ------------------------------------------------------------------------------------


def test_nps_standard_error_of_100_answers_with_50_promoters_and_20_detractors():
    # p = 0.5, d = 0.2: NPS = 100 × (0.5 − 0.2) = 30.
    # p + d − (p − d)² = 0.7 − 0.09 = 0.61; SE = sqrt(0.61 / 100) = 0.078102 → 7.81 points;
    # plain Wald margin 1.96 × 7.81 = 15.31 points.
    assert nps_standard_error(50, 20, 100) == approx(0.078102, abs=1e-6)
    assert 100 * stats.Z95 * nps_standard_error(50, 20, 100) == approx(15.308, abs=1e-3)


def test_nps_of_100_answers_carries_the_adjusted_wald_interval():
    # Adjusted: n' = 103, p' = 50.75 / 103 = 0.492718, d' = 20.75 / 103 = 0.201456.
    # p' − d' = 30 / 103 = 0.291262 (the centre, 29.13 points); p' + d' = 71.5 / 103 = 0.694175.
    # var = 0.694175 − 0.291262² = 0.694175 − 0.084834 = 0.609341; SE = sqrt(0.609341 / 103)
    # = 0.076915 → 7.69 points; margin 1.96 × 7.69 = 15.08; interval 29.13 ± 15.08.
    figure = nps(50, 30, 20)
    assert figure.value == 30
    assert figure.n == 100
    assert figure.se == approx(7.6915, abs=1e-4)
    assert figure.margin == approx(15.075, abs=1e-3)
    assert (figure.low, figure.high) == (approx(14.051, abs=1e-3), approx(44.201, abs=1e-3))
    assert figure.enough


def test_nps_adjusted_wald_at_small_n_gives_three_promoters_an_interval_not_a_point():
    # Plain Wald: p = 1, d = 0, variance 1 − 1 = 0: "100 ± 0", which no one should believe.
    assert nps_standard_error(3, 0, 3) == 0
    # Adjusted: n' = 6, p' = 3.75 / 6 = 0.625, d' = 0.75 / 6 = 0.125, centre p' − d' = 0.5.
    # var = 0.75 − 0.25 = 0.5; SE = sqrt(0.5 / 6) = 0.288675 → 28.87 points; margin 56.58;
    # interval 50 ± 56.58 = [−6.58, 106.58], clipped to [−6.58, 100].
    figure = nps(3, 0, 0)
    assert figure.value == 100
    assert figure.se == approx(28.8675, abs=1e-4)
    assert figure.margin == approx(56.58, abs=1e-2)
    assert figure.low == approx(-6.58, abs=1e-2)
    assert figure.high == 100
    assert not figure.enough


def test_nps_with_no_answers_has_no_value_and_is_not_enough():
    assert nps(0, 0, 0) == stats.Estimate(None, 0, None, None, None, None, False)


def test_nps_of_one_answer_keeps_the_answer_inside_its_interval():
    # One detractor: n' = 4, p' = 0.75/4, d' = 1.75/4, centre −25,
    # var = 0.625 − 0.0625 = 0.5625, SE = sqrt(0.5625/4) = 0.375 → 37.5; 1.96 × 37.5 = 73.5:
    # −25 ± 73.5 = [−98.5, 48.5] would leave out the −100 observed, so it is widened to −100.
    figure = nps(0, 0, 1)
    assert figure.se == approx(37.5)
    assert (figure.low, figure.high) == (-100, approx(48.50, abs=0.01))


def test_nps_all_detractors_is_clipped_at_minus_100():
    figure = nps(0, 0, 200)
    assert figure.value == -100
    assert figure.low == -100
    assert -100 < figure.high < -95


def test_too_few_answers_is_a_named_threshold_that_can_be_moved():
    assert not nps(15, 10, 4).enough  # 29 < MIN_ANSWERS = 30
    assert nps(15, 10, 5).enough
    assert nps(5, 3, 2, min_n=10).enough


def test_negative_or_fractional_counts_are_refused():
    with pytest.raises(ValueError):
        nps(-1, 0, 0)
    with pytest.raises(ValueError):
        csat(5, 4)
    with pytest.raises(ValueError):
        ces(2, 5, 1)  # Σx² < (Σx)²/n: not one set of scores
    with pytest.raises(ValueError):
        compare_shares(-1, 10, 0, 10)
    with pytest.raises(ValueError):
        compare_shares(3, 10, 11, 10)


# --- CSAT -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("satisfied", "total", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
        # Statistics in Medicine 17, Table II, method 3 (Wilson score without correction).
        (81, 263, 25.53, 36.62),
        (15, 148, 6.24, 16.05),
        (0, 20, 0.0, 16.11),
        (1, 29, 0.61, 17.18),
    ],
)
def test_csat_wilson_interval_matches_newcombe(satisfied, total, low, high):
    figure = csat(satisfied, total)
    assert figure.value == approx(100 * satisfied / total)
    assert (figure.low, figure.high) == (approx(low, abs=0.01), approx(high, abs=0.01))


def test_csat_wilson_by_hand_at_80_of_100():
    # p = 0.8, z² = 3.8415; denominator 1 + 3.8415/100 = 1.038415.
    # centre = (0.8 + 0.019207) / 1.038415 = 0.788906.
    # half = 1.96 × sqrt(0.0016 + 0.000096) / 1.038415 = 1.96 × 0.041183 / 1.038415 = 0.077733.
    # interval 0.7112 .. 0.8666.
    # Agresti–Caffo SE: p̃ = 81/102 = 0.794118, sqrt(p̃(1 − p̃)/102) = sqrt(0.163495/102) = 0.040036.
    figure = csat(80, 100)
    assert (figure.low, figure.high) == (approx(71.12, abs=0.01), approx(86.66, abs=0.01))
    assert figure.margin == approx(7.773, abs=1e-3)
    assert figure.se == approx(4.0036, abs=1e-4)


def test_csat_of_everyone_satisfied_still_has_an_interval():
    figure = csat(40, 40)
    assert figure.value == 100 and figure.high == approx(100)
    assert figure.low == approx(91.24, abs=0.01)  # Wilson: 40 / (40 + 3.8415) = 0.9124
    assert figure.se > 0


# --- CES ------------------------------------------------------------------------------------


def test_ces_mean_interval_uses_t_at_small_n():
    # Scores 3, 4, 5, 6, 7 (twice each): n = 10, Σx = 50, Σx² = 2 × (9+16+25+36+49) = 270.
    # mean 5; s² = (10 × 270 − 50²) / (10 × 9) = 200 / 90 = 2.2222; SE = sqrt(2.2222/10) = 0.4714.
    # t(9) = 2.2622; margin = 2.2622 × 0.4714 = 1.0664; interval 3.934 .. 6.066.
    figure = ces(10, 50, 270)
    assert figure.value == 5
    assert figure.se == approx(0.4714, abs=1e-4)
    assert figure.margin == approx(1.0664, abs=1e-4)
    assert (figure.low, figure.high) == (approx(3.9336, abs=1e-4), approx(6.0664, abs=1e-4))


def test_ces_interval_is_clipped_to_the_scale_and_one_answer_has_none():
    # Scores 7, 7, 6: mean 6.667, s² = (3 × 134 − 400) / 6 = 1/3, SE = 0.3333, t(2) = 4.3027:
    # 6.667 ± 1.434 → high clipped to 7.
    figure = ces(3, 20, 134)
    assert figure.high == 7 and figure.low == approx(6.6667 - 1.4342, abs=1e-3)
    assert ces(1, 4, 16) == stats.Estimate(4.0, 1, None, None, None, None, False)
    assert ces(0, 0, 0).value is None


def test_t_critical_values_come_from_the_table_and_interpolate_towards_z():
    assert t_critical(1) == 12.7062
    assert t_critical(9) == 2.2622
    assert t_critical(45) == approx(2.0141, abs=2e-4)  # between 40 and 50, 1/df-linear
    assert t_critical(10**6) == approx(1.96, abs=1e-3)
    with pytest.raises(ValueError):
        t_critical(0)


# --- Change against the previous period -----------------------------------------------------


def test_nps_change_of_12_5_points_on_400_answers_is_significant():
    # Now 200/120/80 → NPS 30, adjusted SE: p' = 200.75/403 = 0.498139, d' = 80.75/403
    # = 0.200372, var = 0.698511 − 0.297767² = 0.609846, SE = sqrt(0.609846/403) = 3.890.
    # Before 180/110/110 → NPS 17.5, SE 4.147 (same arithmetic).
    # z = 12.5 / sqrt(3.890² + 4.147²) = 12.5 / 5.686 = 2.198 > 1.96; p = 0.028.
    result = change(nps(200, 120, 80), nps(180, 110, 110))
    assert result.difference == approx(12.5)
    assert result.se == approx(5.686, abs=1e-3)
    assert result.z == approx(2.198, abs=1e-3)
    assert result.p_value == approx(0.0279, abs=1e-4)
    assert result.significant and result.enough
    assert result.low > 0


def test_nps_change_of_10_points_on_400_answers_is_not_significant():
    # Before 180/120/100 → NPS 20, SE 4.044; z = 10 / sqrt(3.890² + 4.044²) = 10 / 5.611 = 1.782.
    result = change(nps(200, 120, 80), nps(180, 120, 100))
    assert result.z == approx(1.782, abs=1e-3)
    assert result.p_value == approx(0.0747, abs=1e-4)
    assert not result.significant
    assert result.low < 0 < result.high


def test_csat_and_ces_changes_use_their_own_standard_errors():
    # CSAT 90/100 vs 80/100: Agresti–Caffo SEs sqrt(91·11/102³) = 0.03071 and 0.04004;
    # z = 10 / sqrt(3.071² + 4.004²) = 10 / sqrt(25.462) = 10 / 5.046 = 1.982: just significant.
    result = change(csat(90, 100), csat(80, 100))
    assert result.z == approx(1.982, abs=1e-3) and result.significant
    # CES: mean 5 (SE 0.4714) vs the same sums → no change.
    same = change(ces(10, 50, 270), ces(10, 50, 270))
    assert same.difference == 0 and same.z == 0 and same.p_value == approx(1)
    assert not same.enough  # 10 answers a period is under MIN_ANSWERS


def test_change_with_an_empty_period_says_nothing():
    result = change(nps(50, 30, 20), nps(0, 0, 0))
    assert result.difference is None and not result.significant and not result.enough


def test_change_between_two_all_promoter_periods_is_defined_and_not_significant():
    result = change(nps(40, 0, 0), nps(30, 0, 0))
    assert result.difference == 0 and result.z == 0 and not result.significant


# --- Agents ---------------------------------------------------------------------------------

TEAM = {
    "lucky": (3, 0, 0),  # 3 answers, all promoters: NPS 100
    "steady": (56, 16, 8),  # 80 answers: (56 − 8)/80 = NPS 60
    "carol": (40, 30, 30),  # 100 answers: NPS 10
    "dan": (30, 15, 15),  # 60 answers: NPS 25
}


def test_three_lucky_promoters_rank_below_eighty_answers_at_nps_60():
    # Team: N = 243, P = 129, D = 53: μ = 76/243 = 0.312757.
    # σ² = (129 + 53)/243 − μ² = 0.748971 − 0.097817 = 0.651154.
    # Q = Σ nᵢ(xᵢ − μ)²/σ² = (3·0.4722 + 80·0.0825 + 100·0.0453 + 60·0.0039)/0.6512 = 19.627;
    # w = n/σ²: Σw = 373.18, Σw²/Σw = 20009/σ⁴/373.18 = 126.45, c = 246.73;
    # τ² = (19.627 − 3)/246.73 = 0.06739 (τ = 25.96 points).
    # lucky: v = σ²/3 = 0.2171, B = 0.2171/(0.2171 + 0.0674) = 0.763,
    # shrunk = 0.3128 + 0.237 × (1 − 0.3128) = 0.476 → 47.6. steady: v = 0.00814,
    # B = 0.108, shrunk = 0.3128 + 0.892 × (0.6 − 0.3128) = 0.569 → 56.9.
    board = leaderboard(TEAM, min_n=1)
    assert [s.agent for s in board.ranked] == ["steady", "lucky", "dan", "carol"]
    by_agent = {s.agent: s for s in board.ranked}
    assert board.team.value == approx(100 * 76 / 243)
    assert board.between_agents_sd == approx(25.96, abs=0.01)
    assert by_agent["lucky"].shrunk == approx(47.56, abs=0.01)
    assert by_agent["steady"].shrunk == approx(56.90, abs=0.01)
    assert by_agent["lucky"].own_weight == approx(0.237, abs=1e-3)
    assert by_agent["steady"].rank == 1 and by_agent["lucky"].rank == 2
    # Their own figures are kept, with their adjusted-Wald intervals.
    assert by_agent["lucky"].nps.value == 100 and by_agent["lucky"].nps.low < 0


def test_agents_under_the_minimum_are_listed_apart():
    board = leaderboard(TEAM)  # MIN_AGENT_ANSWERS = 10
    assert [s.agent for s in board.ranked] == ["steady", "dan", "carol"]
    assert [(s.agent, s.rank) for s in board.too_few] == [("lucky", None)]
    assert board.too_few[0].shrunk == approx(47.56, abs=0.01)  # still informed by the team


def test_agents_who_differ_by_chance_alone_are_all_shrunk_to_the_team():
    # Two agents at NPS 30 and 32 on 100 answers each: Q ≈ 0.03 < k − 1 = 1, so τ² = 0.
    board = leaderboard({"a": (50, 30, 20), "b": (51, 30, 19)})
    assert board.between_agents_sd == 0
    assert [s.shrunk for s in board.ranked] == [approx(31.0), approx(31.0)]


def test_an_empty_leaderboard_and_an_agent_with_no_answers():
    assert leaderboard({}).team.value is None
    board = leaderboard({"a": (0, 0, 0), "b": (20, 0, 0)})
    assert board.too_few[0].agent == "a" and board.too_few[0].shrunk is None
    assert board.ranked[0].shrunk == approx(100.0)  # everyone a promoter: σ² = 0, nothing to pull


# --- Themes ---------------------------------------------------------------------------------


def test_theme_impact_sign_and_interval_on_a_constructed_case():
    # 100 answers: 30 promoters, 40 passives, 30 detractors → headline NPS 0.
    # "bugs": 30 mentions, 2/8/20 → NPS −60; without it: 28/32/10 of 70 → NPS 25.714.
    # impact = 0 − 25.714 = −25.714 points (= s·(−60 − 25.714) with s = 0.3).
    # Adjusted SEs: with, n' = 33, p' = 2.75/33, d' = 20.75/33: var = 0.712121 − 0.287236
    # = 0.424885, SE = sqrt(0.424885/33) = 11.209 points; without, 8.111 points.
    # SE(impact) = 0.3 × sqrt(11.209² + 8.111²) = 0.3 × 13.836 = 4.151; interval −25.71 ± 8.14.
    # "speed": 20 mentions, 10/5/5 → NPS 25; without: 20/35/25 of 80 → −6.25; impact +6.25,
    # SE = 0.2 × sqrt(17.069² + 8.189²) = 3.786: interval −1.17 .. 13.67 spans 0.
    impacts = theme_impact((30, 40, 30), {"speed": (10, 5, 5), "bugs": (2, 8, 20)}, comments=100)
    assert [t.theme for t in impacts] == ["bugs", "speed"]  # the costliest first
    bugs, speed = impacts
    assert bugs.impact == approx(-25.714, abs=1e-3)
    assert bugs.with_theme.value == -60 and bugs.without_theme.value == approx(25.714, abs=1e-3)
    assert bugs.se == approx(4.151, abs=1e-3)
    assert (bugs.low, bugs.high) == (approx(-33.85, abs=0.01), approx(-17.58, abs=0.01))
    assert bugs.significant and bugs.enough and bugs.share == 0.3
    assert speed.impact == approx(6.25) and speed.se == approx(3.786, abs=1e-3)
    assert not speed.significant


def test_theme_impact_is_flagged_under_fifty_comments_and_handles_the_edges():
    # The same answers: 49 comments are too few to test the interval, 50 are enough.
    few = theme_impact((30, 40, 30), {"bugs": (2, 8, 20)}, comments=49)
    assert not few[0].enough and not few[0].significant
    enough = theme_impact((30, 40, 30), {"bugs": (2, 8, 20)}, comments=50)
    assert enough[0].enough and enough[0].significant
    edges = theme_impact((10, 0, 0), {"never": (0, 0, 0), "always": (10, 0, 0)}, comments=60)
    by_theme = {t.theme: t for t in edges}
    assert by_theme["never"].impact == 0 and not by_theme["never"].enough
    assert by_theme["always"].impact is None  # no one is without it
    with pytest.raises(ValueError):
        theme_impact((1, 0, 0), {"x": (2, 0, 0)}, comments=60)


def test_rising_theme_by_two_proportion_z():
    # 30/100 now vs 15/100 before: pooled 45/200 = 0.225, SE = sqrt(0.225 × 0.775 × 0.02)
    # = 0.059054; z = 0.15 / 0.059054 = 2.540 > 1.96 → rising. 20/100 vs 15/100: z = 0.930.
    rising = compare_shares(30, 100, 15, 100)
    assert rising.difference == approx(15) and rising.z == approx(2.540, abs=1e-3)
    assert rising.rising and rising.p_value == approx(0.0111, abs=1e-4)
    steady = compare_shares(20, 100, 15, 100)
    assert steady.z == approx(0.930, abs=1e-3) and not steady.rising
    falling = compare_shares(5, 100, 20, 100)
    assert falling.significant and not falling.rising


def test_rising_themes_lists_every_theme_of_either_period_most_rising_first():
    changes = rising_themes({"price": 30, "speed": 20}, 100, {"price": 15, "bugs": 20}, 100)
    # speed 20 % vs 0 %: pooled 0.1, SE = sqrt(0.1 × 0.9 × 0.02) = 0.042426, z = 4.714;
    # price z = 2.540 (above); bugs 0 % vs 20 %: z = −4.714.
    assert [c.theme for c in changes] == ["speed", "price", "bugs"]
    assert [c.rising for c in changes] == [True, True, False]
    assert changes[2].share == 0 and changes[2].significant  # bugs: 20 % → 0 %
    empty = compare_shares(3, 10, 0, 0)
    assert empty.previous_share is None and empty.z is None and not empty.enough


# --- Results as data ------------------------------------------------------------------------


def test_every_result_is_frozen_and_json_friendly():
    results = [
        nps(50, 30, 20),
        change(nps(50, 30, 20), nps(40, 30, 30)),
        leaderboard(TEAM),
        theme_impact((30, 40, 30), {"bugs": (2, 8, 20)}, comments=100)[0],
        compare_shares(30, 100, 15, 100, theme="price"),
    ]
    for result in results:
        json.dumps(result.as_dict(), allow_nan=False)
        with pytest.raises(AttributeError):
            result.n = 1  # frozen
    assert nps(50, 30, 20).as_dict()["value"] == 30  # unrounded, straight through


def test_random_counts_keep_every_interval_inside_its_scale_and_around_its_value():
    rng = random.Random(11)
    for _ in range(2000):
        p, a, d = (rng.choice([0, 1, 2, 5, rng.randrange(500)]) for _ in range(3))
        figure = nps(p, a, d)
        if figure.n:
            assert -100 <= figure.low <= figure.high <= 100
            assert figure.se > 0
            assert figure.low <= figure.value <= figure.high
        total = p + a + d
        share = csat(p, total)
        if total:
            assert 0 <= share.low <= share.value <= share.high <= 100
        scores = [rng.randint(1, 7) for _ in range(rng.randrange(2, 60))]
        mean = ces(len(scores), sum(scores), sum(x * x for x in scores))
        assert 1 <= mean.low <= mean.value <= mean.high <= 7
        other = nps(*(rng.randrange(300) for _ in range(3)))
        result = change(figure, other)
        if result.z is not None:
            assert result.significant == (result.p_value < 0.05)
            assert math.isclose(result.z * result.se, result.difference, abs_tol=1e-9)


# --- Headline figures by survey kind --------------------------------------------------------


def test_headline_takes_a_kinds_category_counts():
    assert figures.headline("nps", {"promoter": 50, "passive": 30, "detractor": 20}) == nps(
        50, 30, 20
    )
    assert figures.headline("csat", {"satisfied": 80, "neutral": 15, "dissatisfied": 5}) == csat(
        80, 100
    )
    ces_figure = figures.headline("ces", {"low_effort": 6, "neutral": 2, "high_effort": 2}, 50, 270)
    assert ces_figure == ces(10, 50, 270)
    assert figures.headline("nps", {}).value is None
    with pytest.raises(ValueError):
        figures.headline("nps", {"satisfied": 3})


def test_rounding_happens_once_at_presentation():
    shown = figures.rounded(nps(50, 30, 20).as_dict())
    assert shown == {
        "value": 30.0, "n": 100, "se": 7.7, "margin": 15.1, "low": 14.1, "high": 44.2,
        "enough": True,
    }  # fmt: skip
    assert figures.rounded([0.123456, None, "x"], 2) == [0.12, None, "x"]
