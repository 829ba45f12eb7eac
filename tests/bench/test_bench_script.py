"""The benchmark script runs (on a tiny job, dagwright side only); it is not a timing test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_bench_script_measures_a_ten_op_job_and_prints_the_table() -> None:
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
    assert "| execute_in_process, 10-op chain, in memory |" in run.stdout
    assert "| import (fresh interpreter) |" in run.stdout
