"""The benchmark script runs (on a tiny job, dagwright side only); it is not a timing test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ten_op_table() -> str:
    """What ``bench/run.py`` prints for 10-op workloads, one run each, dagwright only."""
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--only",
            "dagwright",
            "--ops",
            "10",
            "--repeat",
            "1",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return run.stdout


def test_the_bench_script_measures_a_ten_op_job_in_memory_and_prints_the_table(
    ten_op_table: str,
) -> None:
    assert "| execute_in_process, 10-op chain, in memory |" in ten_op_table
    assert "| import (fresh interpreter) |" in ten_op_table


def test_the_bench_script_measures_the_jobs_on_a_persistent_sqlite_instance(
    ten_op_table: str,
) -> None:
    assert "| execute_in_process, 10-op chain, persistent SQLite instance |" in ten_op_table
    assert "| execute_in_process, 10-op fan-out/fan-in, persistent SQLite instance |" in (
        ten_op_table
    )
