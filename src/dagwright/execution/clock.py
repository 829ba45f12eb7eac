"""Where a run gets the time, its waits, and the random draws of retry jitter.

Retries are the one place where a run depends on time: the executor asks
the run's clock when a waiting retry is due, sleeps on it when nothing but
retries is left to run, and a retry policy's jitter draws from it. A run
takes the *current* clock once, when it starts (``RunContext.clock``), so
steps pay nothing for it.

Tests swap the clock instead of sleeping::

    from dagwright.execution.clock import FakeClock, use_clock

    with use_clock(FakeClock()) as clock:
        job.execute_in_process()
    assert clock.waits == [1.0, 2.0]

A :class:`FakeClock` stands still unless it is slept on or advanced, so a
test can assert the exact waits a run asked for, and what ran meanwhile.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..errors import InvalidInvocationError

__all__ = ["Clock", "FakeClock", "current_clock", "use_clock"]


class Clock:
    """The real clock: monotonic time, ``time.sleep``, and ``random.random`` for jitter."""

    __slots__ = ()

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (only differences mean anything)."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds``."""
        time.sleep(seconds)

    def random(self) -> float:
        """A random number in [0, 1): the draw a retry policy's jitter scales."""
        return random.random()


class FakeClock(Clock):
    """A clock for tests: time moves only when slept on or advanced, and every wait is kept.

    ``waits`` lists the seconds each :meth:`sleep` asked for, in order.
    ``draws`` are what :meth:`random` returns, one per call, the last one
    repeating; ``random_calls`` counts the calls.
    """

    __slots__ = ("_draws", "now", "random_calls", "waits")

    def __init__(self, start: float = 0.0, draws: Iterable[float] = (0.5,)) -> None:
        values = list(draws)
        if not values or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and 0.0 <= v < 1.0
            for v in values
        ):
            raise InvalidInvocationError(
                f"draws must be numbers in [0, 1), at least one; got {values!r}.",
                where="FakeClock",
                fix="pass draws=[0.25, 0.75], or leave it out (every draw is 0.5).",
            )
        self.now = float(start)
        self.waits: list[float] = []
        self.random_calls = 0
        self._draws = [float(v) for v in values]

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Record the wait and move time forward by it, at once."""
        self.waits.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        """Move time forward without a wait (as if some work took ``seconds``)."""
        self.now += seconds

    def random(self) -> float:
        draws = self._draws
        value = draws[min(self.random_calls, len(draws) - 1)]
        self.random_calls += 1
        return value

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now}, waits={self.waits})"


SYSTEM_CLOCK = Clock()
_current: Clock = SYSTEM_CLOCK


def current_clock() -> Clock:
    """The clock runs started now will use (the real one unless a test swapped it)."""
    return _current


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    """Make runs started inside the block use ``clock``; the previous one is restored after."""
    global _current
    if not isinstance(clock, Clock):
        raise InvalidInvocationError(
            f"use_clock needs a Clock, got {type(clock).__name__}.",
            fix="pass FakeClock() (from dagwright.execution.clock), or a subclass of Clock.",
        )
    previous, _current = _current, clock
    try:
        yield clock
    finally:
        _current = previous
