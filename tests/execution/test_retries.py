"""Retrying a step: retry policies timed on the run's clock, RetryRequested, and the events."""

from __future__ import annotations

import pytest

from dagwright import (
    Backoff,
    EventType,
    Jitter,
    RetryPolicy,
    RetryRequested,
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
# RetryRequested: the op asks for a retry


def test_retry_requested_retries_an_op_that_has_no_retry_policy() -> None:
    attempts = []

    @op
    def flaky(context):
        attempts.append(context.retry_number)
        if context.retry_number == 0:
            raise RetryRequested()
        return "ok"

    result = _run_alone(flaky)

    assert result.success
    assert attempts == [0, 1]
    assert result.output_for_node("flaky") == "ok"


def test_retry_requested_retries_while_retry_number_is_below_max_retries() -> None:
    attempts = []

    @op
    def stubborn(context):
        attempts.append(context.retry_number)
        raise RetryRequested(max_retries=2)

    result = _run_alone(stubborn)

    assert not result.success
    assert attempts == [0, 1, 2]


def test_retry_requested_counts_max_retries_from_the_attempt_that_raises_it() -> None:
    # Dagster's counting: a request on the third attempt (retry_number 2) with max_retries=2
    # is not granted, whatever earlier attempts asked for.
    attempts = []

    @op
    def escalating(context):
        attempts.append(context.retry_number)
        raise RetryRequested(max_retries=5 if context.retry_number == 0 else 2)

    _run_alone(escalating)

    assert attempts == [0, 1, 2]


def test_retry_requested_with_no_retries_left_fails_at_once() -> None:
    attempts = []

    @op
    def no_retries(context):
        attempts.append(context.retry_number)
        raise RetryRequested(max_retries=0)

    result = _run_alone(no_retries)

    assert attempts == [0]
    assert result.is_node_failed("no_retries")


def test_retry_requested_waits_seconds_to_wait(fake_clock: FakeClock) -> None:
    @op
    def flaky(context):
        if context.retry_number < 2:
            raise RetryRequested(max_retries=2, seconds_to_wait=2.5)

    _run_alone(flaky)

    assert fake_clock.waits == [2.5, 2.5]


def test_retry_requested_overrides_the_retry_policy_for_that_attempt(
    fake_clock: FakeClock,
) -> None:
    attempts = []

    @op(retry_policy=RetryPolicy(max_retries=0, delay=30.0))
    def flaky(context):
        attempts.append(context.retry_number)
        if context.retry_number == 0:
            raise RetryRequested(max_retries=1, seconds_to_wait=1.0)

    result = _run_alone(flaky)

    assert result.success
    assert attempts == [0, 1]
    assert fake_clock.waits == [1.0]


def test_a_plain_exception_after_a_retry_request_is_retried_by_the_policy(
    fake_clock: FakeClock,
) -> None:
    @op(retry_policy=RetryPolicy(max_retries=2, delay=4.0))
    def flaky(context):
        if context.retry_number == 0:
            raise RetryRequested(max_retries=1, seconds_to_wait=1.0)
        if context.retry_number == 1:
            raise ValueError("a different problem")

    result = _run_alone(flaky)

    assert result.success
    assert fake_clock.waits == [1.0, 4.0]


def test_exhausted_retry_request_reports_the_exception_it_was_raised_from() -> None:
    @op
    def fetch():
        try:
            raise ConnectionError("the service is down")
        except ConnectionError as error:
            raise RetryRequested(max_retries=1) from error

    result = _run_alone(fetch)

    failure = result.failure_data_for_node("fetch")
    assert failure is not None
    assert failure.error is not None
    assert failure.error.cls_name == "ConnectionError"
    assert failure.error.message == "ConnectionError: the service is down"


def test_exhausted_retry_request_raises_the_original_exception() -> None:
    @op
    def fetch():
        try:
            raise ConnectionError("the service is down")
        except ConnectionError as error:
            raise RetryRequested(max_retries=1) from error

    @job
    def single():
        fetch()

    with pytest.raises(ConnectionError, match="the service is down"):
        single.execute_in_process()


def test_exhausted_retry_request_without_a_cause_reports_the_request() -> None:
    @op
    def stubborn():
        raise RetryRequested(max_retries=1, seconds_to_wait=0)

    result = _run_alone(stubborn)

    failure = result.failure_data_for_node("stubborn")
    assert failure is not None
    assert failure.error is not None
    assert failure.error.cls_name == "RetryRequested"
    assert "max_retries=1" in failure.error.message


def test_the_failure_message_says_the_requested_retries_are_used_up() -> None:
    @op
    def stubborn():
        raise RetryRequested(max_retries=1)

    result = _run_alone(stubborn)

    (failure,) = result.get_step_failure_events()
    assert failure.message == (
        'Execution of step "stubborn" failed after 2 attempts: it requested another retry, '
        "but RetryRequested allows max_retries=1."
    )


def test_a_step_that_used_up_its_policy_says_how_many_attempts_it_made() -> None:
    result = _run_alone(_failing_op(RetryPolicy(max_retries=2)))

    (failure,) = result.get_step_failure_events()
    assert failure.message == 'Execution of step "always_fails" failed after 3 attempts.'


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


def test_step_up_for_retry_after_a_retry_request_carries_the_original_error() -> None:
    @op
    def fetch(context):
        if context.retry_number == 0:
            try:
                raise ConnectionError("the service is down")
            except ConnectionError as error:
                raise RetryRequested(seconds_to_wait=0) from error

    result = _run_alone(fetch)

    (retry,) = [e for e in result.all_events if e.is_step_up_for_retry]
    assert retry.step_retry_data.error is not None
    assert retry.step_retry_data.error.cls_name == "ConnectionError"


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
