"""Running a batch of ids through a service with retries, and one by one when the batch fails."""

import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import OperationalError

from app.extensions import db

log = logging.getLogger(__name__)

TRANSIENT_DB = (OperationalError,)


def run_batch(ids: list[int], run: Callable[[list[int]], int], what: str, attempts: int = 5) -> int:
    """``run(ids)`` (which commits and returns how many it handled), retrying transient database
    errors with backoff. If the batch fails for another reason, each id is run alone, so one bad
    row does not hold back the rest; whatever still fails is left for the sweeper.

    :raises OperationalError: the database stayed unreachable through every attempt (the task's
        message is then redelivered).
    """
    for attempt in range(attempts):
        try:
            return run(ids)
        except TRANSIENT_DB:
            db.session.rollback()
            if attempt == attempts - 1:
                raise
            time.sleep(min(2**attempt * 0.5, 10))
        except Exception:
            db.session.rollback()
            if len(ids) == 1:
                log.exception("%s %s failed; the sweeper will retry", what, ids[0])
                return 0
            log.exception("a batch of %d %ss failed; running them one by one", len(ids), what)
            break
    done = 0
    for one in ids:
        try:
            done += run([one])
        except Exception:
            db.session.rollback()
            log.exception("%s %s failed; the sweeper will retry", what, one)
    return done
