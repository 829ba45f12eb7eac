"""The PostgreSQL fixtures: a real server and throwaway databases, never skipped."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from _postgres import (
    SOURCE_ENV,
    URL_ENV,
    PostgresUnavailableError,
    connect,
    create_database,
    database_exists,
    database_name,
    drop_database,
    normalise_server_url,
    postgres_server,
    temporary_database,
)


def _table_names(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _choose_server() -> None:
    """Chooses a server as the session fixture does, and lets it go at once."""
    with postgres_server():
        pass


# --------------------------------------------------------------------------
# Fixtures


def test_postgres_url_is_a_database_of_its_own(postgres_url: str) -> None:
    assert database_name(postgres_url).startswith("dagwright_test_")


def test_postgres_url_uses_the_psycopg_driver(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://")


def test_fresh_postgres_url_is_not_the_session_database(
    fresh_postgres_url: str, postgres_url: str
) -> None:
    assert database_name(fresh_postgres_url) != database_name(postgres_url)


def test_fresh_postgres_url_is_an_empty_database(fresh_postgres_url: str) -> None:
    assert _table_names(fresh_postgres_url) == []


# --------------------------------------------------------------------------
# Databases


def test_create_database_makes_a_database_on_the_server(postgres_server_url: str) -> None:
    url = create_database(postgres_server_url)
    try:
        assert database_exists(postgres_server_url, database_name(url))
    finally:
        drop_database(postgres_server_url, url)


def test_drop_database_removes_it_while_a_connection_is_open(postgres_server_url: str) -> None:
    url = create_database(postgres_server_url)
    connection = connect(url)
    try:
        drop_database(postgres_server_url, url)
    finally:
        connection.close()

    assert not database_exists(postgres_server_url, database_name(url))


def test_temporary_database_is_dropped_on_exit(postgres_server_url: str) -> None:
    with temporary_database(postgres_server_url) as url:
        name = database_name(url)

    assert not database_exists(postgres_server_url, name)


# --------------------------------------------------------------------------
# Choosing the server


def test_server_url_from_the_environment_is_used_with_the_psycopg_driver(
    monkeypatch: pytest.MonkeyPatch, postgres_server_url: str
) -> None:
    plain = postgres_server_url.replace("postgresql+psycopg://", "postgresql://", 1)
    monkeypatch.setenv(URL_ENV, plain)
    monkeypatch.delenv(SOURCE_ENV, raising=False)

    with postgres_server() as url:
        assert url == postgres_server_url


def test_server_url_from_the_environment_that_does_not_answer_is_an_error_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(URL_ENV, "postgresql://postgres@127.0.0.1:1/postgres")
    monkeypatch.delenv(SOURCE_ENV, raising=False)

    with pytest.raises(PostgresUnavailableError, match=r"127\.0\.0\.1:1/postgres does not answer"):
        _choose_server()


def test_server_url_in_an_error_has_its_password_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, "postgresql://postgres:sesame@127.0.0.1:1/postgres")
    monkeypatch.delenv(SOURCE_ENV, raising=False)

    with pytest.raises(PostgresUnavailableError) as raised:
        _choose_server()

    assert "sesame" not in str(raised.value)


def test_server_url_of_another_database_kind_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, "mysql://root@127.0.0.1:3306/test")
    monkeypatch.delenv(SOURCE_ENV, raising=False)

    with pytest.raises(PostgresUnavailableError, match="is not a PostgreSQL URL"):
        _choose_server()


def test_plain_postgresql_url_gets_the_psycopg_driver() -> None:
    assert normalise_server_url("postgresql://u:p@h:5433/postgres") == (
        "postgresql+psycopg://u:p@h:5433/postgres"
    )


def test_forcing_the_url_source_without_a_url_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SOURCE_ENV, "url")
    monkeypatch.delenv(URL_ENV, raising=False)

    with pytest.raises(PostgresUnavailableError, match=f"{URL_ENV} is not set"):
        _choose_server()


def test_unknown_source_is_an_error_listing_the_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOURCE_ENV, "docker")

    with pytest.raises(PostgresUnavailableError, match="auto, url, local, embedded"):
        _choose_server()


def test_embedded_server_answers_and_leaves_no_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOURCE_ENV, "embedded")
    monkeypatch.setenv(URL_ENV, "postgresql://postgres@127.0.0.1:1/postgres")  # not consulted

    with postgres_server() as url, connect(url) as connection:
        answer = connection.execute("select 1").fetchone()
        row = connection.execute("show data_directory").fetchone()
        assert row is not None
        data_dir = Path(row[0])

    assert answer == (1,)
    assert not data_dir.parent.exists()


def test_embedded_server_is_not_running_after_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOURCE_ENV, "embedded")

    with postgres_server() as url:
        pass

    with pytest.raises(psycopg.OperationalError):
        connect(url).close()
