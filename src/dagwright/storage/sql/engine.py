"""Connections to an instance's database: SQLite files and PostgreSQL servers.

SQLite runs in WAL mode with a busy timeout, and every write transaction
starts with ``BEGIN IMMEDIATE``: writers queue for the file's write lock
up front instead of failing half-way with ``database is locked``, so the
webserver, the daemon and run workers can share one file. PostgreSQL is
reached through psycopg 3 with a pool of connections.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ...errors import StorageError
from .._secrets import mask_url

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["sqlite_engine", "postgres_engine", "WRITE"]

WRITE = "dagwright_write"
"""Execution option that marks a connection's transactions as writes (``BEGIN IMMEDIATE``)."""

_BUSY_TIMEOUT_S = 30.0


def sqlite_engine(path: str) -> Engine:
    """An engine on the SQLite file at ``path`` (made if missing, with its folder)."""
    import sqlalchemy as sa

    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise StorageError(
            target=path,
            problem=f"cannot create the folder {folder}: {error.strerror or error}.",
            fix="point DAGWRIGHT_HOME (or storage.sqlite.base_dir) at a folder you can write.",
        ) from None
    engine = sa.create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": _BUSY_TIMEOUT_S, "isolation_level": None},
    )
    sa.event.listen(engine, "connect", _on_sqlite_connect)
    sa.event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT_S * 1000)}")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # The driver runs in autocommit mode; transactions are started here, so
    # writes take the write lock at BEGIN (and wait for it) rather than later.
    write = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def postgres_engine(url: str, pool_size: int | None = None) -> Engine:
    """A pooled engine on the PostgreSQL database at ``url`` (``postgresql+psycopg://...``)."""
    import sqlalchemy as sa

    try:
        return sa.create_engine(
            url,
            pool_size=pool_size or 5,
            max_overflow=(pool_size or 5) * 2,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 10},
        )
    except (sa.exc.ArgumentError, ImportError) as error:
        raise StorageError(
            target=mask_url(url),
            problem=f"is not a usable PostgreSQL URL ({error}).",
            fix="write it as postgresql://user:password@host:5432/database, "
            "and install the driver with: pip install 'dagwright[postgres]'.",
        ) from None
