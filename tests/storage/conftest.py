"""Instances for the storage suites: in memory, on a SQLite file, and on a real PostgreSQL server.

The ``instance`` fixture runs each test of a suite once per backend; the
PostgreSQL one uses the server found by ``tests/_postgres.py`` (never
skipped) and empties its tables after each test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dagwright import Instance
from dagwright.storage.settings import settings_from_mapping

BACKENDS = ["memory", "sqlite", "postgres"]


def postgres_instance(home: Path, url: str) -> Instance:
    """A persistent instance whose storage is the PostgreSQL database at ``url``."""
    settings = settings_from_mapping(str(home), {"storage": {"postgres": {"url": url}}})
    return Instance.from_settings(settings)


def empty_postgres(url: str) -> None:
    """Remove every row from the instance tables of the database at ``url``."""
    import sqlalchemy as sa

    from dagwright.storage.sql.schema import metadata

    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            names = ", ".join(table.name for table in metadata.sorted_tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY"))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def instance(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Instance]:
    """An empty instance on each backend in turn."""
    if request.param == "memory":
        yield Instance.ephemeral()
        return
    if request.param == "sqlite":
        made = Instance.from_home(tmp_path / "home")
    else:
        url = request.getfixturevalue("postgres_url")
        made = postgres_instance(tmp_path / "home", url)
    try:
        yield made
    finally:
        made.dispose()
        if request.param == "postgres":
            empty_postgres(url)


@pytest.fixture(params=["sqlite", "postgres"])
def persistent_home(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Instance]:
    """A persistent instance on SQLite or PostgreSQL (for behaviour only databases have)."""
    if request.param == "sqlite":
        made = Instance.from_home(tmp_path / "home")
    else:
        url = request.getfixturevalue("postgres_url")
        made = postgres_instance(tmp_path / "home", url)
    try:
        yield made
    finally:
        made.dispose()
        if request.param == "postgres":
            empty_postgres(url)
