"""The benchmark workloads, written once against the API dagwright and Dagster share.

Run under one interpreter per library (``--lib dagwright`` or ``--lib dagster``);
prints one JSON object with the measured figures. ``run.py`` drives it for both
sides and prints the comparison.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


def import_seconds(lib: str, repeat: int) -> float:
    """Median wall time of ``import <lib>`` in a fresh interpreter (the import alone)."""
    code = f"import time; t = time.perf_counter(); import {lib}; print(time.perf_counter() - t)"
    samples = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        samples.append(float(out.strip()))
    return statistics.median(samples)


def chain_job(lib: Any, n: int) -> Any:
    """``first -> s0 -> s1 -> ... -> s{n-1}``: every op waits for the previous one."""

    @lib.op
    def first():
        return 0

    @lib.op
    def step(x):
        return x + 1

    @lib.job(name=f"chain_{n}")
    def chain():
        value = first()
        for i in range(n):
            value = step.alias(f"s{i}")(value)

    return chain


def fan_job(lib: Any, n: int) -> Any:
    """``source -> n independent ops -> one op that takes all n results as a list``."""

    @lib.op
    def source():
        return 1

    @lib.op
    def branch(x):
        return x * 2

    @lib.op
    def gather(values):
        return sum(values)

    @lib.job(name=f"fan_{n}")
    def fan():
        start = source()
        gather([branch.alias(f"b{i}")(start) for i in range(n)])

    return fan


def persistent_instance(lib: Any, home: str) -> Any:
    """Each library's persistent instance on a SQLite database in the folder ``home``.

    Dagster: ``DagsterInstance.local_temp`` (its default SQLite run, event log and
    schedule storage, local compute logs), with telemetry off so neither side
    writes anything but the run. dagwright: ``Instance.from_home`` (one SQLite
    file, compute logs captured per step).
    """
    if lib.__name__ == "dagster":
        return lib.DagsterInstance.local_temp(home, overrides={"telemetry": {"enabled": False}})
    return lib.Instance.from_home(home)


def time_runs(job: Any, repeat: int, instance: Any = None) -> tuple[float, float]:
    """(first run, median of the next ``repeat`` runs) of execute_in_process, in seconds.

    Without ``instance`` each run uses the library's default (an ephemeral,
    in-memory instance); with one, every run is recorded in it.
    """

    def once() -> float:
        gc.collect()
        started = time.perf_counter()
        result = job.execute_in_process(instance=instance, run_config=QUIET)
        elapsed = time.perf_counter() - started
        if not result.success:
            raise SystemExit(f"{job.name} failed")
        return elapsed

    first = once()
    return first, statistics.median(once() for _ in range(repeat))


def time_persistent_runs(lib: Any, job: Any, repeat: int) -> tuple[float, float]:
    """:func:`time_runs` on a fresh persistent SQLite instance in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="bench-home-") as home:
        instance = persistent_instance(lib, home)
        try:
            return time_runs(job, repeat, instance)
        finally:
            instance.dispose()


def configured_job(lib: Any, n: int) -> tuple[Any, dict[str, Any]]:
    """A chain of ``n`` ops that each take config, and a run config for all of them."""

    @lib.op(config_schema={"n": int, "label": lib.Field(str, default_value="step")})
    def configured(context, x):
        return x + context.op_config["n"]

    @lib.op
    def first():
        return 0

    @lib.job(name=f"configured_{n}")
    def configured_chain():
        value = first()
        for i in range(n):
            value = configured.alias(f"c{i}")(value)

    run_config = {"ops": {f"c{i}": {"config": {"n": 1}} for i in range(n)}}
    return configured_chain, run_config


def time_validation(lib: Any, n: int, repeat: int) -> float:
    """Median seconds of validate_run_config for the ``n``-op configured job (schema built)."""
    job, run_config = configured_job(lib, n)
    lib.validate_run_config(job, run_config)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        lib.validate_run_config(job, run_config)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


WORKLOADS: dict[str, Callable[[Any, int], Any]] = {"chain": chain_job, "fan": fan_job}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lib", choices=["dagwright", "dagster"], required=True)
    parser.add_argument("--ops", type=int, default=1000, help="ops per workload")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-repeat", type=int, default=7)
    parser.add_argument(
        "--persistent-repeat",
        type=int,
        help="runs measured on the persistent SQLite instance (default: --repeat)",
    )
    args = parser.parse_args()

    figures: dict[str, Any] = {
        "lib": args.lib,
        "ops": args.ops,
        "import_s": import_seconds(args.lib, args.import_repeat),
    }
    started = time.perf_counter()
    lib = importlib.import_module(args.lib)
    figures["version"] = getattr(lib, "__version__", "?")
    figures["import_in_process_s"] = time.perf_counter() - started
    for name, build in WORKLOADS.items():
        t = time.perf_counter()
        job = build(lib, args.ops)
        figures[f"{name}_define_s"] = time.perf_counter() - t
        first, median = time_runs(job, args.repeat)
        total_ops = args.ops + (1 if name == "chain" else 2)
        figures[f"{name}_first_run_s"] = first
        figures[f"{name}_run_s"] = median
        figures[f"{name}_ms_per_op"] = median / total_ops * 1000
        repeat = args.persistent_repeat if args.persistent_repeat is not None else args.repeat
        first, median = time_persistent_runs(lib, job, repeat)
        figures[f"{name}_sqlite_first_run_s"] = first
        figures[f"{name}_sqlite_run_s"] = median
        figures[f"{name}_sqlite_ms_per_op"] = median / total_ops * 1000
    figures["validate_config_s"] = time_validation(lib, args.ops, args.repeat)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
