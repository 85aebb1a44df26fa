"""Scales, categories and the exact metrics of NPS, CSAT and CES (see DESIGN.md, Metrics)."""

import re
from dataclasses import dataclass

from surveys.kernel.errors import InvalidScoreError
from surveys.kernel.languages import N_


@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    # (category, lowest score in it), best category first.
    bands: tuple[tuple[str, int], ...]
    # What the lowest and the highest score mean, in English; pages and emails translate them.
    ends: tuple[str, str]

    @property
    def scores(self) -> range:
        return range(self.low, self.high + 1)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.bands)


SCALES: dict[str, Scale] = {
    "nps": Scale(
        0,
        10,
        (("promoter", 9), ("passive", 7), ("detractor", 0)),
        (N_("Not at all likely"), N_("Extremely likely")),
    ),
    "csat": Scale(
        1,
        5,
        (("satisfied", 4), ("neutral", 3), ("dissatisfied", 1)),
        (N_("Very dissatisfied"), N_("Very satisfied")),
    ),
    "ces": Scale(
        1,
        7,
        (("low_effort", 5), ("neutral", 4), ("high_effort", 1)),
        (N_("Very difficult"), N_("Very easy")),
    ),
}

# A score as people and links write it: ASCII digits only. int() would also take "５", "٥",
# " 5", "+5" and "5_0"; no scale has a score of more than two digits.
_SCORE_TEXT = re.compile(r"[0-9]{1,2}", re.ASCII)

# The category of each kind that means "this customer is unhappy" and "this one is delighted".
NEGATIVE_CATEGORY = {"nps": "detractor", "csat": "dissatisfied", "ces": "high_effort"}
POSITIVE_CATEGORY = {"nps": "promoter", "csat": "satisfied", "ces": "low_effort"}


def parse_score(text: str | None) -> int | None:
    """The score written in ``text`` (one or two ASCII digits 0-9), or None for anything else.

    Whether it is on a survey's scale is ``validate_score``'s to say.
    """
    if text is None or not _SCORE_TEXT.fullmatch(text):
        return None
    return int(text)


def validate_score(kind: str, score: int) -> int:
    """Return ``score`` if it is on the kind's scale.

    :raises InvalidScoreError: a non-integer or out-of-range score.
    """
    scale = SCALES[kind]
    if isinstance(score, bool) or not isinstance(score, int) or score not in scale.scores:
        raise InvalidScoreError(
            f"Score must be a whole number from {scale.low} to {scale.high}.",
            fields={"score": f"{scale.low}..{scale.high}"},
        )
    return score


def categorize(kind: str, score: int) -> str:
    """The category of a valid score: promoter/passive/detractor, satisfied/..., low_effort/..."""
    for name, lowest in SCALES[kind].bands:
        if score >= lowest:
            return name
    raise InvalidScoreError(f"{score} is below the {kind} scale")


def nps(promoters: int, detractors: int, responses: int) -> float | None:
    """NPS = 100 × (promoters − detractors) / responses, from −100 to 100; None with no answers."""
    return round(100 * (promoters - detractors) / responses, 1) if responses else None


def csat(satisfied: int, responses: int) -> float | None:
    """CSAT % = 100 × satisfied / responses."""
    return round(100 * satisfied / responses, 1) if responses else None


def ces(score_sum: int, responses: int) -> float | None:
    """CES = mean score on the 1–7 scale (7 = very easy)."""
    return round(score_sum / responses, 2) if responses else None
