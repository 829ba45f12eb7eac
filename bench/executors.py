"""Executor benchmarks: the same jobs on dagwright's and Dagster's multiprocess and Dask executors.

The jobs (``_executor_jobs.py``) are written once against the API both
libraries share. Each side runs in a fresh process with its own interpreter
(dagwright: the one running this script; Dagster: ``bench/.dagster-venv``,
which ``run.py`` creates, with dagster-dask and dask[distributed]); that
process runs every job through ``execute_job(reconstructable(job), ...)`` on
a persistent instance in a new temporary folder and prints the figures as
JSON. This script prints them side by side.

    python bench/executors.py                       # both sides (Dagster's takes ~8 min)
    python bench/executors.py --only dagwright      # a quick check, no Dagster

Each side's stderr (Dagster's step logs, Dask's warnings, tracebacks) goes to
``bench/results/executors-<lib>.log`` (``--log-dir``); lines starting ``[bench]`` are shown.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from run import dagster_python, ratio, save_figures, side_by_side_parser
from workloads import QUIET, persistent_instance

HERE = Path(__file__).resolve().parent
LOG_DIR = HERE / "results"

MULTIPROCESS = {"max_concurrent": 2}
# Worker processes of one thread each; no dashboard on either side (bokeh, which
# it needs, is only in Dagster's venv, where dagster-dask requires it).
DASK_LOCAL = {"n_workers": 2, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
DASK = {"cluster": {"local": DASK_LOCAL}}

SLEEP_BUDGET_S = 5.6  # DESIGN.md section 6: 20 steps sleeping 0.5 s, 2 workers
DEFAULT_SIZES = {"sleep_steps": 20, "sleep_s": 0.5, "steps": 200, "small_steps": 2}


# --------------------------------------------------------------------------
# One side: runs in the library's own interpreter


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _run_once(lib: Any, job: Any, executor_config: dict[str, Any]) -> float:
    """Wall seconds of one ``execute_job`` call, on a new persistent instance (made untimed)."""
    run_config = {**QUIET, "execution": {"config": executor_config}}
    pointer = lib.reconstructable(job)
    with tempfile.TemporaryDirectory(prefix="bench-exec-home-") as home:
        instance = persistent_instance(lib, home)
        try:
            gc.collect()
            started = time.perf_counter()
            result = lib.execute_job(
                pointer, instance=instance, run_config=run_config, raise_on_error=True
            )
            elapsed = time.perf_counter() - started
            if not result.success:
                raise RuntimeError(f"the run of {job.name} did not succeed")
        finally:
            instance.dispose()
    return elapsed


def measure_side(lib_name: str, repeat: int, sizes: dict[str, Any]) -> dict[str, Any]:
    """Every workload on one library: ``repeat`` rounds, each running every job once."""
    # Worker processes inherit the environment: the library and the sizes, and
    # this folder on the path so that they can import the jobs' module.
    os.environ["BENCH_EXECUTOR_LIB"] = lib_name
    os.environ["BENCH_EXECUTOR_SLEEP_STEPS"] = str(sizes["sleep_steps"])
    os.environ["BENCH_EXECUTOR_SLEEP_S"] = str(sizes["sleep_s"])
    os.environ["BENCH_EXECUTOR_STEPS"] = str(sizes["steps"])
    os.environ["BENCH_EXECUTOR_SMALL_STEPS"] = str(sizes["small_steps"])
    path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(HERE) + (os.pathsep + path if path else "")
    # Dagster's step processes import the jobs' module from the working directory
    # that reconstructable() records (the current one), dropping the script's folder.
    os.chdir(HERE)

    import _executor_jobs as jobs

    lib = jobs.lib
    steps, small = jobs.fan_steps(jobs.STEPS), jobs.fan_steps(jobs.SMALL_STEPS)
    workloads: list[tuple[str, Any, dict[str, Any]]] = [
        ("sleep", jobs.sleep_job, MULTIPROCESS),
        ("multiprocess_small", jobs.fan_multiprocess_small, MULTIPROCESS),
        ("multiprocess_large", jobs.fan_multiprocess_large, MULTIPROCESS),
        ("dask_small", jobs.fan_dask_small, DASK),
        ("dask_large", jobs.fan_dask_large, DASK),
        ("chain_steps", jobs.chain_steps, MULTIPROCESS),
    ]
    if lib_name == "dagwright":  # Dagster cannot run a graph as one unit
        workloads.append(("chain_unit", jobs.chain_unit, MULTIPROCESS))
    figures: dict[str, Any] = {
        "lib": lib_name,
        "version": getattr(lib, "__version__", "?"),
        "repeat": repeat,
        **sizes,
        "steps_large": steps,
        "steps_small": small,
        "samples": {name: [] for name, _, _ in workloads},
        "errors": {},
    }
    # Untimed: the first run of each executor in this process imports its machinery.
    for name, job, config in (workloads[1], workloads[3]):
        try:
            _say(f"{lib_name}: warm-up {name}: {_run_once(lib, job, config):.2f} s")
        except Exception as error:  # reported in the figures, the other workloads still run
            traceback.print_exc()
            figures["errors"][f"warm-up {name}"] = f"{type(error).__name__}: {error}"
    for round_ in range(repeat):
        for name, job, config in workloads:
            if name in figures["errors"]:
                continue
            try:
                elapsed = _run_once(lib, job, config)
            except Exception as error:
                traceback.print_exc()
                figures["errors"][name] = f"{type(error).__name__}: {error}"
                _say(f"{lib_name}: {name} FAILED: {figures['errors'][name]}")
                continue
            figures["samples"][name].append(elapsed)
            _say(f"{lib_name}: round {round_ + 1}/{repeat} {name}: {elapsed:.2f} s")

    def median(name: str) -> float | None:
        samples = figures["samples"][name]
        return statistics.median(samples) if samples else None

    figures["sleep_s_wall"] = median("sleep")
    figures["chain_steps_s"] = median("chain_steps")
    figures["chain_unit_s"] = median("chain_unit") if "chain_unit" in figures["samples"] else None
    for executor in ("multiprocess", "dask"):
        large, little = median(f"{executor}_large"), median(f"{executor}_small")
        figures[f"{executor}_large_s"] = large
        figures[f"{executor}_small_s"] = little
        figures[f"{executor}_ms_per_step"] = None if large is None else large / steps * 1000
        figures[f"{executor}_marginal_ms_per_step"] = (
            None
            if large is None or little is None or steps == small
            else (large - little) / (steps - small) * 1000
        )
    return figures


# --------------------------------------------------------------------------
# The comparison: runs each side in its own process, prints the table


def measure(
    python: Path | str, lib: str, repeat: int, sizes: dict[str, Any], log_dir: Path = LOG_DIR
) -> dict[str, Any]:
    """One side's figures, from a fresh process of ``python``; its stderr goes to a log file."""
    env = dict(os.environ)
    if lib == "dagster":
        env.pop("PYTHONPATH", None)  # dagwright's sources have no business there
    command = [str(python), str(Path(__file__).resolve()), "--side", lib, "--repeat", str(repeat)]
    for key, value in sizes.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"executors-{lib}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        assert process.stderr is not None
        assert process.stdout is not None
        for line in process.stderr:
            log.write(line)
            if line.startswith("[bench]"):
                sys.stderr.write(line)
        out = process.stdout.read()
        code = process.wait()
    if code != 0:
        tail = "".join(log_path.read_text().splitlines(keepends=True)[-40:])
        raise SystemExit(f"the {lib} side exited with {code}; end of {log_path}:\n{tail}")
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    if figures["errors"]:
        _say(f"{lib}: errors (tracebacks in {log_path}): {figures['errors']}")
    return figures


def _rows(ours: dict[str, Any]) -> list[tuple[str, str, float | None, str]]:
    """(figure key, label, budget, unit) for the sizes measured."""
    large, small = ours["steps_large"], ours["steps_small"]
    default = all(ours[key] == value for key, value in DEFAULT_SIZES.items())
    rows: list[tuple[str, str, float | None, str]] = [
        (
            "sleep_s_wall",
            f"{ours['sleep_steps']} steps sleeping {ours['sleep_s']:g} s, multiprocess, "
            "max_concurrent 2: execute_job wall time",
            SLEEP_BUDGET_S if default else None,
            "s",
        )
    ]
    rows += [
        (
            "chain_steps_s",
            "graph of 10 chained ops (+ source, last), multiprocess: execute_job wall time",
            None,
            "s",
        ),
        ("chain_unit_s", "... the graph marked as one unit (one worker task)", None, "s"),
    ]
    for executor, label in (
        ("multiprocess", "multiprocess, max_concurrent 2"),
        ("dask", "Dask, LocalCluster of 2 worker processes"),
    ):
        rows += [
            (f"{executor}_large_s", f"{large}-step fan, {label}: execute_job wall time", None, "s"),
            (f"{executor}_small_s", f"{small}-step fan, {label}: execute_job wall time", None, "s"),
            (
                f"{executor}_ms_per_step",
                f"{large}-step fan, {label}: whole run / {large} steps",
                None,
                "ms/step",
            ),
            (
                f"{executor}_marginal_ms_per_step",
                f"fan, {label}: marginal, (T{large} - T{small}) / {large - small} steps",
                None,
                "ms/step",
            ),
        ]
    return rows


def table(ours: dict[str, Any], theirs: dict[str, Any] | None) -> str:
    def cell(figures: dict[str, Any] | None, key: str, unit: str) -> str:
        if figures is None:
            return "-"
        value = figures.get(key)
        if value is None and key == "chain_unit_s" and figures.get("lib") == "dagster":
            return "n/a (no units)"
        return f"{value:.4g} {unit}" if value is not None else "error"

    dagster = f"Dagster {theirs['version']} (median of {theirs['repeat']})" if theirs else "Dagster"
    lines = [
        f"| workload | dagwright {ours['version']} (median of {ours['repeat']}) | {dagster}"
        " | Dagster / dagwright | budget |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, label, budget, unit in _rows(ours):
        mine = ours.get(key)
        other = theirs.get(key) if theirs else None
        if budget is None:
            verdict = "-"
        elif mine is None:
            verdict = f"< {budget} {unit} error"
        else:
            verdict = f"< {budget} {unit} {'met' if mine < budget else 'MISSED'}"
        lines.append(
            f"| {label} | {cell(ours, key, unit)} | {cell(theirs, key, unit)} | "
            f"{ratio(mine, other)} | {verdict} |"
        )
    return "\n".join(lines)


def _sizes(args: argparse.Namespace) -> dict[str, Any]:
    return {key: getattr(args, key) for key in DEFAULT_SIZES}


def main() -> None:
    parser = side_by_side_parser(__doc__)
    parser.add_argument(
        "--log-dir", type=Path, default=LOG_DIR, help="where each side's stderr is kept"
    )
    parser.add_argument("--sleep-steps", type=int, default=DEFAULT_SIZES["sleep_steps"])
    parser.add_argument("--sleep-s", type=float, default=DEFAULT_SIZES["sleep_s"])
    parser.add_argument(
        "--steps", type=int, default=DEFAULT_SIZES["steps"], help="branches of the big fan"
    )
    parser.add_argument(
        "--small-steps", type=int, default=DEFAULT_SIZES["small_steps"], help="... of the small"
    )
    args = parser.parse_args()

    if args.side:  # one side, in its own interpreter: print the figures as JSON
        print(json.dumps(measure_side(args.side, args.repeat, _sizes(args))))
        return

    ours = measure(sys.executable, "dagwright", args.repeat, _sizes(args), args.log_dir)
    theirs = None
    if args.only == "both":
        python = dagster_python()
        theirs = measure(python, "dagster", args.dagster_repeat, _sizes(args), args.log_dir)
    print(table(ours, theirs))
    if args.json:
        save_figures(args.json, ours, theirs)


if __name__ == "__main__":
    main()
