"""The run clock seam: the fake clock tests use, and swapping the clock runs take."""

from __future__ import annotations

import pytest

from dagwright import InvalidInvocationError
from dagwright.execution.clock import Clock, FakeClock, current_clock, use_clock


def test_a_fake_clock_stands_still_until_slept_on_or_advanced() -> None:
    clock = FakeClock(start=10.0)
    before = clock.monotonic()

    clock.sleep(1.5)
    clock.advance(0.5)

    assert (before, clock.monotonic()) == (10.0, 12.0)


def test_a_fake_clock_records_each_wait_but_not_advances() -> None:
    clock = FakeClock()

    clock.sleep(1.0)
    clock.advance(5.0)
    clock.sleep(2.0)

    assert clock.waits == [1.0, 2.0]


def test_a_fake_clock_draws_its_values_in_turn_then_repeats_the_last() -> None:
    clock = FakeClock(draws=[0.1, 0.9])

    assert [clock.random() for _ in range(4)] == [0.1, 0.9, 0.9, 0.9]
    assert clock.random_calls == 4


@pytest.mark.parametrize("draws", [[], [1.0], [-0.1], ["0.5"]])
def test_a_fake_clock_refuses_draws_outside_zero_to_one(draws: list[object]) -> None:
    with pytest.raises(
        InvalidInvocationError, match=r"FakeClock: draws must be numbers in \[0, 1\)"
    ):
        FakeClock(draws=draws)  # type: ignore[arg-type]


def test_use_clock_makes_its_clock_current_inside_the_block() -> None:
    fake = FakeClock()

    with use_clock(fake):
        assert current_clock() is fake


def test_use_clock_restores_the_previous_clock_after_the_block() -> None:
    before = current_clock()

    with pytest.raises(RuntimeError), use_clock(FakeClock()):
        raise RuntimeError("the block fails")

    assert current_clock() is before


def test_the_real_clock_is_current_outside_any_block() -> None:
    assert type(current_clock()) is Clock


def test_use_clock_refuses_what_is_not_a_clock() -> None:
    not_a_clock = lambda: 0.0  # noqa: E731

    with (
        pytest.raises(InvalidInvocationError, match="use_clock needs a Clock, got function"),
        use_clock(not_a_clock),  # type: ignore[arg-type]
    ):
        pass
