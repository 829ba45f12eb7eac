"""Fixtures of the execution tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dagwright import Instance


@pytest.fixture
def persistent_instance(tmp_path: Path) -> Iterator[Instance]:
    """A persistent (SQLite) instance in a temporary folder.

    Built from its parts until the instance settings land; then this becomes
    ``Instance.local_temp(tmp_path)``.
    """
    from dagwright.storage.sql.engine import sqlite_engine
    from dagwright.storage.sql.migrate import prepare
    from dagwright.storage.sql.storage import SqlStorage

    path = str(tmp_path / "dagwright.db")
    engine = sqlite_engine(path)
    prepare(engine, path)
    with Instance(SqlStorage(engine, path)) as instance:
        yield instance
