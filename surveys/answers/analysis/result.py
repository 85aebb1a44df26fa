"""What sentiment analysis says about one comment, the same shape for every language."""

from dataclasses import dataclass

POSITIVE_THRESHOLD = 0.1
NEGATIVE_THRESHOLD = -0.1


@dataclass(frozen=True)
class Sentiment:
    # -1.0 (very negative) .. 1.0 (very positive); None when the comment was not analysed.
    polarity: float | None
    # "positive", "neutral" or "negative"; None when the comment was not analysed.
    label: str | None
    # Praise and a complaint in one comment ("Good app, but the price went up too much").
    mixed: bool = False
    # Polarity of the most negative part (clause) of the comment when it has one, else None:
    # routing takes the complaint of a mixed comment as its signal.
    complaint: float | None = None
    # Why the comment was not analysed ("language not analysed: et"), None when it was.
    reason: str | None = None

    @property
    def analysed(self) -> bool:
        return self.label is not None


NEUTRAL = Sentiment(0.0, "neutral")


def label_for(polarity: float) -> str:
    """The label a polarity earns: positive from 0.1 up, negative from -0.1 down."""
    if polarity >= POSITIVE_THRESHOLD:
        return "positive"
    if polarity <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def clamp(polarity: float) -> float:
    return max(-1.0, min(polarity, 1.0))


def scored(polarity: float, mixed: bool = False, complaint: float | None = None) -> Sentiment:
    """A Sentiment for a polarity, clamped to -1..1 and rounded to three places."""
    polarity = round(clamp(polarity), 3)
    if complaint is not None:
        complaint = round(clamp(complaint), 3)
    return Sentiment(polarity, label_for(polarity), mixed, complaint)


def not_analysed(reason: str) -> Sentiment:
    return Sentiment(None, None, reason=reason)


def combine(parts: list[tuple[float, float]]) -> Sentiment:
    """One Sentiment from the scored parts (clauses) of a comment: ``(polarity, weight)`` each.

    The polarity is the weighted mean (a language's scorer gives the clause after a contrast,
    "but", "mutta", "men", more weight). The comment is mixed when one part is positive and
    another negative; its complaint is the most negative part's polarity.
    """
    parts = [(p, w) for p, w in parts if w > 0]
    if not parts:
        return NEUTRAL
    total = sum(w for _, w in parts)
    polarity = sum(p * w for p, w in parts) / total
    lowest = min(p for p, _ in parts)
    mixed = lowest <= NEGATIVE_THRESHOLD and max(p for p, _ in parts) >= POSITIVE_THRESHOLD
    complaint = lowest if lowest <= NEGATIVE_THRESHOLD else None
    return scored(polarity, mixed, complaint)
