"""Retrying a step: retry policies timed on the run's clock, RetryRequested, and the events."""

from __future__ import annotations

import pytest

from dagwright import (
    Backoff,
    EventType,
    Jitter,
    RetryPolicy,
    job,
    op,
)
from dagwright.execution.clock import FakeClock, use_clock

E = EventType


def _failing_op(policy: RetryPolicy):
    @op(retry_policy=policy)
    def always_fails():
        raise ConnectionError("the service is down")

    return always_fails


def _run_alone(op_def):
    @job
    def single():
        op_def()

    return single.execute_in_process(raise_on_error=False)


def _types_for(result, step_key: str) -> list[EventType]:
    return [e.event_type for e in result.all_events if e.step_key == step_key]


# --------------------------------------------------------------------------
# Retry policies: how long the run waits, read from its clock


def test_a_retry_policy_delay_is_waited_before_each_retry(fake_clock: FakeClock) -> None:
    _run_alone(_failing_op(RetryPolicy(max_retries=2, delay=1.5)))

    assert fake_clock.waits == [1.5, 1.5]


def test_linear_backoff_waits_the_delay_times_the_retry_number(fake_clock: FakeClock) -> None:
    _run_alone(_failing_op(RetryPolicy(max_retries=3, delay=2.0, backoff=Backoff.LINEAR)))

    assert fake_clock.waits == pytest.approx([2.0, 4.0, 6.0])


def test_exponential_backoff_waits_one_three_then_seven_delays(fake_clock: FakeClock) -> None:
    _run_alone(_failing_op(RetryPolicy(max_retries=3, delay=0.5, backoff=Backoff.EXPONENTIAL)))

    assert fake_clock.waits == pytest.approx([0.5, 1.5, 3.5])


def test_full_jitter_waits_the_drawn_fraction_of_the_backed_off_delay() -> None:
    policy = RetryPolicy(max_retries=2, delay=2.0, backoff=Backoff.EXPONENTIAL, jitter=Jitter.FULL)

    with use_clock(FakeClock(draws=[0.5, 0.25])) as clock:
        _run_alone(_failing_op(policy))

    # 0.5 of 2.0, then 0.25 of 6.0
    assert clock.waits == pytest.approx([1.0, 1.5])


def test_plus_minus_jitter_moves_the_wait_by_up_to_one_base_delay() -> None:
    policy = RetryPolicy(max_retries=2, delay=2.0, backoff=Backoff.LINEAR, jitter=Jitter.PLUS_MINUS)

    with use_clock(FakeClock(draws=[0.75, 0.0])) as clock:
        _run_alone(_failing_op(policy))

    # 2.0 + 1.0 (a draw of 0.75 is +half the base delay), then 4.0 - 2.0 (a draw of 0 is -one)
    assert clock.waits == pytest.approx([3.0, 2.0])


def test_the_jitter_of_each_retry_draws_from_the_runs_clock() -> None:
    policy = RetryPolicy(max_retries=3, delay=1.0, jitter=Jitter.FULL)

    with use_clock(FakeClock()) as clock:
        _run_alone(_failing_op(policy))

    assert clock.random_calls == 3


def test_a_retry_without_delay_does_not_wait(fake_clock: FakeClock) -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=2)))

    assert result.retry_attempts_for_node("always_fails") == 2
    assert fake_clock.waits == []


def test_an_independent_step_runs_while_a_retry_waits(fake_clock: FakeClock) -> None:
    @op(retry_policy=RetryPolicy(max_retries=1, delay=1.0))
    def fetch(context):
        if context.retry_number == 0:
            raise ConnectionError("the service is down")

    @op
    def report():
        return "done"

    @job
    def two_branches():
        fetch()
        report()

    result = two_branches.execute_in_process()

    order = [(e.step_key, e.event_type) for e in result.all_events if e.step_key]
    waiting = order.index(("fetch", E.STEP_UP_FOR_RETRY))
    restarted = order.index(("fetch", E.STEP_RESTARTED))
    assert waiting < order.index(("report", E.STEP_START)) < restarted
    assert waiting < order.index(("report", E.STEP_SUCCESS)) < restarted


def test_time_other_steps_take_counts_toward_a_retrys_wait(fake_clock: FakeClock) -> None:
    @op(retry_policy=RetryPolicy(max_retries=1, delay=1.0))
    def fetch(context):
        if context.retry_number == 0:
            raise ConnectionError("the service is down")

    @op
    def report():
        fake_clock.advance(0.25)  # this step takes a quarter of a second

    @job
    def two_branches():
        fetch()
        report()

    two_branches.execute_in_process()

    assert fake_clock.waits == pytest.approx([0.75])


def test_a_run_uses_the_clock_current_when_it_starts() -> None:
    first, second = FakeClock(), FakeClock()
    failing = _failing_op(RetryPolicy(max_retries=1, delay=1.0))

    with use_clock(first):
        _run_alone(failing)
    with use_clock(second):
        _run_alone(failing)

    assert (first.waits, second.waits) == ([1.0], [1.0])


# --------------------------------------------------------------------------
# The events of a retried step


def test_a_retried_step_records_start_up_for_retry_restarted_then_success() -> None:
    @op(retry_policy=RetryPolicy(max_retries=1))
    def flaky(context):
        if context.retry_number == 0:
            raise ValueError("first attempt fails")
        return 1

    result = _run_alone(flaky)

    assert _types_for(result, "flaky") == [
        E.STEP_START,
        E.STEP_UP_FOR_RETRY,
        E.STEP_RESTARTED,
        E.STEP_OUTPUT,
        E.HANDLED_OUTPUT,
        E.STEP_SUCCESS,
    ]


def test_a_step_that_runs_out_of_retries_ends_with_step_failure() -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=2)))

    assert _types_for(result, "always_fails") == [
        E.STEP_START,
        E.STEP_UP_FOR_RETRY,
        E.STEP_RESTARTED,
        E.STEP_UP_FOR_RETRY,
        E.STEP_RESTARTED,
        E.STEP_FAILURE,
    ]


def test_step_up_for_retry_carries_the_seconds_to_wait(fake_clock: FakeClock) -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=2, delay=1.0, backoff=Backoff.LINEAR)))

    waits = [e.step_retry_data.seconds_to_wait for e in result.all_events if e.is_step_up_for_retry]
    assert waits == [1.0, 2.0]


def test_step_up_for_retry_carries_the_error_of_the_failed_attempt() -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=1)))

    (retry,) = [e for e in result.all_events if e.is_step_up_for_retry]
    error = retry.step_retry_data.error
    assert error is not None
    assert error.message == "ConnectionError: the service is down"


def test_step_restarted_events_are_recognised_as_such() -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=2)))

    restarted = [e for e in result.all_events if e.is_step_restarted]
    assert [e.event_type for e in restarted] == [E.STEP_RESTARTED, E.STEP_RESTARTED]
    assert not any(e.is_step_up_for_retry for e in restarted)


def test_step_retry_data_of_an_event_that_is_not_a_retry_is_an_error() -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=0)))

    (failure,) = result.get_step_failure_events()
    with pytest.raises(ValueError, match="STEP_FAILURE event has no step retry data"):
        failure.step_retry_data


def test_retry_attempts_for_node_counts_the_retries_of_its_step() -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=3)))

    assert result.retry_attempts_for_node("always_fails") == 3


def test_retry_attempts_for_node_is_zero_for_a_step_run_once() -> None:
    @op
    def steady():
        return 1

    assert _run_alone(steady).retry_attempts_for_node("steady") == 0


def test_retry_events_keep_their_data_through_the_json_form() -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=1, delay=0.0)))

    (entry,) = [e for e in result.entries if e.event is not None and e.event.is_step_up_for_retry]
    restored = type(entry).from_json(entry.to_json())

    assert restored == entry
    assert restored.event is not None
    assert restored.event.step_retry_data.seconds_to_wait == 0.0
