import pytest

from surveys.catalog import scoring
from surveys.kernel.errors import InvalidScoreError


@pytest.mark.parametrize(
    ("kind", "score", "category"),
    [
        ("nps", 0, "detractor"),
        ("nps", 6, "detractor"),
        ("nps", 7, "passive"),
        ("nps", 8, "passive"),
        ("nps", 9, "promoter"),
        ("nps", 10, "promoter"),
        ("csat", 1, "dissatisfied"),
        ("csat", 2, "dissatisfied"),
        ("csat", 3, "neutral"),
        ("csat", 4, "satisfied"),
        ("csat", 5, "satisfied"),
        ("ces", 1, "high_effort"),
        ("ces", 3, "high_effort"),
        ("ces", 4, "neutral"),
        ("ces", 5, "low_effort"),
        ("ces", 7, "low_effort"),
    ],
)
def test_score_falls_in_the_designed_category(kind, score, category):
    assert scoring.categorize(kind, score) == category


@pytest.mark.parametrize(
    ("kind", "score"),
    [("nps", -1), ("nps", 11), ("csat", 0), ("csat", 6), ("ces", 8), ("nps", "9")],
)
def test_score_off_the_scale_is_rejected(kind, score):
    with pytest.raises(InvalidScoreError):
        scoring.validate_score(kind, score)


def test_boolean_is_not_a_score():
    with pytest.raises(InvalidScoreError):
        scoring.validate_score("nps", True)


def test_nps_is_promoters_minus_detractors_over_all_answers():
    # 5 promoters, 3 passives, 2 detractors: 100 * (5 - 2) / 10
    assert scoring.nps(promoters=5, detractors=2, responses=10) == 30.0
    assert scoring.nps(promoters=0, detractors=4, responses=4) == -100.0
    assert scoring.nps(0, 0, 0) is None


def test_csat_is_share_of_satisfied():
    assert scoring.csat(satisfied=3, responses=4) == 75.0


def test_ces_is_the_mean_score():
    assert scoring.ces(score_sum=5 + 6 + 2, responses=3) == 4.33
