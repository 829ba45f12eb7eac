"""Concurrency inside one run: async ops and IO-bound sync ops, dagwright beside Dagster.

The ops are written once against the API both libraries share (``op``,
``job``, ``execute_in_process``): N ``async def`` ops that each ``await
asyncio.sleep(S)``, or N plain ops that each ``time.sleep(S)``, all feeding one
op that sums them. Each side runs in a fresh process of its own interpreter
(Dagster's from ``bench/.dagster-venv``, made by ``run.py``) and prints its
figures as JSON; this script prints them side by side.

dagwright runs the async jobs with ``async_executor`` and the sync one with
``thread_pool_executor`` (``max_workers`` = N), both through
``execute_in_process``; Dagster has neither, so its ``execute_in_process``
runs the same ops one after another (its documented way to run a job in
process). Figures are the wall time of ``execute_in_process`` on an
ephemeral instance, console logging at ERROR on both sides.

    python bench/concurrency.py                   # both sides (Dagster's takes ~2.5 min)
    python bench/concurrency.py --only dagwright  # a quick check, no Dagster
"""

from __future__ import annotations

import asyncio
import importlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from run import dagster_python, ratio, save_figures, side_by_side_parser
from workloads import QUIET

BUDGETS_S = {"async_small": 0.8, "async_large": 1.5, "threads": 0.8}  # issue 15
DEFAULT_SIZES = {"small": 20, "large": 200, "sleep_s": 0.5}


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# One side: runs in the library's own interpreter


def fan(lib: Any, width: int, sleep_s: float, *, asynchronous: bool, executor: Any) -> Any:
    """``width`` sleeping ops (async or not) summed by one op, on ``executor`` (None: the
    library's default)."""
    if asynchronous:

        async def wait() -> int:
            await asyncio.sleep(sleep_s)
            return 1

    else:

        def wait() -> int:
            time.sleep(sleep_s)
            return 1

    part = lib.op(name="part")(wait)

    @lib.op
    def total(values: list) -> int:  # type: ignore[type-arg]
        return sum(values)

    def compose() -> None:
        total([part.alias(f"part_{i}")() for i in range(width)])

    compose.__name__ = f"{'async' if asynchronous else 'sync'}_fan_{width}"
    settings = {"executor_def": executor} if executor is not None else {}
    return lib.job(**settings)(compose)


def _timed(job: Any, width: int) -> float:
    started = time.perf_counter()
    result = job.execute_in_process(run_config=QUIET)
    elapsed = time.perf_counter() - started
    if not result.success or result.output_for_node("total") != width:
        raise RuntimeError(f"{job.name} did not sum its {width} ops")
    return elapsed


def measure_side(lib_name: str, repeat: int, sizes: dict[str, Any]) -> dict[str, Any]:
    lib = importlib.import_module(lib_name)
    ours = lib_name == "dagwright"
    sleep_s = sizes["sleep_s"]
    workloads = {
        "async_small": (sizes["small"], True),
        "async_large": (sizes["large"], True),
        "threads": (sizes["small"], False),
    }
    figures: dict[str, Any] = {
        "version": lib.__version__,
        "repeat": repeat,
        **sizes,
    }
    _timed(fan(lib, 2, 0.0, asynchronous=True, executor=None), 2)  # warm-up, untimed
    for key, (width, asynchronous) in workloads.items():
        executor = None
        if ours and asynchronous:
            executor = lib.async_executor
        elif ours:
            executor = lib.thread_pool_executor.configured({"max_workers": width})
        job = fan(lib, width, sleep_s, asynchronous=asynchronous, executor=executor)
        samples = [_timed(job, width) for _ in range(repeat)]
        figures[key] = statistics.median(samples)
        _say(f"{lib_name}: {key} ({width} ops): {', '.join(f'{s:.3f}' for s in samples)} s")
    return figures


# --------------------------------------------------------------------------
# The comparison


def measure(python: Path | str, lib: str, repeat: int, sizes: dict[str, Any]) -> dict[str, Any]:
    import subprocess

    command = [str(python), str(Path(__file__).resolve()), "--side", lib, "--repeat", str(repeat)]
    for key, value in sizes.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    process = subprocess.run(command, capture_output=True, text=True)
    for line in process.stderr.splitlines():
        if line.startswith("[bench]"):
            print(line, file=sys.stderr)
    if process.returncode != 0:
        raise SystemExit(f"the {lib} side exited with {process.returncode}:\n{process.stderr}")
    figures: dict[str, Any] = json.loads(process.stdout.strip().splitlines()[-1])
    return figures


def table(ours: dict[str, Any], theirs: dict[str, Any] | None) -> str:
    sleep = f"{ours['sleep_s']:g} s"
    rows = [
        ("async_small", f"{ours['small']} async ops awaiting a {sleep} sleep, in process"),
        ("async_large", f"{ours['large']} async ops awaiting a {sleep} sleep, in process"),
        ("threads", f"{ours['small']} sync ops sleeping {sleep}, in process (threads)"),
    ]
    default = all(ours[key] == value for key, value in DEFAULT_SIZES.items())
    dagster = f"Dagster {theirs['version']} (median of {theirs['repeat']})" if theirs else "Dagster"
    lines = [
        f"| workload | dagwright {ours['version']} (median of {ours['repeat']}) | {dagster}"
        " | Dagster / dagwright | budget |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, label in rows:
        mine = ours[key]
        other = theirs.get(key) if theirs else None
        budget = BUDGETS_S[key] if default else None
        verdict = "-" if budget is None else f"< {budget} s {'met' if mine < budget else 'MISSED'}"
        theirs_cell = f"{other:.4g} s" if other is not None else "-"
        lines.append(
            f"| {label} | {mine:.4g} s | {theirs_cell} | {ratio(mine, other)} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = side_by_side_parser(__doc__)
    parser.add_argument("--small", type=int, default=DEFAULT_SIZES["small"])
    parser.add_argument("--large", type=int, default=DEFAULT_SIZES["large"])
    parser.add_argument("--sleep-s", type=float, default=DEFAULT_SIZES["sleep_s"])
    args = parser.parse_args()
    sizes = {"small": args.small, "large": args.large, "sleep_s": args.sleep_s}

    if args.side:
        print(json.dumps(measure_side(args.side, args.repeat, sizes)))
        return
    ours = measure(sys.executable, "dagwright", args.repeat, sizes)
    theirs = None
    if args.only == "both":
        theirs = measure(dagster_python(), "dagster", args.dagster_repeat, sizes)
    print(table(ours, theirs))
    if args.json:
        save_figures(args.json, ours, theirs)


if __name__ == "__main__":
    main()
