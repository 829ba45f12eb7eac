"""The concurrency benchmark script runs (tiny jobs, dagwright side only); not a timing test."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path


def test_the_concurrency_bench_runs_async_and_threaded_fans_and_prints_the_table(
    tmp_path: Path, run_bench: Callable[..., str]
) -> None:
    raw = tmp_path / "figures.json"
    printed = run_bench(
        "concurrency.py",
        *("--only", "dagwright", "--repeat", "1", "--small", "3", "--large", "5"),
        *("--sleep-s", "0.01", "--fan-keys", "3", "30", "--json", str(raw)),
    )

    assert "| 5 async ops awaiting a 0.01 s sleep, in process |" in printed
    assert "| 3 sync ops sleeping 0.01 s, in process (threads) |" in printed
    assert "| dynamic fan-out of 30 mapped steps, in memory, per step |" in printed
    assert "| ... 30 on a persistent SQLite instance |" in printed
    figures = json.loads(raw.read_text())["dagwright"]
    for key in ("async_small", "async_large", "threads", "fan_3_ms_per_step"):
        assert figures[key] > 0
    assert figures["fan_30_persistent_s"] > 0
