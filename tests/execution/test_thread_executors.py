"""thread_pool_executor and async_executor: steps of one run at once inside the run process.

Concurrency is shown with barriers (every step must be running at once for any to pass),
never with timings."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    EventType,
    Failure,
    Instance,
    Out,
    Output,
    RetryPolicy,
    RunStatus,
    async_executor,
    execute_job,
    job,
    op,
    thread_pool_executor,
)

from ._cancel import cancel_when

WAIT = 10  # seconds a barrier waits before the test fails


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with Instance.local_temp(tmp_path / "home") as instance:
        yield instance


def fan_job(executor: Any, width: int, body: Any, name: str = "fan") -> Any:
    """``width`` copies of op ``body`` (``part_0`` ...), their outputs summed by ``total``."""
    part = op(name="part")(body)

    @op
    def total(values: list[int]) -> int:
        return sum(values)

    @job(name=name, executor_def=executor)
    def fan():
        total([part.alias(f"part_{i}")() for i in range(width)])

    return fan


class Running:
    """Counts the steps running at once and remembers the most seen."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.most = 0

    def __enter__(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *_: Any) -> None:
        with self.lock:
            self.now -= 1


# --------------------------------------------------------------------------
# thread_pool_executor


def test_ready_steps_run_at_once_on_threads_and_hand_values_over_in_memory() -> None:
    barrier = threading.Barrier(20, timeout=WAIT)

    def body() -> int:
        barrier.wait()  # passes only when all 20 steps run at once
        return 1

    executor = thread_pool_executor.configured({"max_workers": 20})
    result = fan_job(executor, 20, body).execute_in_process()

    assert result.output_for_node("total") == 20


def test_max_workers_bounds_the_steps_running_at_once() -> None:
    running = Running()

    def body() -> int:
        with running:
            threading.Event().wait(0.02)
        return 1

    executor = thread_pool_executor.configured({"max_workers": 3})
    fan_job(executor, 12, body).execute_in_process()

    assert running.most == 3


def test_tag_concurrency_limits_hold_on_threads() -> None:
    running = Running()

    @op(tags={"database": "warehouse"})
    def query() -> int:
        with running:
            threading.Event().wait(0.02)
        return 1

    @job(
        executor_def=thread_pool_executor.configured(
            {"tag_concurrency_limits": [{"key": "database", "value": "warehouse", "limit": 2}]}
        )
    )
    def queries():
        for i in range(8):
            query.alias(f"query_{i}")()

    queries.execute_in_process()

    assert running.most == 2


def test_each_steps_log_lines_stay_its_own() -> None:
    barrier = threading.Barrier(4, timeout=WAIT)

    def body(context) -> int:
        barrier.wait()
        context.log.info(f"I am {context.op_handle}")
        return 1

    result = fan_job(thread_pool_executor, 4, body).execute_in_process()

    lines = [e for e in result.entries if e.user_message.startswith("I am ")]
    assert len(lines) == 4
    assert all(e.user_message == f"I am {e.step_key}" for e in lines)


def test_a_failing_step_leaves_the_others_running_to_their_end() -> None:
    barrier = threading.Barrier(4, timeout=WAIT)

    def body(context) -> int:
        barrier.wait()
        if context.op_handle == "part_2":
            raise Failure("part 2 broke")
        return 1

    result = fan_job(thread_pool_executor, 4, body).execute_in_process(raise_on_error=False)

    assert not result.success
    assert result.get_failed_step_keys() == {"part_2"}
    assert [result.output_for_node(f"part_{i}") for i in (0, 1, 3)] == [1, 1, 1]
    assert result.is_node_skipped("total")


def test_a_retried_step_retries_on_its_own_while_the_others_finish() -> None:
    attempts: dict[str, int] = {}

    @op(retry_policy=RetryPolicy(max_retries=2))
    def flaky(context) -> int:
        attempts[context.op_handle] = attempts.get(context.op_handle, 0) + 1
        if context.op_handle == "flaky_0" and context.retry_number == 0:
            raise Exception("first attempt fails")
        return 1

    @op
    def total(values: list[int]) -> int:
        return sum(values)

    @job(executor_def=thread_pool_executor)
    def retried():
        total([flaky.alias(f"flaky_{i}")() for i in range(3)])

    result = retried.execute_in_process()

    assert result.output_for_node("total") == 3
    assert attempts == {"flaky_0": 2, "flaky_1": 1, "flaky_2": 1}


def test_canceling_stops_dispatching_and_waits_for_the_running_steps(
    instance: Instance,
) -> None:
    release = threading.Event()

    @op
    def first(context) -> int:
        context.log.info("running")
        release.wait(WAIT)
        return 1

    @op
    def after(value: int) -> int:
        return value

    @job(executor_def=thread_pool_executor)
    def chain():
        after(first())

    run_id = str(uuid.uuid4())

    def running(logs: list[Any]) -> bool:
        if any(e.user_message == "running" for e in logs):
            threading.Timer(0.5, release.set).start()  # let the step end after the cancel
            return True
        return False

    thread = cancel_when(instance, run_id, running)
    result = chain.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    thread.join()

    assert result.run.status is RunStatus.CANCELED
    assert result.is_node_success("first")  # it ran to its end
    assert result.is_node_untouched("after")  # nothing was dispatched after the cancel


def test_execute_job_runs_a_thread_pool_job_on_a_persistent_instance(
    instance: Instance,
) -> None:
    barrier = threading.Barrier(3, timeout=WAIT)

    def body() -> int:
        barrier.wait()
        return 2

    result = execute_job(fan_job(thread_pool_executor, 3, body), instance)

    assert result.success
    assert result.output_for_node("total") == 6


def test_each_steps_captured_stdout_holds_only_its_own_prints(instance: Instance) -> None:
    barrier = threading.Barrier(3, timeout=WAIT)

    def body(context) -> int:
        barrier.wait()
        print(f"printed by {context.op_handle}")
        return 1

    result = fan_job(thread_pool_executor, 3, body).execute_in_process(instance=instance)

    manager = instance.compute_log_manager
    for i in range(3):
        out = manager.read(result.run_id, f"part_{i}", "stdout").data
        assert out.strip() == f"printed by part_{i}"


# --------------------------------------------------------------------------
# async_executor


def test_async_steps_are_awaited_together_on_one_event_loop() -> None:
    loops: set[int] = set()
    started: list[str] = []
    all_started = asyncio.Event()

    async def body(context) -> int:
        loops.add(id(asyncio.get_running_loop()))
        started.append(context.op_handle)
        if len(started) == 50:
            all_started.set()
        await asyncio.wait_for(all_started.wait(), WAIT)  # every step waits on the same loop
        return 1

    result = fan_job(async_executor, 50, body).execute_in_process()

    assert result.output_for_node("total") == 50
    assert len(loops) == 1


def test_max_concurrent_bounds_the_async_steps_awaited_at_once() -> None:
    running = Running()

    async def body() -> int:
        with running:
            await asyncio.sleep(0.02)
        return 1

    executor = async_executor.configured({"max_concurrent": 4})
    fan_job(executor, 16, body).execute_in_process()

    assert running.most == 4


def test_a_blocking_sync_step_does_not_block_the_async_steps() -> None:
    unblocked = threading.Event()

    @op
    def blocking() -> str:
        assert unblocked.wait(WAIT), "the async step never ran while this one blocked"
        return "sync done"

    @op
    async def awaiting() -> str:
        await asyncio.sleep(0)
        unblocked.set()
        return "async done"

    @job(executor_def=async_executor)
    def mixed():
        blocking()
        awaiting()

    result = mixed.execute_in_process()

    assert result.output_for_node("blocking") == "sync done"
    assert result.output_for_node("awaiting") == "async done"


def test_an_async_generator_op_yields_its_outputs_on_the_runs_loop() -> None:
    @op(out={"a": Out(int), "b": Out(int)})
    async def pair():
        await asyncio.sleep(0)
        yield Output(1, "a")
        await asyncio.sleep(0)
        yield Output(2, "b")

    @op
    def add(a: int, b: int) -> int:
        return a + b

    @job(executor_def=async_executor)
    def pairs():
        a, b = pair()
        add(a, b)

    assert pairs.execute_in_process().output_for_node("add") == 3


def test_an_async_op_failure_is_a_step_failure_of_its_own() -> None:
    async def body(context) -> int:
        if context.op_handle == "part_1":
            raise ValueError("no data")
        await asyncio.sleep(0)
        return 1

    result = fan_job(async_executor, 3, body).execute_in_process(raise_on_error=False)

    assert result.get_failed_step_keys() == {"part_1"}
    failure = result.failure_data_for_node("part_1")
    assert failure is not None
    assert "no data" in failure.error.message  # type: ignore[union-attr]


def test_an_async_op_run_in_process_without_the_async_executor_still_runs() -> None:
    async def body() -> int:
        await asyncio.sleep(0)
        return 1

    result = fan_job(None, 3, body).execute_in_process()

    assert result.output_for_node("total") == 3
    assert not any(e.event_type is EventType.STEP_FAILURE for e in result.all_events)


@pytest.mark.parametrize("executor", [thread_pool_executor, async_executor], ids=lambda e: e.name)
def test_a_cancel_timeout_gives_up_on_steps_still_running_and_records_them_interrupted(
    instance: Instance, executor: Any
) -> None:
    import time

    release = threading.Event()

    @op
    def stuck(context) -> int:
        context.log.info("running")
        release.wait(60)  # ends when the test is over, long after the give-up
        return 1

    @op
    def after(value: int) -> int:
        return value

    @job(executor_def=executor.configured({"cancel_timeout_seconds": 0.2}))
    def blocked():
        after(stuck())

    run_id = str(uuid.uuid4())
    thread = cancel_when(
        instance, run_id, lambda logs: any(e.user_message == "running" for e in logs)
    )
    began = time.monotonic()
    try:
        result = blocked.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    finally:
        release.set()
    thread.join()

    assert time.monotonic() - began < 30  # not the 60 s the step would have taken
    assert result.run.status is RunStatus.CANCELED
    failure = result.failure_data_for_node("stuck")
    assert failure is not None
    failed = [e for e in result.all_events if e.event_type is EventType.STEP_FAILURE]
    assert [e.step_key for e in failed] == ["stuck"]
    assert "interrupted" in failed[0].message


def test_an_async_step_given_up_on_is_cancelled_when_the_runs_loop_closes(
    instance: Instance,
) -> None:
    import time

    cancelled = threading.Event()

    @op
    async def stuck(context) -> int:
        context.log.info("running")
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return 1

    @job(executor_def=async_executor.configured({"cancel_timeout_seconds": 0.2}))
    def blocked():
        stuck()

    run_id = str(uuid.uuid4())
    thread = cancel_when(
        instance, run_id, lambda logs: any(e.user_message == "running" for e in logs)
    )
    began = time.monotonic()
    result = blocked.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    thread.join()

    assert time.monotonic() - began < 30
    assert result.run.status is RunStatus.CANCELED
    assert cancelled.wait(5)  # the coroutine saw its cancellation: its thread is free
