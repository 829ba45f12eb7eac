"""Opening the database instance settings name: build the engine, create or check the schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .sql.storage import SqlStorage, translate_errors

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from .settings import InstanceSettings

__all__ = ["open_storage", "upgrade_storage"]


def _engine(settings: InstanceSettings) -> tuple[Engine, str]:
    from .settings import PostgresStorageSettings
    from .sql.engine import postgres_engine, sqlite_engine

    storage = settings.storage
    if isinstance(storage, PostgresStorageSettings):
        return postgres_engine(storage.sqlalchemy_url(), storage.pool_size), storage.display_url()
    return sqlite_engine(storage.db_path), storage.db_path


def open_storage(settings: InstanceSettings) -> SqlStorage:
    """The SQL storage of an instance, its tables made if the database is new.

    Raises StorageError, naming the file or URL, when the database cannot be
    reached or used.
    """
    from .sql.migrate import prepare

    engine, target = _engine(settings)
    try:
        with translate_errors(target):
            prepare(engine, target)
    except BaseException:
        engine.dispose()
        raise
    return SqlStorage(engine, target)


def upgrade_storage(settings: InstanceSettings) -> str | None:
    """Migrate the instance's database to the current schema; returns the revision it was at."""
    from .sql.migrate import upgrade

    engine, target = _engine(settings)
    try:
        with translate_errors(target):
            return upgrade(engine, target)
    finally:
        engine.dispose()
