"""The storage query benchmark runs on a tiny store (dagwright only); it is not a timing test."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from _postgres import database_exists

ROOT = Path(__file__).resolve().parents[2]


def run_queries(cache: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """``bench/queries.py`` on a 200-run store, 5 timed calls per query (stdout: the tables)."""
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "queries.py"),
            "--runs",
            "200",
            "--queries",
            "5",
            "--dagster-runs",
            "0",
            "--cache-dir",
            str(cache),
            *options,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )


def test_the_queries_script_populates_a_sqlite_store_and_prints_the_table(tmp_path: Path) -> None:
    printed = run_queries(tmp_path, "--backends", "sqlite").stdout

    assert "| dagwright" in printed
    assert "SQLite, 200 runs |" in printed
    assert "| run list: tag filter |" in printed
    assert "| one run's logs (all_logs) |" in printed
    assert "built now |" in printed


def test_the_queries_script_reuses_the_populated_sqlite_store_on_the_next_run(
    tmp_path: Path,
) -> None:
    run_queries(tmp_path, "--backends", "sqlite")

    printed = run_queries(tmp_path, "--backends", "sqlite").stdout

    assert "| cached, built " in printed


@pytest.fixture(scope="module")
def postgres_run(
    tmp_path_factory: pytest.TempPathFactory, postgres_server_url: str
) -> subprocess.CompletedProcess[str]:
    """The script on PostgreSQL only, against the test server."""
    cache = tmp_path_factory.mktemp("cache")
    return run_queries(cache, "--backends", "postgres", "--postgres-url", postgres_server_url)


def test_the_queries_script_measures_a_throwaway_postgres_database(
    postgres_run: subprocess.CompletedProcess[str],
) -> None:
    assert "PostgreSQL, 200 runs |" in postgres_run.stdout
    assert "| runs count: status filter |" in postgres_run.stdout


def test_the_queries_script_drops_its_postgres_database_after_measuring(
    postgres_run: subprocess.CompletedProcess[str], postgres_server_url: str
) -> None:
    used = re.search(r"in database (\w+)", postgres_run.stderr)
    assert used is not None
    assert not database_exists(postgres_server_url, used.group(1))
