"""Side-by-side benchmarks: the same workloads on dagwright and on Dagster.

Dagster is installed from PyPI into its own virtual environment
(``bench/.dagster-venv``) the first time; dagwright runs from the
interpreter running this script. Each side runs ``workloads.py`` in a fresh
process; this script prints each figure, Dagster's beside it, the ratio and
dagwright's budget from DESIGN.md.

    python bench/run.py                 # both sides, 1,000-op workloads
    python bench/run.py --only dagwright --ops 10   # a quick check
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DAGSTER_VENV = HERE / ".dagster-venv"
DAGSTER_VERSION = "1.13.29"
# The newest dagster-dask (the 0.29.x line goes with dagster 1.13.x) and what it needs.
DAGSTER_DASK_VERSION = "0.29.27"
DAGSTER_DASK_REQUIREMENTS = ["dask[distributed,dataframe]", "bokeh"]

# (figure key, label, budget, unit) — budgets from DESIGN.md section 6.
ROWS = [
    ("import_s", "import (fresh interpreter)", 0.15, "s"),
    ("chain_ms_per_op", "execute_in_process, {ops}-op chain, in memory", 0.1, "ms/op"),
    ("fan_ms_per_op", "execute_in_process, {ops}-op fan-out/fan-in, in memory", 0.1, "ms/op"),
    (
        "chain_sqlite_ms_per_op",
        "execute_in_process, {ops}-op chain, persistent SQLite instance",
        1.0,
        "ms/op",
    ),
    (
        "fan_sqlite_ms_per_op",
        "execute_in_process, {ops}-op fan-out/fan-in, persistent SQLite instance",
        1.0,
        "ms/op",
    ),
    ("validate_config_s", "validate the run config of a {ops}-op job", 0.02, "s"),
    ("chain_first_run_s", "first run of the chain (imports included)", None, "s"),
    ("chain_define_s", "define the {ops}-op chain job", None, "s"),
]


def dagster_python() -> Path:
    """The Dagster venv's interpreter, creating the venv and installing Dagster if needed.

    Besides Dagster it holds ``dagster-dask`` and ``dask[distributed]`` for the executor
    benchmarks (``executors.py``). dagster-dask is released a few patch versions
    behind dagster and pins its exact dagster version (0.29.27 requires
    dagster==1.13.27), so it goes in without its dependencies, which are
    installed explicitly beside dagster==1.13.29.
    """
    python = DAGSTER_VENV / "bin" / "python"
    marker = DAGSTER_VENV / f".dagster-{DAGSTER_VERSION}-dask-{DAGSTER_DASK_VERSION}"
    if not marker.exists():
        print(
            f"installing dagster=={DAGSTER_VERSION}, dagster-dask=={DAGSTER_DASK_VERSION} "
            f"into {DAGSTER_VENV} ...",
            file=sys.stderr,
        )
        venv.create(DAGSTER_VENV, with_pip=True, clear=True)
        pip = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run(
            [*pip, f"dagster=={DAGSTER_VERSION}", *DAGSTER_DASK_REQUIREMENTS], check=True
        )
        subprocess.run([*pip, "--no-deps", f"dagster-dask=={DAGSTER_DASK_VERSION}"], check=True)
        marker.touch()
    return python


def ratio(mine: float | None, other: float | None) -> str:
    """Dagster's figure over dagwright's, as the tables print it ("-" when one is missing)."""
    if not mine or other is None:
        return "-"
    times = other / mine
    return f"{times:.1f}x" if times < 10 else f"{times:.0f}x"


def side_by_side_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every side-by-side script takes: which sides, how many runs, where to save
    the figures, and the hidden ``--side`` a script runs itself with in each interpreter."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["dagwright", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3, help="dagwright's runs (median)")
    parser.add_argument("--dagster-repeat", type=int, default=1, help="Dagster's runs")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--side", choices=["dagwright", "dagster"], help=argparse.SUPPRESS)
    return parser


def save_figures(path: Path, ours: dict[str, Any], theirs: dict[str, Any] | None) -> None:
    """Write both sides' raw figures as JSON (``--json``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"dagwright": ours, "dagster": theirs}, indent=2))


def measure(
    python: Path | str, lib: str, ops: int, repeat: int, persistent_repeat: int
) -> dict[str, Any]:
    out = subprocess.run(
        [
            str(python),
            str(HERE / "workloads.py"),
            "--lib",
            lib,
            "--ops",
            str(ops),
            "--repeat",
            str(repeat),
            "--persistent-repeat",
            str(persistent_repeat),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(ours: dict[str, Any], theirs: dict[str, Any] | None) -> str:
    ops = ours["ops"]
    lines = [
        f"| workload | dagwright {ours['version']} | Dagster {theirs['version'] if theirs else '-'}"
        " | Dagster / dagwright | budget |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key, label, budget, unit in ROWS:
        mine = ours[key]
        other = theirs[key] if theirs else None
        verdict = (
            "-" if budget is None else f"< {budget} {unit} {'met' if mine < budget else 'MISSED'}"
        )
        lines.append(
            f"| {label.format(ops=f'{ops:,}')} | {mine:.4g} {unit} | "
            f"{f'{other:.4g} {unit}' if other is not None else '-'} | {ratio(mine, other)} | "
            f"{verdict} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["dagwright", "both"], default="both")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()

    ours = measure(sys.executable, "dagwright", args.ops, args.repeat, args.repeat)
    theirs = None
    if args.only == "both":
        # Dagster takes ~10 ms/op in memory and ~30 ms/op on SQLite: fewer repeats.
        repeat = max(1, min(args.repeat, 3))
        theirs = measure(dagster_python(), "dagster", args.ops, repeat, min(repeat, 2))
    print(table(ours, theirs))
    if args.json:
        save_figures(args.json, ours, theirs)


if __name__ == "__main__":
    main()
