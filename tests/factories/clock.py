"""A domain clock the test moves by hand, and fixed moments to start from."""

from datetime import UTC, datetime, timedelta

from surveys.kernel import clock

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at(moment: datetime) -> None:
    """Set the domain clock to ``moment`` (the ``engine`` fixture resets it after the test)."""
    clock.set_source(lambda: moment)


class Clock:
    """A controllable clock: ``clock.set_source`` to a time the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        clock.set_source(lambda: self.now)

    def set(self, moment: datetime) -> datetime:
        self.now = moment
        return moment

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
