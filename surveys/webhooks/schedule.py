"""When to try a delivery again: the Standard Webhooks schedule, with jitter.

Attempt 1 is immediate; after failure n the next comes ``SCHEDULE[n]`` seconds later: 5 s,
5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h; after the tenth the delivery has failed.
Jitter (±10 %) spreads the retries of a receiver that came back up. A receiver that answered
429, 502 or 504 with ``retry-after`` waits at least that long (at most a day).
"""

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

SCHEDULE = (0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600)
JITTER = 0.1
MAX_RETRY_AFTER = 24 * 3600
THROTTLE_CODES = frozenset({429, 502, 504})


def next_delay(
    attempts: int, *, retry_after: float | None = None, rng: random.Random | None = None
) -> float | None:
    """Seconds until the next attempt after ``attempts`` failed ones; None: give up."""
    if attempts >= len(SCHEDULE):
        return None
    base = SCHEDULE[attempts]
    delay = base * (rng or random).uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """``retry-after`` as seconds from ``now``: a number of seconds or an HTTP date; None when
    absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max((moment - now).total_seconds(), 0.0)
