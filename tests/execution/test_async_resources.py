"""Async resources: entered and torn down on the run's event loop, the one async ops are
awaited on, in every executor."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    EventType,
    Instance,
    async_executor,
    execute_job,
    in_process_executor,
    job,
    op,
    reconstructable,
    resource,
    thread_pool_executor,
)

from . import _mp_jobs as mp_jobs

EXECUTORS = [in_process_executor, thread_pool_executor, async_executor]


class Session:
    """Stands for a client bound to the loop it was made on (an HTTP session, a pool)."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.closed = False

    async def get(self, value: int) -> int:
        if asyncio.get_running_loop() is not self.loop:
            raise RuntimeError("used on another event loop than the one it was made on")
        await asyncio.sleep(0)
        return value


def session_job(executor: Any, session_resource: Any) -> Any:
    @op(required_resource_keys={"session"})
    async def fetch(context) -> int:
        return await context.resources.session.get(2)

    @op(required_resource_keys={"session"})
    async def fetch_again(context, value: int) -> int:
        return value + await context.resources.session.get(3)

    @job(executor_def=executor, resource_defs={"session": session_resource})
    def fetching():
        fetch_again(fetch())

    return fetching


@pytest.mark.parametrize("executor", EXECUTORS, ids=lambda e: e.name)
def test_an_async_generator_resource_is_made_and_closed_on_the_loop_its_ops_use(
    executor: Any,
) -> None:
    made: list[Session] = []

    @resource
    async def session(_) -> AsyncIterator[Session]:
        client = Session()
        made.append(client)
        yield client
        await asyncio.sleep(0)  # teardown awaits on the same loop
        client.closed = True

    result = session_job(executor, session).execute_in_process()

    assert result.output_for_node("fetch_again") == 5
    assert made[0].closed


@pytest.mark.parametrize("executor", EXECUTORS, ids=lambda e: e.name)
def test_an_async_context_manager_resource_is_entered_and_exited(executor: Any) -> None:
    exited: list[bool] = []

    @asynccontextmanager
    async def open_session() -> AsyncIterator[Session]:
        try:
            yield Session()
        finally:
            exited.append(True)

    @resource
    def session(_):
        return open_session()

    result = session_job(executor, session).execute_in_process()

    assert result.output_for_node("fetch_again") == 5
    assert exited == [True]


def test_an_async_resource_returning_its_value_is_awaited() -> None:
    @resource
    async def session(_) -> Session:
        return Session()

    result = session_job(in_process_executor, session).execute_in_process()

    assert result.output_for_node("fetch_again") == 5


def test_a_failing_async_resource_fails_the_run_naming_it() -> None:
    @resource
    async def session(_):
        raise ConnectionError("no route to the API")
        yield  # an async generator

    result = session_job(in_process_executor, session).execute_in_process(raise_on_error=False)

    assert not result.success
    [failure] = result.filter_events(lambda e: e.event_type == EventType.RESOURCE_INIT_FAILURE)
    error = failure.event_specific_data.error  # type: ignore[union-attr]
    assert error.cls_name == "ConnectionError"
    assert "no route to the API" in error.message


def test_an_async_resource_works_on_worker_processes(tmp_path: Path) -> None:
    folder = tmp_path / "traces"
    folder.mkdir()
    run_config = {
        "resources": {"session": {"config": {"folder": str(folder)}}},
        "execution": {"config": {"multiprocess": {"max_concurrent": 1}}},
    }
    with Instance.local_temp(tmp_path / "home") as instance:
        result = execute_job(
            reconstructable(mp_jobs.async_resource_job), instance, run_config=run_config
        )

        assert result.success
        assert result.output_for_node("same_loop") is True
    assert (folder / "session_closed").exists()


def test_an_async_ops_prints_are_captured_as_its_own(tmp_path: Path) -> None:
    @op
    async def talk() -> int:
        await asyncio.sleep(0)
        print("said by talk")
        return 1

    @job
    def talking():
        talk()

    with Instance.local_temp(tmp_path / "home") as instance:
        result = talking.execute_in_process(instance=instance)
        out = instance.compute_log_manager.read(result.run_id, "talk", "stdout").data

    assert out.strip() == "said by talk"
