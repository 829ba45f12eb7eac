"""Fixtures of the execution tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dagwright import Instance


@pytest.fixture
def persistent_instance(tmp_path: Path) -> Iterator[Instance]:
    """A persistent (SQLite) instance whose home is a temporary folder."""
    with Instance.local_temp(tmp_path / "home") as instance:
        yield instance
