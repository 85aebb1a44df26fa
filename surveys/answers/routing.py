"""Who acts on an answer: the rules that turn a category and a sentiment into work.

- the negative category of any kind (NPS detractor, CSAT dissatisfied, CES high effort) opens a
  rescue task, high priority when the comment is negative;
- a middle answer (NPS passive, CSAT/CES neutral) whose comment is strongly negative opens one too;
- an NPS promoter whose comment is not negative is invited into the active referral programme.
"""

from dataclasses import dataclass

from surveys.catalog.scoring import NEGATIVE_CATEGORY, POSITIVE_CATEGORY

# A comment at or below this polarity turns a middle answer into a rescue case.
STRONGLY_NEGATIVE = -0.5


@dataclass(frozen=True)
class Route:
    rescue: bool = False
    priority: str = "normal"
    referral: bool = False


def route(kind: str, category: str, polarity: float | None, label: str | None) -> Route:
    """Decide the route of one processed answer; pure, so it is tested without a database."""
    negative_comment = label == "negative"
    if category == NEGATIVE_CATEGORY[kind]:
        return Route(rescue=True, priority="high" if negative_comment else "normal")
    if category == POSITIVE_CATEGORY[kind]:
        return Route(referral=kind == "nps" and not negative_comment)
    if polarity is not None and polarity <= STRONGLY_NEGATIVE:
        return Route(rescue=True, priority="high")
    return Route()
