"""Asset benchmarks: defining and resolving asset graphs, materializing a chain of assets.

The workloads are written once against the API dagwright and Dagster share
(``asset``, ``AssetIn``, ``define_asset_job``, ``Definitions``,
``materialize``). Each side runs in a fresh process with its own interpreter
(dagwright: the one running this script; Dagster: ``bench/.dagster-venv``,
made by ``run.py``) and prints its figures as JSON; this script prints them
side by side.

- **define and resolve**: build N ``@asset`` functions forming a chain
  (``a0 -> a1 -> ... -> a{N-1}``, each reading the previous one through
  ``ins={"prev": AssetIn(key=...)}``), then ``Definitions(assets=...,
  jobs=[define_asset_job("all")])`` and ``defs.resolve_job_def("all")``;
  wall time of the three together, N = 1,000 and 10,000.
- **materialize**: ``materialize(assets, instance=...)`` of a 1,000-asset
  chain on a persistent instance in a new temporary folder, so each value
  goes through the library's default filesystem IO manager; wall time / N.

    python bench/assets.py                      # both sides (Dagster's takes ~6 minutes)
    python bench/assets.py --only dagwright     # a quick check, no Dagster
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from run import dagster_python, ratio, save_figures, side_by_side_parser
from workloads import QUIET, persistent_instance

DEFINE_BUDGETS_S = {1000: 0.1, 10000: 1.0}  # issue 7, "Done when"
MATERIALIZE_BUDGET_MS = 2.0  # per asset, for 1,000 assets
DEFAULT_DEFINE_SIZES = [1000, 10000]
DEFAULT_MATERIALIZE_ASSETS = 1000


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# One side: runs in the library's own interpreter


def chain_assets(lib: Any, n: int) -> list[Any]:
    """``a0 -> a1 -> ... -> a{n-1}``: ``a0`` returns 0, each next asset adds one to ``prev``."""

    def first():
        return 0

    assets = [lib.asset(name="a0")(first)]
    for i in range(1, n):

        def step(prev):  # a new function for each asset, without annotations (as workloads.py)
            return prev + 1

        decorate = lib.asset(name=f"a{i}", ins={"prev": lib.AssetIn(key=f"a{i - 1}")})
        assets.append(decorate(step))
    return assets


def define_and_resolve(lib: Any, n: int) -> tuple[Any, dict[str, float]]:
    """The resolved job ``all`` over an ``n``-asset chain, and the seconds of each phase."""
    started = time.perf_counter()
    assets = chain_assets(lib, n)
    decorated = time.perf_counter()
    defs = lib.Definitions(assets=assets, jobs=[lib.define_asset_job("all")])
    defined = time.perf_counter()
    job = defs.resolve_job_def("all")
    resolved = time.perf_counter()
    phases = {
        "total": resolved - started,
        "asset": decorated - started,
        # dagwright builds asset jobs in Definitions(...), Dagster in resolve_job_def:
        # only their sum compares.
        "definitions_and_resolve": resolved - decorated,
        "definitions": defined - decorated,
        "resolve": resolved - defined,
    }
    return job, phases


def time_define(lib: Any, n: int, repeat: int) -> dict[str, Any]:
    """Median seconds (over ``repeat`` runs) of :func:`define_and_resolve`, total and phases."""
    samples: list[dict[str, float]] = []
    for _ in range(repeat):
        gc.collect()
        job, phases = define_and_resolve(lib, n)
        if len(job.graph.nodes) != n:
            raise SystemExit(f"the resolved job has {len(job.graph.nodes)} nodes, not {n}")
        del job
        samples.append(phases)
        _say(f"{lib.__name__}: define and resolve {n:,} assets: {phases['total']:.3f} s")
    return {
        key: statistics.median(sample[key] for sample in samples)
        for key in ("total", "asset", "definitions_and_resolve", "definitions", "resolve")
    } | {"samples": [sample["total"] for sample in samples]}


def check_stored(lib: Any, result: Any, n: int) -> str:
    """Check every asset's value went to a file through the IO manager; return the folder."""
    paths = [
        event.event_specific_data.metadata["path"].value
        for event in result.all_events
        if event.event_type_value == "HANDLED_OUTPUT"
    ]
    if len(paths) != n:
        raise SystemExit(f"{lib.__name__}: {len(paths)} HANDLED_OUTPUT events, not {n}")
    missing = [path for path in paths if not os.path.isfile(path)]
    if missing:
        raise SystemExit(f"{lib.__name__}: no file at {missing[0]} ({len(missing)} missing)")
    last = next(path for path in paths if os.path.basename(path) == f"a{n - 1}")
    with open(last, "rb") as stored:
        if pickle.load(stored) != n - 1:
            raise SystemExit(f"{lib.__name__}: {last} does not hold {n - 1}")
    return os.path.dirname(last)


def time_materialize(lib: Any, n: int) -> tuple[float, str]:
    """Wall seconds of ``materialize`` of an ``n``-asset chain on a new persistent instance.

    The assets and the instance are made before the clock starts; the instance is
    disposed of, and the stored files checked, after it stops.
    """
    assets = chain_assets(lib, n)
    with tempfile.TemporaryDirectory(prefix="bench-assets-home-") as home:
        instance = persistent_instance(lib, home)
        try:
            gc.collect()
            started = time.perf_counter()
            result = lib.materialize(assets, instance=instance, run_config=QUIET)
            elapsed = time.perf_counter() - started
            if not result.success:
                raise SystemExit(f"{lib.__name__}: the materialization failed")
            if result.output_for_node(f"a{n - 1}") != n - 1:
                raise SystemExit(f"{lib.__name__}: a{n - 1} is not {n - 1}")
            folder = os.path.relpath(check_stored(lib, result, n), home)
        finally:
            instance.dispose()
    return elapsed, folder


def measure_side(
    lib_name: str, define_sizes: list[int], materialize_assets: int, repeat: int
) -> dict[str, Any]:
    if lib_name == "dagster":
        # Dagster walks an asset graph recursively, a frame or more per link of the
        # chain: with Python's default limit (1,000) resolving a 10,000-asset chain
        # fails with RecursionError (after ~110 s). dagwright's walks are loops.
        largest = max(*define_sizes, materialize_assets)
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * largest + 1000))
    started = time.perf_counter()
    lib = importlib.import_module(lib_name)
    figures: dict[str, Any] = {
        "lib": lib_name,
        "version": getattr(lib, "__version__", "?"),
        "repeat": repeat,
        "import_s": time.perf_counter() - started,
        "define_sizes": define_sizes,
        "materialize_assets": materialize_assets,
        "recursion_limit": sys.getrecursionlimit(),
    }
    # The first define-and-resolve in the process: it pays for the library's
    # first uses (dagwright imports its asset modules lazily), so it is kept
    # apart, and the timed runs come after it.
    gc.collect()
    phases = define_and_resolve(lib, define_sizes[0])[1]
    figures["define_first_s"] = phases["total"]
    _say(
        f"{lib_name}: first define and resolve, {define_sizes[0]:,} assets: {phases['total']:.3f} s"
    )
    for n in define_sizes:
        figures[f"define_{n}"] = time_define(lib, n, repeat)
    # Untimed: a first small materialization imports the execution machinery.
    time_materialize(lib, 3)
    samples = []
    for _ in range(repeat):
        elapsed, folder = time_materialize(lib, materialize_assets)
        samples.append(elapsed)
        _say(f"{lib_name}: materialize {materialize_assets:,} assets: {elapsed:.2f} s")
    figures["materialize_samples_s"] = samples
    figures["materialize_s"] = statistics.median(samples)
    figures["materialize_ms_per_asset"] = figures["materialize_s"] / materialize_assets * 1000
    figures["materialize_folder"] = folder  # where the files went, relative to the home
    return figures


# --------------------------------------------------------------------------
# The comparison: runs each side in its own process, prints the table


def measure(
    python: Path | str,
    lib: str,
    define_sizes: list[int],
    materialize_assets: int,
    repeat: int,
) -> dict[str, Any]:
    """One side's figures, from a fresh process of ``python``."""
    env = dict(os.environ)
    if lib == "dagster":
        env.pop("PYTHONPATH", None)  # dagwright's sources have no business there
    command = [
        str(python),
        str(Path(__file__).resolve()),
        "--side",
        lib,
        "--repeat",
        str(repeat),
        "--materialize-assets",
        str(materialize_assets),
        "--define-sizes",
        *map(str, define_sizes),
    ]
    process = subprocess.run(command, capture_output=True, text=True, env=env)
    for line in process.stderr.splitlines():
        if line.startswith("[bench]"):
            print(line, file=sys.stderr)
    if process.returncode != 0:
        tail = "\n".join(process.stderr.splitlines()[-40:])
        raise SystemExit(f"the {lib} side exited with {process.returncode}:\n{tail}")
    figures: dict[str, Any] = json.loads(process.stdout.strip().splitlines()[-1])
    return figures


def _rows(ours: dict[str, Any]) -> list[tuple[str, str, float | None, str]]:
    """(figure path, label, budget, unit, scale) for the sizes measured."""
    rows: list[tuple[str, str, float | None, str]] = []
    for n in ours["define_sizes"]:
        label = f"define and resolve {n:,} chained assets"
        rows.append((f"define_{n}.total", label, DEFINE_BUDGETS_S.get(n), "s"))
        for phase, what in (
            ("asset", "@asset decorations"),
            ("definitions_and_resolve", "Definitions(...) and resolve_job_def"),
        ):
            rows.append((f"define_{n}.{phase}", f"... of which {what}", None, "s"))
    first = ours["define_sizes"][0]
    rows.append(
        ("define_first_s", f"first define and resolve of {first:,} in the process", None, "s")
    )
    n = ours["materialize_assets"]
    rows.append(
        (
            "materialize_ms_per_asset",
            f"materialize {n:,} chained assets, filesystem IO manager, per asset",
            MATERIALIZE_BUDGET_MS if n == DEFAULT_MATERIALIZE_ASSETS else None,
            "ms/asset",
        )
    )
    rows.append(("materialize_s", f"... the whole materialize of {n:,}", None, "s"))
    return rows


def _get(figures: dict[str, Any] | None, path: str) -> float | None:
    value: Any = figures
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, (int, float)) else None


def table(ours: dict[str, Any], theirs: dict[str, Any] | None) -> str:
    def cell(value: float | None, unit: str) -> str:
        return "-" if value is None else f"{value:.4g} {unit}"

    dagster = f"Dagster {theirs['version']} (median of {theirs['repeat']})" if theirs else "Dagster"
    lines = [
        f"| workload | dagwright {ours['version']} (median of {ours['repeat']}) | {dagster}"
        " | Dagster / dagwright | budget |",
        "| --- | --- | --- | --- | --- |",
    ]
    for path, label, budget, unit in _rows(ours):
        mine, other = _get(ours, path), _get(theirs, path)
        if budget is None:
            verdict = "-"
        else:
            met = mine is not None and mine < budget
            verdict = f"< {budget:g} {unit} {'met' if met else 'MISSED'}"
        lines.append(
            f"| {label} | {cell(mine, unit)} | {cell(other, unit)} | "
            f"{ratio(mine, other)} | {verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = side_by_side_parser(__doc__)
    parser.add_argument(
        "--define-sizes", type=int, nargs="+", default=DEFAULT_DEFINE_SIZES, metavar="N"
    )
    parser.add_argument("--materialize-assets", type=int, default=DEFAULT_MATERIALIZE_ASSETS)
    args = parser.parse_args()
    if args.materialize_assets < 3 or min(args.define_sizes) < 1:
        parser.error("materialize at least 3 assets and define at least 1")

    if args.side:  # one side, in its own interpreter: print the figures as JSON
        figures = measure_side(args.side, args.define_sizes, args.materialize_assets, args.repeat)
        print(json.dumps(figures))
        return

    sizes = (args.define_sizes, args.materialize_assets)
    ours = measure(sys.executable, "dagwright", *sizes, args.repeat)
    theirs = None
    if args.only == "both":
        theirs = measure(dagster_python(), "dagster", *sizes, args.dagster_repeat)
    print(table(ours, theirs))
    if args.json:
        save_figures(args.json, ours, theirs)


if __name__ == "__main__":
    main()
