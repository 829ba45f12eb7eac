"""The executor benchmark script runs (tiny jobs, dagwright side only); it is not a timing test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_executor_bench_runs_tiny_jobs_on_both_executors_and_prints_the_table(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "figures.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "executors.py"),
            "--only",
            "dagwright",
            "--repeat",
            "1",
            "--sleep-steps",
            "2",
            "--sleep-s",
            "0.01",
            "--steps",
            "3",
            "--small-steps",
            "1",
            "--json",
            str(raw),
            "--log-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )
    assert "| 2 steps sleeping 0.01 s, multiprocess, max_concurrent 2:" in run.stdout
    assert "| 5-step fan, Dask, LocalCluster of 2 worker processes:" in run.stdout
    figures = json.loads(raw.read_text())["dagwright"]
    assert figures["errors"] == {}
    assert figures["steps_large"] == 5
    assert figures["steps_small"] == 3
    for key in (
        "sleep_s_wall",
        "multiprocess_ms_per_step",
        "dask_marginal_ms_per_step",
        "chain_steps_s",
        "chain_unit_s",
    ):
        assert figures[key] is not None
    assert "| ... the graph marked as one unit (one worker task) |" in run.stdout
