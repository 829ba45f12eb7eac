"""Retry policies: how many times a failed step is tried again, and how long to wait between."""

from __future__ import annotations

import random
from enum import Enum
from typing import Protocol

from ..errors import InvalidDefinitionError

__all__ = ["Backoff", "Jitter", "RandomSource", "RetryPolicy"]


class Backoff(Enum):
    """How the delay grows between attempts: by a constant step or doubling."""

    LINEAR = "LINEAR"
    EXPONENTIAL = "EXPONENTIAL"


class Jitter(Enum):
    """Randomness added to the delay so that retries do not arrive together."""

    FULL = "FULL"
    PLUS_MINUS = "PLUS_MINUS"


class RandomSource(Protocol):
    """Where jitter draws come from: ``random.Random``, the ``random`` module, a run's clock."""

    def random(self) -> float: ...


class RetryPolicy:
    """Retry a failed step up to ``max_retries`` times, waiting ``delay`` seconds in between."""

    __slots__ = ("backoff", "delay", "jitter", "max_retries")

    def __init__(
        self,
        max_retries: int = 1,
        delay: float | None = None,
        backoff: Backoff | None = None,
        jitter: Jitter | None = None,
    ) -> None:
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise InvalidDefinitionError(
                f"max_retries must be a non-negative int, got {max_retries!r}.",
                where="RetryPolicy",
            )
        if delay is not None and (not isinstance(delay, (int, float)) or delay < 0):
            raise InvalidDefinitionError(
                f"delay must be a non-negative number of seconds, got {delay!r}.",
                where="RetryPolicy",
            )
        if (backoff is not None or jitter is not None) and delay is None:
            raise InvalidDefinitionError(
                "backoff and jitter need a base delay.",
                where="RetryPolicy",
                fix="pass delay=<seconds> as well.",
            )
        self.max_retries = max_retries
        self.delay = delay
        self.backoff = backoff
        self.jitter = jitter

    def calculate_delay(self, attempt_num: int, rng: RandomSource | None = None) -> float:
        """Seconds to wait before retry number ``attempt_num`` (1 for the first retry).

        Jitter draws one number in [0, 1) from ``rng`` (default: the
        ``random`` module): FULL waits that fraction of the backed-off delay,
        PLUS_MINUS adds between minus and plus one base delay (never below 0).
        """
        if not self.delay:
            return 0.0
        base = float(self.delay)
        if self.backoff is Backoff.EXPONENTIAL:
            # 1, 3, 7, 15... times the base delay (as Dagster waits).
            wait = base * (2**attempt_num - 1)
        elif self.backoff is Backoff.LINEAR:
            wait = base * attempt_num
        else:
            wait = base
        source: RandomSource = rng if rng is not None else random
        if self.jitter is Jitter.FULL:
            wait = source.random() * wait
        elif self.jitter is Jitter.PLUS_MINUS:
            wait = max(0.0, wait + base * (2.0 * source.random() - 1.0))
        return float(wait)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RetryPolicy) and (
            self.max_retries,
            self.delay,
            self.backoff,
            self.jitter,
        ) == (other.max_retries, other.delay, other.backoff, other.jitter)

    def __hash__(self) -> int:
        return hash((self.max_retries, self.delay, self.backoff, self.jitter))

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(max_retries={self.max_retries}, delay={self.delay}, "
            f"backoff={self.backoff}, jitter={self.jitter})"
        )
