"""The one clock of the domain, so tests can move time instead of sleeping."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current time, timezone-aware UTC."""
    return _source()


def set_source(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); ``None`` restores the real one."""
    global _source
    _source = source or (lambda: datetime.now(UTC))


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Stop the clock at ``moment`` (aware) for the block, then restore whatever source ran
    before (a test's frozen clock too): the demo seed replays its story through the services
    at the times it happened."""
    global _source
    saved = _source
    _source = lambda: moment  # noqa: E731
    try:
        yield
    finally:
        _source = saved
