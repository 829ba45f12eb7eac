"""The jobs of the executor benchmarks (``executors.py``), written once for both libraries.

The library is chosen by the environment variable ``BENCH_EXECUTOR_LIB``
(``dagwright`` or ``dagster``), read when this module is imported; worker
processes (multiprocess workers, Dask workers, Dagster's step processes)
inherit the environment, so they import the same library and rebuild the
same jobs from ``reconstructable(job)``. The jobs are defined at module level
under their own names for that reason. The sizes come from the environment
too (``BENCH_EXECUTOR_SLEEP_STEPS``, ``BENCH_EXECUTOR_SLEEP_S``,
``BENCH_EXECUTOR_STEPS``, ``BENCH_EXECUTOR_SMALL_STEPS``), so that a quick
check can shrink them; the defaults are the benchmark's.

- ``sleep_job``: 20 ops with no inputs, each sleeping 0.5 s: 20 independent
  steps, on the multiprocess executor.
- ``fan_<executor>_large`` / ``fan_<executor>_small``: ``source -> N
  independent ops that add one -> gather(list of the N values)``, N = 200
  and 2, that is 202 and 4 steps, on the multiprocess and the Dask executor.
- ``chain_steps`` / ``chain_unit``: ``source -> a graph of 10 chained ops ->
  last``, on the multiprocess executor; ``chain_unit`` (dagwright only) marks
  the graph as one unit (one worker task, in-memory hand-offs inside).
"""

from __future__ import annotations

import importlib
import os
import time
from typing import Any

LIB = os.environ.get("BENCH_EXECUTOR_LIB", "dagwright")
if LIB not in ("dagwright", "dagster"):
    raise SystemExit(f"BENCH_EXECUTOR_LIB must be dagwright or dagster, not {LIB!r}")

lib: Any = importlib.import_module(LIB)
dask_executor: Any = (
    importlib.import_module("dagster_dask").dask_executor if LIB == "dagster" else lib.dask_executor
)
multiprocess_executor: Any = lib.multiprocess_executor

SLEEP_STEPS = int(os.environ.get("BENCH_EXECUTOR_SLEEP_STEPS", "20"))
SLEEP_S = float(os.environ.get("BENCH_EXECUTOR_SLEEP_S", "0.5"))
STEPS = int(os.environ.get("BENCH_EXECUTOR_STEPS", "200"))
SMALL_STEPS = int(os.environ.get("BENCH_EXECUTOR_SMALL_STEPS", "2"))


def fan_steps(n: int) -> int:
    """The steps of a fan job with ``n`` branches: the source, the branches, the gather."""
    return n + 2


@lib.op
def nap() -> None:
    time.sleep(SLEEP_S)


@lib.job(executor_def=multiprocess_executor)
def sleep_job() -> None:
    for i in range(SLEEP_STEPS):
        nap.alias(f"nap_{i}")()


@lib.op
def source() -> int:
    return 1


@lib.op
def branch(x: int) -> int:
    return x + 1


@lib.op
def gather(values: list[int]) -> int:
    return sum(values)


def _fan(n: int) -> None:
    start = source()
    gather([branch.alias(f"branch_{i}")(start) for i in range(n)])


@lib.job(executor_def=multiprocess_executor)
def fan_multiprocess_large() -> None:
    _fan(STEPS)


@lib.job(executor_def=multiprocess_executor)
def fan_multiprocess_small() -> None:
    _fan(SMALL_STEPS)


@lib.job(executor_def=dask_executor)
def fan_dask_large() -> None:
    _fan(STEPS)


@lib.job(executor_def=dask_executor)
def fan_dask_small() -> None:
    _fan(SMALL_STEPS)


# A graph of 10 chained ops between a source and a last op, on the multiprocess executor:
# as 10 steps of their own (both libraries), and, dagwright only, marked as one unit.
CHAIN_OPS = 10


@lib.graph
def ten_links(start: int) -> Any:
    value = start
    for i in range(CHAIN_OPS):
        value = branch.alias(f"link_{i}")(value)
    return value


@lib.job(executor_def=multiprocess_executor)
def chain_steps() -> None:
    gather.alias("last")([ten_links(source())])


if LIB == "dagwright":

    @lib.job(executor_def=multiprocess_executor)
    def chain_unit() -> None:
        gather.alias("last")([ten_links.as_unit()(source())])
