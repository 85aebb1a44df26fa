"""Who acts on an answer: the rules that turn a category and a sentiment into work.

A comment's *signal* is its complaint when it has one (the polarity of its most negative part,
``Sentiment.complaint``), else its polarity: "The app is great but it crashes all the time" is
a complaint with praise around it, and the complaint is what someone must act on.

- the negative category of any kind (NPS detractor, CSAT dissatisfied, CES high effort) opens a
  rescue task, high priority when the comment is negative or mixed (praise and a complaint);
- a middle answer (NPS passive, CSAT/CES neutral) whose signal is strongly negative (at or below
  ``STRONGLY_NEGATIVE``) opens a high-priority one too, a mixed comment as a negative one;
- an NPS promoter is invited into the active referral programme unless the comment is negative
  or mixed with a real complaint (at or below ``REAL_COMPLAINT``): asking for a referral in reply
  to a complaint reads as not listening; a mild gripe beside praise ("great, a bit pricey") does
  not cost the invitation;
- a comment Kaiku did not analyse (its language, label None) counts as no comment.
"""

from dataclasses import dataclass

from surveys.catalog.scoring import NEGATIVE_CATEGORY, POSITIVE_CATEGORY

# A comment whose signal is at or below this turns a middle answer into a rescue case. On the
# -1..1 scale every language's scorer shares; a scorer that spreads polarity wider (or narrower)
# moves which comments reach it, so it is checked against the labelled sets when one changes.
STRONGLY_NEGATIVE = -0.5
# A complaint at or below this, beside praise, keeps a promoter out of the referral programme.
REAL_COMPLAINT = -0.3


@dataclass(frozen=True)
class Route:
    rescue: bool = False
    priority: str = "normal"
    referral: bool = False


def signal(polarity: float | None, complaint: float | None = None) -> float | None:
    """The polarity routing acts on: the complaint when the comment has one, else the whole."""
    if complaint is not None and (polarity is None or complaint < polarity):
        return complaint
    return polarity


def route(
    kind: str,
    category: str,
    polarity: float | None,
    label: str | None,
    mixed: bool = False,
    complaint: float | None = None,
) -> Route:
    """Decide the route of one processed answer; pure, so it is tested without a database.

    ``mixed`` and ``complaint`` are the comment's (``Sentiment.mixed``, ``.complaint``).
    """
    if label is None:  # no comment, or one not analysed: the score alone decides
        polarity = complaint = None
        mixed = False
    negative_comment = label == "negative"
    if category == NEGATIVE_CATEGORY[kind]:
        return Route(rescue=True, priority="high" if negative_comment or mixed else "normal")
    if category == POSITIVE_CATEGORY[kind]:
        real_complaint = mixed and complaint is not None and complaint <= REAL_COMPLAINT
        return Route(referral=kind == "nps" and not negative_comment and not real_complaint)
    strength = signal(polarity, complaint)
    if strength is not None and strength <= STRONGLY_NEGATIVE:
        return Route(rescue=True, priority="high")
    return Route()
