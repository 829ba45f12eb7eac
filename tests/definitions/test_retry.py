"""RetryPolicy: how long a step waits before each retry."""

from __future__ import annotations

import random

import pytest

from dagwright import Backoff, InvalidDefinitionError, Jitter, RetryPolicy


def test_without_backoff_every_retry_waits_the_delay() -> None:
    policy = RetryPolicy(max_retries=3, delay=2.0)

    assert [policy.calculate_delay(n) for n in (1, 2, 3)] == [2.0, 2.0, 2.0]


def test_linear_backoff_waits_the_delay_times_the_attempt() -> None:
    policy = RetryPolicy(max_retries=3, delay=2.0, backoff=Backoff.LINEAR)

    assert [policy.calculate_delay(n) for n in (1, 2, 3)] == [2.0, 4.0, 6.0]


def test_exponential_backoff_waits_one_three_then_seven_delays() -> None:
    policy = RetryPolicy(max_retries=3, delay=2.0, backoff=Backoff.EXPONENTIAL)

    assert [policy.calculate_delay(n) for n in (1, 2, 3)] == [2.0, 6.0, 14.0]


def test_full_jitter_waits_between_zero_and_the_backed_off_delay() -> None:
    policy = RetryPolicy(max_retries=3, delay=2.0, backoff=Backoff.LINEAR, jitter=Jitter.FULL)
    rng = random.Random(7)

    waits = [policy.calculate_delay(3, rng) for _ in range(200)]

    assert all(0.0 <= w <= 6.0 for w in waits)
    assert max(waits) - min(waits) > 3.0


def test_plus_minus_jitter_stays_within_one_delay_and_never_goes_negative() -> None:
    policy = RetryPolicy(max_retries=1, delay=1.0, jitter=Jitter.PLUS_MINUS)
    rng = random.Random(3)

    waits = [policy.calculate_delay(1, rng) for _ in range(200)]

    assert all(0.0 <= w <= 2.0 for w in waits)


def test_no_delay_means_retry_at_once() -> None:
    assert RetryPolicy(max_retries=2).calculate_delay(2) == 0.0


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_max_retries_must_be_a_non_negative_int(bad: object) -> None:
    with pytest.raises(InvalidDefinitionError, match="max_retries"):
        RetryPolicy(max_retries=bad)  # type: ignore[arg-type]


def test_backoff_needs_a_delay() -> None:
    with pytest.raises(InvalidDefinitionError, match="need a base delay"):
        RetryPolicy(max_retries=2, backoff=Backoff.EXPONENTIAL)
