"""Failed look-ups of respondent links (an unknown ``/s/<token>``, ``/u/<token>`` or
``/r/<code>``), counted per client address so that nobody can try links by the thousand.

Only a failure counts, and only a failure is refused: a link that exists always answers, so an
office behind one address answering many real invitations never meets a 429, not even after
someone there opened a broken link too often. The counts live in the sign-in limiter's storage
(Redis when it answered at start, see app/auth/security.py), keyed by the client address that
``PROXY_COUNT`` trusts (``X-Forwarded-For``), as sign-in is.
"""

import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from app.extensions import limiter

SCOPE = "token-guess"


def count_failed_lookup() -> int | None:
    """Count one failed look-up from this request's address; when that was past
    ``TOKEN_GUESS_RATE_LIMIT``, the seconds until it may try again, else None.

    A storage that fails (Redis gone) counts nothing and refuses nothing: a respondent's page
    must not become a 500 for the limiter's sake.
    """
    config = current_app.config
    if not config["TOKEN_GUESS_RATE_LIMIT_ENABLED"]:
        return None
    key = (config["RATELIMIT_KEY_PREFIX"], get_remote_address(), SCOPE)
    strategy = limiter.limiter
    try:
        # Shortest window first; the first one refused is the one to wait for.
        for item in sorted(parse_many(config["TOKEN_GUESS_RATE_LIMIT"])):
            if not strategy.hit(item, *key):
                reset_at = strategy.get_window_stats(item, *key).reset_time
                return max(1, math.ceil(reset_at - time.time()))
    except Exception:  # any storage error, swallowed as RATELIMIT_SWALLOW_ERRORS does
        current_app.logger.exception("Failed link look-ups could not be counted")
    return None
