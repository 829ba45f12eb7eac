"""Jobs for the multiprocess executor tests, at module level so worker processes can import them.

Tests tell the jobs where to leave traces (flag files, marker files) through
run config: worker processes do not share the test's memory or environment.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from dagwright import (
    DynamicOut,
    DynamicOutput,
    Field,
    RetryPolicy,
    fs_io_manager,
    job,
    mem_io_manager,
    multi_or_in_process_executor,
    multiprocess_executor,
    op,
    resource,
    success_hook,
)


def _touch(folder: str, name: str) -> None:
    """Add a line to ``folder/name``: a file written twice has two lines."""
    with Path(folder, name).open("a") as file:
        file.write(f"{os.getpid()}\n")


# --------------------------------------------------------------------------
# Values through the IO manager: plain, dynamic (mapped) and collected outputs


@op
def emit() -> int:
    return 5


@op
def add_one(x: int) -> int:
    return x + 1


@op(out=DynamicOut())
def fan_out():
    for i in range(3):
        yield DynamicOutput(i, mapping_key=f"k{i}")


@op
def double(x: int) -> int:
    return x * 2


@op
def total(values: list[int]) -> int:
    return sum(values)


@job(executor_def=multiprocess_executor)
def values_job():
    add_one(emit())
    total(fan_out().map(double).collect())


@job(executor_def=multiprocess_executor, resource_defs={"io_manager": fs_io_manager})
def fs_values_job():
    add_one(emit())


# --------------------------------------------------------------------------
# Concurrency: steps that say which process they ran in. A step configured
# with ``expect: n`` waits (up to 10 s) until n steps have arrived in
# ``folder``, so steps that must overlap do, however slowly workers start;
# ``nap`` keeps a step busy for a while after that.

_MEET_CONFIG = {
    "folder": str,
    "expect": Field(int, default_value=1),
    "nap": Field(float, default_value=0.0),
}


def _meet(context) -> int:
    config = context.op_config
    folder = Path(config["folder"])
    (folder / f"arrived-{context.op.name}").write_text(str(os.getpid()))
    give_up = time.monotonic() + 10
    while len(list(folder.glob("arrived-*"))) < config["expect"] and time.monotonic() < give_up:
        time.sleep(0.01)
    time.sleep(config["nap"])
    return os.getpid()


@op(config_schema=_MEET_CONFIG)
def meet(context) -> int:
    return _meet(context)


@op(config_schema=_MEET_CONFIG, tags={"db": "x"})
def db_meet(context) -> int:
    return _meet(context)


@job(executor_def=multiprocess_executor)
def two_steps():
    meet.alias("step_a")()
    meet.alias("step_b")()


@job(executor_def=multiprocess_executor.configured({"max_concurrent": 1}))
def two_steps_one_at_a_time():
    meet.alias("step_a")()
    meet.alias("step_b")()


@job(executor_def=multiprocess_executor.configured({"max_concurrent": 2}, name="laptop_pool"))
def two_steps_on_a_renamed_executor():
    meet.alias("step_a")()
    meet.alias("step_b")()


@op
def parent_pid() -> int:
    return os.getppid()


@job(executor_def=multiprocess_executor)
def whose_child():
    parent_pid()


@job(executor_def=multiprocess_executor)
def tagged_steps():
    db_meet.alias("db_1")()
    db_meet.alias("db_2")()
    meet.alias("free_1")()
    meet.alias("free_2")()


# --------------------------------------------------------------------------
# Retries, hooks, config and resources


@op(config_schema={"flag": str}, retry_policy=RetryPolicy(max_retries=2))
def flaky(context) -> str:
    flag = Path(context.op_config["flag"])
    if not flag.exists():
        flag.write_text("failed once")
        raise RuntimeError("first attempt fails")
    return "second attempt"


@job(executor_def=multiprocess_executor)
def retrying():
    flaky()


@success_hook
def mark_success(context) -> None:
    _touch(context.op_config["folder"], f"hook-{context.op.name}")


@op(config_schema={"folder": str})
def hooked_op() -> int:
    return 1


@job(executor_def=multiprocess_executor, hooks={mark_success})
def hooked():
    hooked_op()


@resource(config_schema={"folder": str, "greeting": str})
def scratch(init_context):
    """Adds a line to ``init-<pid>`` when started and to ``teardown-<pid>`` when torn down."""
    folder = init_context.resource_config["folder"]
    _touch(folder, f"init-{os.getpid()}")
    try:
        yield init_context.resource_config
    finally:
        _touch(folder, f"teardown-{os.getpid()}")


@op(config_schema={"suffix": str}, required_resource_keys={"scratch"})
def greet(context) -> str:
    time.sleep(0.05)
    return f"{context.resources.scratch['greeting']} {context.op_config['suffix']}"


@job(executor_def=multiprocess_executor, resource_defs={"scratch": scratch})
def greetings():
    for i in range(4):
        greet.alias(f"greet_{i}")()


# --------------------------------------------------------------------------
# Failures


@op
def explode_in_worker() -> None:
    raise ValueError("exploded on purpose")


@job(executor_def=multiprocess_executor)
def exploding():
    explode_in_worker()


@op(config_schema={"flag": str})
def die_once(context, x: int) -> int:
    """Kills its own worker the first time (when the flag file is not there yet)."""
    flag = Path(context.op_config["flag"])
    if not flag.exists():
        flag.write_text("killed once")
        os.kill(os.getpid(), signal.SIGKILL)
    return x + 1


@job(executor_def=multiprocess_executor)
def dying():
    add_one.alias("after")(die_once(emit()))


@op
def make_lock() -> Any:
    return threading.Lock()


@job(executor_def=multiprocess_executor)
def unpicklable():
    make_lock()


@resource
def broken_resource(init_context):
    raise ConnectionError("the database is down")


@op(required_resource_keys={"db"})
def use_db(context) -> int:
    return 1


@job(executor_def=multiprocess_executor, resource_defs={"db": broken_resource})
def broken_resources():
    use_db()


@op
def chatty() -> None:
    print("hello from a worker")


@job(executor_def=multiprocess_executor)
def printing():
    chatty()


# --------------------------------------------------------------------------
# Cancellation: steps that sleep until interrupted


@op(required_resource_keys={"scratch"})
def sleep_long(context) -> None:
    context.log.info("sleeping")
    time.sleep(60)


@op(retry_policy=RetryPolicy(max_retries=1, delay=60))
def retry_in_a_minute() -> None:
    raise ConnectionError("the service is down")


@job(executor_def=multiprocess_executor)
def waits_to_retry():
    retry_in_a_minute()


@job(executor_def=multiprocess_executor, resource_defs={"scratch": scratch})
def long_sleepers():
    sleep_long.alias("sleep_a")()
    sleep_long.alias("sleep_b")()


@job(resource_defs={"scratch": scratch})
def long_sleeper_in_process():
    sleep_long()


# --------------------------------------------------------------------------
# No executor named: the default (multi_or_in_process_executor)


@job
def default_executor_job():
    meet.alias("step_a")()
    meet.alias("step_b")()


@job(resource_defs={"io_manager": mem_io_manager})
def default_executor_in_memory():
    meet.alias("step_a")()


@job(executor_def=multi_or_in_process_executor.configured({"in_process": {}}))
def default_executor_set_in_process():
    meet.alias("step_a")()


# --------------------------------------------------------------------------
# Canceling at awkward moments


@success_hook
def slow_success_hook(context) -> None:
    context.log.info("hooking")
    time.sleep(3)


@op
def quick() -> int:
    return 1


@job(executor_def=multiprocess_executor)
def hooked_slowly():
    quick.with_hooks({slow_success_hook})()


@job
def hooked_slowly_in_process():
    quick.with_hooks({slow_success_hook})()


@op(retry_policy=RetryPolicy(max_retries=1, delay=0.5))
def fails_then_waits(context) -> None:
    if context.retry_number == 0:
        raise ConnectionError("first attempt fails")


@op
def sleeps_two_seconds() -> None:
    time.sleep(2)


@job(executor_def=multiprocess_executor.configured({"max_concurrent": 1}))
def retry_due_while_busy():
    sleeps_two_seconds()
    fails_then_waits()


@job
def waits_to_retry_in_process():
    retry_in_a_minute()


@resource(config_schema={"folder": str})
def slow_to_start(init_context):
    """Takes 5 s to start (notes ``starting-<pid>`` first); notes ``closed-<pid>`` at teardown."""
    folder = init_context.resource_config["folder"]
    _touch(folder, f"starting-{os.getpid()}")
    try:
        time.sleep(5)
        yield "ready"
    finally:
        _touch(folder, f"closed-{os.getpid()}")


@op(required_resource_keys={"slow"})
def needs_slow(context) -> None:
    return None


@job(executor_def=multiprocess_executor, resource_defs={"slow": slow_to_start})
def slow_start():
    needs_slow()


# --------------------------------------------------------------------------
# An async resource, used by an async op in each worker


@resource(config_schema={"folder": Field(str)})
async def async_session(context):
    import asyncio

    loop = id(asyncio.get_running_loop())
    yield {"loop": loop}
    _touch(context.resource_config["folder"], "session_closed")


@op(required_resource_keys={"session"})
async def same_loop(context) -> bool:
    import asyncio

    return context.resources.session["loop"] == id(asyncio.get_running_loop())


@job(resource_defs={"session": async_session, "io_manager": fs_io_manager})
def async_resource_job():
    same_loop()
