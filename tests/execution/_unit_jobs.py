"""Jobs with execution units, at module level so worker processes can import them.

The ops leave their traces (one line with the pid of the process they ran
in, per run of the op) in the folder the ``traces`` resource is configured
with: worker processes do not share the test's memory.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from dagwright import (
    Definitions,
    RetryPolicy,
    define_asset_job,
    graph,
    graph_asset,
    job,
    multiprocess_executor,
    op,
    resource,
)


@resource(config_schema={"folder": str})
def traces(context) -> Path:
    return Path(context.resource_config["folder"])


def _trace(context) -> None:
    """Add a line with this process's pid to the file named after the op's handle."""
    with (context.resources.traces / context.op_handle).open("a") as file:
        file.write(f"{os.getpid()}\n")


@op(required_resource_keys={"traces"})
def start(context) -> int:
    _trace(context)
    return 0


@op(required_resource_keys={"traces"})
def inc(context, x: int) -> int:
    _trace(context)
    return x + 1


@op
def add(a: int, b: int) -> int:
    return a + b


def _chain(x, name: str, length: int):
    for i in range(length):
        x = inc.alias(f"{name}_{i}")(x)
    return x


# --------------------------------------------------------------------------
# Ten ops: one chain, or two chains that could run side by side


@graph(unit=True)
def chain(x):
    return _chain(x, "inc", 10)


@job(executor_def=multiprocess_executor, resource_defs={"traces": traces})
def unit_chain_job():
    chain(start())


@graph
def two_chains(x):
    return add(_chain(x, "left", 4), _chain(x, "right", 4))


_PARALLEL_EXECUTOR = multiprocess_executor.configured({"max_concurrent": 4})


@job(executor_def=_PARALLEL_EXECUTOR, resource_defs={"traces": traces})
def two_chains_as_unit_job():
    two_chains.as_unit()(start())


@job(executor_def=_PARALLEL_EXECUTOR, resource_defs={"traces": traces})
def two_chains_job():
    two_chains(start())


# --------------------------------------------------------------------------
# A value no IO manager could store, handed over inside a unit


@op
def make_lock():
    return threading.Lock()


@op
def use_lock(lock) -> str:
    with lock:
        return "locked and released"


@graph(unit=True)
def locking():
    return use_lock(make_lock())


@job(executor_def=multiprocess_executor)
def lock_job():
    locking()


# --------------------------------------------------------------------------
# A unit retried as a whole: its second op fails on its first attempt


@op(required_resource_keys={"traces"})
def fails_once(context, x: int) -> int:
    _trace(context)
    if context.retry_number == 0:
        raise RuntimeError("first attempt fails")
    return x + 1


@graph(unit=True)
def retried(x):
    return fails_once(inc(x))


@job(executor_def=multiprocess_executor, resource_defs={"traces": traces})
def retried_unit_job():
    retried.with_retry_policy(RetryPolicy(max_retries=1))(start())


# --------------------------------------------------------------------------
# A graph-backed asset run as a unit


@graph_asset(unit=True)
def counted():
    return inc.alias("second")(inc.alias("first")(start()))


unit_defs = Definitions(
    assets=[counted],
    jobs=[define_asset_job("counted_job")],
    resources={"traces": traces},
    executor=multiprocess_executor,
)


# --------------------------------------------------------------------------
# A unit whose worker dies in its second op


@op(required_resource_keys={"traces"})
def kills_its_worker(context, x: int) -> int:
    import signal

    _trace(context)
    os.kill(os.getpid(), signal.SIGKILL)
    return x


@graph(unit=True)
def doomed(x):
    return inc.alias("after_kill")(kills_its_worker(inc.alias("before_kill")(x)))


@job(executor_def=multiprocess_executor, resource_defs={"traces": traces})
def doomed_unit_job():
    doomed(start())


# --------------------------------------------------------------------------
# A unit canceled while its second op sleeps


@op
def sleeps_long(context, x: int) -> int:
    import time

    context.log.info("sleeping")
    time.sleep(60)
    return x


@graph(unit=True)
def sleepy(x):
    return inc.alias("after_nap")(sleeps_long(inc.alias("before_nap")(x)))


@job(executor_def=multiprocess_executor, resource_defs={"traces": traces})
def sleepy_unit_job():
    sleepy(start())


# --------------------------------------------------------------------------
# A unit whose first op fails and whose second op does not depend on it


@op(required_resource_keys={"traces"})
def a_fails(context) -> int:
    _trace(context)
    raise RuntimeError("a_fails fails")


@op(required_resource_keys={"traces"})
def b_independent(context) -> int:
    _trace(context)
    return 1


@graph(unit=True)
def half_broken():
    a_fails()
    b_independent()


@job(executor_def=multiprocess_executor, resource_defs={"traces": traces})
def half_broken_unit_job():
    half_broken()
