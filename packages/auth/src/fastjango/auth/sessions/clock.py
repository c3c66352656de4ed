"""The sessions' clock: one place that says what time it is, so tests can move it instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

__all__ = ["now", "now_datetime", "use_clock"]

_clock: Callable[[], float] = time.time


def now() -> float:
    """Seconds since the epoch, from the current clock."""
    return _clock()


def now_datetime() -> datetime:
    """The current clock as an aware UTC datetime."""
    return datetime.fromtimestamp(_clock(), UTC)


@contextmanager
def use_clock(clock: Callable[[], float]) -> Iterator[None]:
    """Read the time from ``clock`` inside the block (for tests of expiry): ``with use_clock(lambda: t[0]):``."""
    global _clock
    previous = _clock
    _clock = clock
    try:
        yield
    finally:
        _clock = previous
