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
FAN_BUDGET_MS = 0.25  # per mapped step, in memory, at 20,000 keys (issue 15)
PERSISTENT_FAN_BUDGET_S = 30.0  # 20,000 mapped steps on a persistent SQLite instance
DEFAULT_SIZES = {"small": 20, "large": 200, "sleep_s": 0.5}
DEFAULT_FAN_KEYS = [200, 2000, 20000]
DAGSTER_MAX_KEYS = 2000  # Dagster's ~10 ms per mapped step: 20,000 keys would take minutes


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


def dynamic_fan(lib: Any, keys: int) -> Any:
    """A ``DynamicOut`` op yielding ``keys`` mapping keys, ``.map()`` over a light op, then
    ``.collect()`` into a sum."""

    @lib.op(out=lib.DynamicOut())
    def split():  # type: ignore[no-untyped-def]
        for i in range(keys):
            yield lib.DynamicOutput(i, mapping_key=str(i))

    @lib.op
    def light(x: int) -> int:
        return x + 1

    @lib.op
    def total(values: list) -> int:  # type: ignore[type-arg]
        return sum(values)

    @lib.job(name=f"dynamic_fan_{keys}")
    def fan() -> None:
        total(split().map(light).collect())

    return fan


def _peak_rss_kb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_fans(lib: Any, fan_keys: list[int], persistent: bool) -> dict[str, Any]:
    """Wall time per mapped step at each size, in memory (and at the largest size on a
    persistent instance); the growth of the process's peak memory over the largest run."""
    figures: dict[str, Any] = {}
    _timed(dynamic_fan(lib, 2), 2, total=3)  # warm-up, untimed
    before = _peak_rss_kb()
    for keys in fan_keys:
        seconds = _timed(dynamic_fan(lib, keys), keys, total=sum(range(1, keys + 1)))
        figures[f"fan_{keys}_ms_per_step"] = seconds / keys * 1000
        _say(f"{lib.__name__}: dynamic fan-out of {keys}: {seconds:.3f} s")
    # the largest run sets the peak: its growth per mapping key compares across sizes
    figures["fan_peak_rss_kb_per_key"] = (_peak_rss_kb() - before) / max(fan_keys)
    if persistent:
        import tempfile

        keys = fan_keys[-1]
        job = dynamic_fan(lib, keys)
        with tempfile.TemporaryDirectory() as folder, lib.Instance.local_temp(folder) as instance:
            started = time.perf_counter()
            result = job.execute_in_process(instance=instance, run_config=QUIET)
            seconds = time.perf_counter() - started
        if result.output_for_node("total") != sum(range(1, keys + 1)):
            raise RuntimeError(f"{job.name} did not sum its {keys} mapped steps")
        figures[f"fan_{keys}_persistent_s"] = seconds
        _say(f"{lib.__name__}: dynamic fan-out of {keys}, persistent SQLite: {seconds:.3f} s")
    return figures


def _timed(job: Any, width: int, total: int | None = None) -> float:
    started = time.perf_counter()
    result = job.execute_in_process(run_config=QUIET)
    elapsed = time.perf_counter() - started
    if not result.success or result.output_for_node("total") != (width if total is None else total):
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
    fan_keys = (
        sizes["fan_keys"] if ours else [k for k in sizes["fan_keys"] if k <= DAGSTER_MAX_KEYS]
    )
    figures.update(measure_fans(lib, fan_keys, persistent=ours))
    return figures


# --------------------------------------------------------------------------
# The comparison


def measure(python: Path | str, lib: str, repeat: int, sizes: dict[str, Any]) -> dict[str, Any]:
    import subprocess

    command = [str(python), str(Path(__file__).resolve()), "--side", lib, "--repeat", str(repeat)]
    for key, value in sizes.items():
        values = value if isinstance(value, list) else [value]
        command += [f"--{key.replace('_', '-')}", *map(str, values)]
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
    rows: list[tuple[str, str]]
    dagster = f"Dagster {theirs['version']} (median of {theirs['repeat']})" if theirs else "Dagster"
    lines = [
        f"| workload | dagwright {ours['version']} (median of {ours['repeat']}) | {dagster}"
        " | Dagster / dagwright | budget |",
        "| --- | --- | --- | --- | --- |",
    ]
    budgets: dict[str, float] = dict(BUDGETS_S) if default else {}
    rows = [(key, label, "s") for key, label in rows]
    for keys in ours["fan_keys"]:
        key = f"fan_{keys}_ms_per_step"
        rows.append((key, f"dynamic fan-out of {keys:,} mapped steps, in memory, per step", "ms"))
        if keys == 20000:
            budgets[key] = FAN_BUDGET_MS
    largest = ours["fan_keys"][-1]
    rows.append(
        (f"fan_{largest}_persistent_s", f"... {largest:,} on a persistent SQLite instance", "s")
    )
    if largest == 20000:
        budgets[f"fan_{largest}_persistent_s"] = PERSISTENT_FAN_BUDGET_S
    rows.append(
        ("fan_peak_rss_kb_per_key", "... growth of peak memory per key, largest fan-out", "KB")
    )
    for key, label, unit in rows:
        mine = ours.get(key)
        other = theirs.get(key) if theirs else None
        budget = budgets.get(key)
        if budget is None or mine is None:
            verdict = "-"
        else:
            verdict = f"< {budget:g} {unit} {'met' if mine < budget else 'MISSED'}"
        mine_cell = f"{mine:.4g} {unit}" if mine is not None else "-"
        theirs_cell = f"{other:.4g} {unit}" if other is not None else "-"
        lines.append(
            f"| {label} | {mine_cell} | {theirs_cell} | {ratio(mine, other)} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = side_by_side_parser(__doc__)
    parser.add_argument("--small", type=int, default=DEFAULT_SIZES["small"])
    parser.add_argument("--large", type=int, default=DEFAULT_SIZES["large"])
    parser.add_argument("--sleep-s", type=float, default=DEFAULT_SIZES["sleep_s"])
    parser.add_argument(
        "--fan-keys",
        type=int,
        nargs="+",
        default=DEFAULT_FAN_KEYS,
        metavar="N",
        help="mapping keys of the dynamic fan-outs (Dagster runs those up to 2,000)",
    )
    args = parser.parse_args()
    sizes = {
        "small": args.small,
        "large": args.large,
        "sleep_s": args.sleep_s,
        "fan_keys": sorted(args.fan_keys),
    }

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
