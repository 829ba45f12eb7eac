"""Jobs the Dask executor tests run, at module level so that Dask workers can import them.

Ops that leave traces across processes write files into the folder of the
``files`` resource (its ``dir`` config), which each test points at its own
temporary folder.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from dagwright import (
    DynamicOut,
    DynamicOutput,
    JobDefinition,
    RetryPolicy,
    dask_executor,
    failure_hook,
    graph,
    job,
    op,
    resource,
    success_hook,
)


class JobPointer:
    """A job of this module by name, rebuilt on demand (what ``reconstructable(job)`` gives)."""

    def __init__(self, name: str, op_selection: Sequence[str] | None = None) -> None:
        self.name = name
        self.op_selection = list(op_selection) if op_selection else None

    def get_definition(self) -> JobDefinition:
        found: JobDefinition = globals()[self.name]
        return found.get_subset(op_selection=self.op_selection) if self.op_selection else found

    def subset_for_execution(self, op_selection: Sequence[str]) -> JobPointer:
        return JobPointer(self.name, op_selection)


@resource(config_schema={"dir": str})
def files(init_context: Any) -> Iterator[Path]:
    """The test's folder; notes in ``resource-<pid>`` when it starts and when it is torn down."""
    folder = Path(init_context.resource_config["dir"])
    _append(folder / f"resource-{os.getpid()}", "started")
    try:
        yield folder
    finally:
        _append(folder / f"resource-{os.getpid()}", "closed")


def _append(path: Path, line: str) -> None:
    with path.open("a") as handle:
        handle.write(line + "\n")


def _first_time(context: Any, name: str) -> bool:
    """True the first time any process asks for ``name`` in this test's folder."""
    try:
        (context.resources.files / name).touch(exist_ok=False)
    except FileExistsError:
        return False
    return True


# --------------------------------------------------------------------------
# Ten steps: one, eight in parallel after it, one collecting them


@op
def emit() -> int:
    return 1


@op(required_resource_keys={"files"})
def add_one(x: int) -> int:
    time.sleep(0.1)  # long enough for both workers to take steps
    return x + 1


@op
def add_one_free(x: int) -> int:
    return x + 1


@op
def total(values: list[int]) -> int:
    return sum(values)


@job(executor_def=dask_executor, resource_defs={"files": files})
def ten_steps():
    first = emit()
    total([add_one.alias(f"add_{i}")(first) for i in range(8)])


@graph(unit=True)
def eight_adds(first):
    return total([add_one.alias(f"add_{i}")(first) for i in range(8)])


@job(executor_def=dask_executor, resource_defs={"files": files})
def ten_steps_as_unit():
    eight_adds(emit())


# --------------------------------------------------------------------------
# Failures, retries, hooks


@op
def broken(x: int) -> int:
    raise ValueError(f"broken on purpose with {x}")


@job(executor_def=dask_executor)
def failing():
    broken(emit())


@op(required_resource_keys={"files"}, retry_policy=RetryPolicy(max_retries=2))
def flaky(context: Any) -> str:
    if _first_time(context, "flaky-tried"):
        raise ConnectionError("the first attempt fails")
    return "second time lucky"


@job(executor_def=dask_executor, resource_defs={"files": files})
def retried():
    flaky()


@op(required_resource_keys={"files"})
def fails_first_time(context: Any, x: int) -> int:
    if _first_time(context, "failed-once"):
        raise ValueError("the first run fails here")
    return x * 10


@job(executor_def=dask_executor, resource_defs={"files": files})
def fails_once():
    add_one_free(fails_first_time(emit()))


@success_hook
def note_success(context: Any) -> None:
    context.log.info(f"success hook saw {context.step_key}")


@failure_hook
def note_failure(context: Any) -> None:
    context.log.info(f"failure hook saw {context.step_key}")


@job(executor_def=dask_executor, hooks={note_success, note_failure})
def hooked():
    broken(emit())


# --------------------------------------------------------------------------
# Dynamic outputs


@op(out=DynamicOut())
def fan_out() -> Iterator[DynamicOutput[int]]:
    for i in range(6):
        yield DynamicOutput(i, mapping_key=f"k{i}")


@op
def slow_double(x: int) -> int:
    time.sleep(0.1)
    return x * 2


@job(executor_def=dask_executor)
def mapped():
    total(fan_out().map(slow_double).collect())


# --------------------------------------------------------------------------
# Lost workers


def _kill_own_process(context: Any) -> None:
    context.log.info("about to die")
    time.sleep(0.5)  # lets the line above leave the worker first
    os.kill(os.getpid(), signal.SIGKILL)


@op
def die(context: Any, x: int) -> int:
    _kill_own_process(context)
    return x


@job(executor_def=dask_executor)
def lost():
    add_one_free(die(emit()))


@op(required_resource_keys={"files"}, retry_policy=RetryPolicy(max_retries=1))
def die_once(context: Any, x: int) -> int:
    if _first_time(context, "died"):
        _kill_own_process(context)
    return x


@job(executor_def=dask_executor, resource_defs={"files": files})
def lost_once():
    add_one_free(die_once(emit()))


# --------------------------------------------------------------------------
# Tag limits, live events, resources that fail


@op(required_resource_keys={"files"}, tags={"database": "warehouse"})
def exclusive(context: Any, x: int) -> int:
    """Holds the lock file while it runs: a second one at the same time fails to create it."""
    lock = context.resources.files / "lock"
    lock.touch(exist_ok=False)
    time.sleep(0.1)
    lock.unlink()
    return x


@job(executor_def=dask_executor, resource_defs={"files": files})
def limited():
    first = emit()
    for i in range(4):
        exclusive.alias(f"exclusive_{i}")(first)


@op(required_resource_keys={"files"})
def wait_for_go(context: Any) -> str:
    """Runs until the test writes ``go`` (a minute at most, so a broken test cannot hang)."""
    go = context.resources.files / "go"
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("nobody said go")
        time.sleep(0.02)
    return "went"


@job(executor_def=dask_executor, resource_defs={"files": files})
def waiting():
    wait_for_go()


@op(required_resource_keys={"files"})
def sleep_long(context: Any) -> None:
    """Sleeps a minute in short naps (a cancel interrupts a Dask step between two lines)."""
    context.log.info("sleeping")
    for _ in range(600):
        time.sleep(0.1)


@job(executor_def=dask_executor, resource_defs={"files": files})
def long_sleepers():
    for name in ("sleep_a", "sleep_b", "sleep_c"):
        sleep_long.alias(name)()


@resource
def unreachable_database(_: Any) -> Any:
    raise ConnectionRefusedError("the database is down")


@op(required_resource_keys={"database"})
def query(context: Any) -> int:
    return 1


@job(executor_def=dask_executor, resource_defs={"database": unreachable_database})
def bad_resources():
    query()


# --------------------------------------------------------------------------
# An async resource and async ops on the workers


@resource
async def loop_bound(_):
    import asyncio

    yield {"loop": id(asyncio.get_running_loop())}


@op(required_resource_keys={"session"})
async def on_session_loop(context) -> bool:
    import asyncio

    await asyncio.sleep(0)
    return context.resources.session["loop"] == id(asyncio.get_running_loop())


@op
def all_true(flags: list[bool]) -> bool:
    return all(flags)


@job(executor_def=dask_executor, resource_defs={"session": loop_bound})
def async_ops():
    all_true([on_session_loop.alias(f"check_{i}")() for i in range(4)])
