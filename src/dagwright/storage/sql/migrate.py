"""Bringing a database to the schema this dagwright uses: create it, check it, upgrade it.

A new database gets the current tables and is stamped with the current
alembic revision. An existing one must be at that revision: an older one
is upgraded by ``dagwright instance migrate`` (:func:`upgrade`, alembic's
migrations in ``migrations/``), never used as it is; a newer or foreign one
is refused with an error saying which.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ...errors import StorageError
from .schema import SCHEMA_REVISION, metadata

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["prepare", "upgrade", "current_revision", "KNOWN_REVISIONS"]

KNOWN_REVISIONS = ("0001", "0002", "0003")
"""Every revision a migration exists for, oldest first; the last is ``SCHEMA_REVISION``."""

_VERSION_TABLE = "alembic_version"
_MIGRATE = "run `dagwright instance migrate` (or Instance.upgrade()) to upgrade it."


def current_revision(connection: Connection) -> str | None:
    """The alembic revision the database is stamped with, or None when it has none."""
    import sqlalchemy as sa

    if not sa.inspect(connection).has_table(_VERSION_TABLE):
        return None
    return connection.execute(sa.text(f"SELECT version_num FROM {_VERSION_TABLE}")).scalar()


def prepare(engine: Engine, target: str) -> None:
    """Create the tables in an empty database, or check an existing one is at our revision."""
    import sqlalchemy as sa

    from .engine import WRITE

    with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
        tables = set(sa.inspect(connection).get_table_names())
        if not tables:
            metadata.create_all(connection)
            _stamp(connection, SCHEMA_REVISION, create=True)
            return
        revision = current_revision(connection)
    check_revision(revision, tables, target)


def check_revision(revision: str | None, tables: set[str], target: str) -> None:
    """Raise a StorageError unless ``revision`` is the schema this code uses."""
    if revision == SCHEMA_REVISION:
        return
    if revision is None:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise StorageError(
            target=target,
            problem=f"is a database, but not a dagwright one (it has the tables {shown} "
            "and no dagwright schema version).",
            fix="point the instance at an empty database or a new file "
            "(DAGWRIGHT_HOME, or storage: in dagwright.yaml).",
        )
    if revision in KNOWN_REVISIONS:
        raise StorageError(
            target=target,
            problem=f"was made by an older dagwright (schema {revision}; this one uses "
            f"{SCHEMA_REVISION}).",
            fix=_MIGRATE,
        )
    raise StorageError(
        target=target,
        problem=f"was made by a newer dagwright (schema {revision}, which this one does not "
        f"know; it uses {SCHEMA_REVISION}).",
        fix="upgrade dagwright to the version that made the database, or use another one.",
    )


def upgrade(engine: Engine, target: str, revision: str = SCHEMA_REVISION) -> str | None:
    """Run the migrations from the database's revision up to ``revision``; return where it was.

    An empty database is created at ``revision``; a foreign or newer one is refused.
    """
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from .engine import WRITE

    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
        before = current_revision(connection)
    if tables and before is None:
        check_revision(None, tables, target)
    if before is not None and before not in KNOWN_REVISIONS:
        check_revision(before, tables, target)
    config = Config()
    config.set_main_option("script_location", os.path.join(os.path.dirname(__file__), "migrations"))
    with engine.connect().execution_options(**{WRITE: True}) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
    return before


def _stamp(connection: Connection, revision: str, *, create: bool) -> None:
    import sqlalchemy as sa

    if create:
        connection.execute(
            sa.text(f"CREATE TABLE {_VERSION_TABLE} (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        )
    connection.execute(sa.text(f"INSERT INTO {_VERSION_TABLE} VALUES (:v)"), {"v": revision})
