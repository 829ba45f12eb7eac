"""Fixtures of the tests that check the bench scripts run."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

RunBench = Callable[..., str]


@pytest.fixture
def run_bench() -> RunBench:
    """Runs ``bench/<script>`` with the given arguments, the way a user does; returns what it
    printed (a non-zero exit fails the test with the script's stderr)."""

    def run(script: str, *args: str, timeout: float = 180) -> str:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / script), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run
