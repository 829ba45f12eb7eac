"""Schema versions: a new database is made current, an older one is upgraded, never misread."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dagwright import Instance, StorageError, job, op
from dagwright.storage.sql.engine import postgres_engine, sqlite_engine
from dagwright.storage.sql.migrate import upgrade
from dagwright.storage.sql.schema import SCHEMA_REVISION

from .conftest import postgres_instance


@op
def one() -> int:
    return 1


@job
def tiny():
    one()


class Database:
    """A home whose database is SQLite or PostgreSQL, opened and reached the ways tests need."""

    def __init__(self, home: Path, url: str | None) -> None:
        self.home = home
        self.url = url

    def engine(self) -> sa.engine.Engine:
        if self.url is None:
            return sqlite_engine(str(self.home / "storage" / "dagwright.db"))
        return postgres_engine(self.url)

    def open(self) -> Instance:
        if self.url is None:
            return Instance.from_home(self.home)
        return postgres_instance(self.home, self.url)

    def migrate(self) -> str | None:
        engine = self.engine()
        try:
            return upgrade(engine, "test database")
        finally:
            engine.dispose()

    def revision(self) -> str | None:
        engine = self.engine()
        try:
            with engine.connect() as connection:
                return connection.execute(
                    sa.text("SELECT version_num FROM alembic_version")
                ).scalar()
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    url = request.getfixturevalue("fresh_postgres_url") if request.param == "postgres" else None
    return Database(tmp_path / "home", url)


def make_old_database(database: Database) -> None:
    """A database at schema 0001 holding one run, as the first dagwright release left it."""
    engine = database.engine()
    try:
        upgrade(engine, "test database", revision="0001")
        body = {"run_id": "old-run", "job_name": "tiny", "status": "SUCCESS", "tags": {"a": "b"}}
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO runs (run_id, job_name, status, body, create_timestamp, "
                    "update_timestamp) VALUES ('old-run', 'tiny', 'SUCCESS', :body, 1.0, 2.0)"
                ),
                {"body": json.dumps(body)},
            )
            connection.execute(
                sa.text("INSERT INTO run_tags (run_id, key, value) VALUES ('old-run', 'a', 'b')")
            )
    finally:
        engine.dispose()


def test_a_new_database_is_made_at_the_current_schema(database: Database) -> None:
    instance = database.open()
    instance.dispose()
    assert database.revision() == SCHEMA_REVISION


def test_an_older_database_is_refused_with_the_command_that_upgrades_it(
    database: Database,
) -> None:
    make_old_database(database)
    with pytest.raises(StorageError) as raised:
        database.open()
    message = str(raised.value)
    assert "older dagwright (schema 0001" in message
    assert "dagwright instance migrate" in message


def test_migrating_an_older_database_keeps_its_runs(database: Database) -> None:
    make_old_database(database)
    assert database.migrate() == "0001"
    assert database.revision() == SCHEMA_REVISION
    with database.open() as instance:
        run = instance.get_run_by_id("old-run")
        assert run is not None
        assert run.tags == {"a": "b"}
        assert run.snapshot_id is None
        tiny.execute_in_process(instance=instance)
        assert instance.get_runs_count() == 2


def test_migrating_a_current_database_changes_nothing(database: Database) -> None:
    with database.open() as instance:
        run_id = tiny.execute_in_process(instance=instance).run_id
    assert database.migrate() == SCHEMA_REVISION
    with database.open() as instance:
        assert instance.has_run(run_id)


def test_a_database_from_a_newer_dagwright_is_refused(database: Database) -> None:
    database.open().dispose()
    engine = database.engine()
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageError, match=r"newer dagwright \(schema 9999"):
        database.open()


def test_a_database_of_another_program_is_refused(database: Database) -> None:
    engine = database.engine()
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE customers (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(StorageError, match=r"not a dagwright one.*customers"):
        database.open()


def test_instance_migrate_upgrades_the_home_it_is_given(tmp_path: Path) -> None:
    database = Database(tmp_path / "home", None)
    make_old_database(database)
    assert Instance.migrate(tmp_path / "home") == "0001"
    assert database.revision() == SCHEMA_REVISION


def _shape(engine: sa.engine.Engine) -> dict[str, object]:
    inspector = sa.inspect(engine)
    return {
        name: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(name)),
            sorted((i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(name)),
        )
        for name in inspector.get_table_names()
    }


def _drop_every_table(database: Database) -> None:
    engine = database.engine()
    try:
        with engine.begin() as connection:
            for name in sa.inspect(connection).get_table_names():
                connection.execute(sa.text(f"DROP TABLE {name}"))
    finally:
        engine.dispose()


def test_the_migrations_build_the_same_schema_a_new_database_gets(database: Database) -> None:
    database.open().dispose()
    made = database.engine()
    fresh_shape = _shape(made)
    made.dispose()
    _drop_every_table(database)
    assert database.migrate() is None
    migrated = database.engine()
    try:
        assert _shape(migrated) == fresh_shape
    finally:
        migrated.dispose()
