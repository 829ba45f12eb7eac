"""The asset benchmark script runs (tiny graphs, dagwright side only); it is not a timing test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_asset_bench_defines_resolves_and_materializes_tiny_chains_and_prints_the_table(
    tmp_path: Path,
) -> None:
    raw = tmp_path / "figures.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "assets.py"),
            "--only",
            "dagwright",
            "--repeat",
            "1",
            "--define-sizes",
            "5",
            "20",
            "--materialize-assets",
            "4",
            "--json",
            str(raw),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "| define and resolve 5 chained assets |" in run.stdout
    assert "| define and resolve 20 chained assets |" in run.stdout
    assert "| materialize 4 chained assets, filesystem IO manager, per asset |" in run.stdout
    figures = json.loads(raw.read_text())
    assert figures["dagster"] is None
    ours = figures["dagwright"]
    assert ours["define_sizes"] == [5, 20]
    assert len(ours["define_20"]["samples"]) == 1
    assert ours["materialize_ms_per_asset"] > 0
    # The values went to files through the default IO manager, under the instance's storage.
    assert ours["materialize_folder"] == "storage"
