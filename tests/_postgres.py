"""A real PostgreSQL server for the storage tests: found or started, never skipped.

Where the server comes from, the first that applies:

1. ``$DAGWRIGHT_TEST_POSTGRES_URL``: a server URL (``postgresql://`` or
   ``postgresql+psycopg://``, naming the maintenance database). If it does not
   answer, the tests error; they do not look elsewhere.
2. ``127.0.0.1:5432``, user ``postgres``, trust auth, if it answers within 2 s.
3. A throwaway server from the ``pgserver`` wheel, in a temporary folder that is
   removed when the server stops.

``$DAGWRIGHT_TEST_POSTGRES`` forces one source: ``url``, ``local`` or
``embedded`` (``auto``, the default, is the order above). When no server can be
had, :class:`PostgresUnavailableError` says what was tried.

psycopg and SQLAlchemy are imported inside the functions, so loading this module
(done by ``tests/conftest.py`` on every run) costs nothing.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

URL_ENV = "DAGWRIGHT_TEST_POSTGRES_URL"
SOURCE_ENV = "DAGWRIGHT_TEST_POSTGRES"
SOURCES = ("auto", "url", "local", "embedded")
LOCAL_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "dagwright_test_"
CONNECT_TIMEOUT_S = 2  # libpq's smallest useful connect_timeout

_DRIVERS = ("postgresql", "postgresql+psycopg")
_LOG_TAIL_LINES = 20


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server could be had for the tests; the message says what was tried."""


# --------------------------------------------------------------------------
# URLs and connections


def normalise_server_url(url: str) -> str:
    """``url`` with the psycopg 3 driver SQLAlchemy needs (``postgresql://`` is accepted)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise ValueError(f"not a URL: {error}") from error
    if parsed.drivername not in _DRIVERS:
        raise ValueError(
            f"{shown(url)} is not a PostgreSQL URL: expected postgresql:// or postgresql+psycopg://"
        )
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def shown(url: str) -> str:
    """``url`` as it may be printed: the password masked."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def with_database(url: str, database: str) -> str:
    """The URL of database ``database`` on the server ``url`` points at."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


def database_name(url: str) -> str:
    """The name of the database ``url`` points at."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    if not name:
        raise ValueError(f"{shown(url)} names no database")
    return name


def connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit psycopg connection to ``url`` that gives up after 2 s.

    ``url`` is a SQLAlchemy URL; its query (``?host=/socket/dir``) is passed on.
    """
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    fields = {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "dbname": parsed.database,
    }
    params = {key: value for key, value in fields.items() if value is not None}
    params.update(parsed.query)
    return psycopg.connect(autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, **params)


def server_problem(url: str) -> str | None:
    """Why the server at ``url`` does not answer ``select 1``, or None when it does."""
    import psycopg

    try:
        with connect(url) as connection:
            connection.execute("select 1")
    except psycopg.Error as error:
        return str(error).strip() or type(error).__name__
    return None


# --------------------------------------------------------------------------
# Databases


def create_database(server_url: str) -> str:
    """Creates an empty database ``dagwright_test_<hex>`` on the server; returns its URL."""
    from psycopg import sql

    name = DATABASE_PREFIX + secrets.token_hex(6)
    with connect(server_url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(server_url: str, database_url: str) -> None:
    """Drops the database ``database_url`` names, ending connections still open to it."""
    from psycopg import sql

    name = sql.Identifier(database_name(database_url))
    with connect(server_url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def database_exists(server_url: str, name: str) -> bool:
    """Whether the server ``server_url`` points at has a database called ``name``."""
    with connect(server_url) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


@contextmanager
def temporary_database(server_url: str) -> Iterator[str]:
    """Yields the URL of a new empty database, dropped on exit."""
    url = create_database(server_url)
    try:
        yield url
    finally:
        drop_database(server_url, url)


# --------------------------------------------------------------------------
# The embedded server


@dataclass(frozen=True)
class EmbeddedServer:
    """A throwaway server from the pgserver wheel; :meth:`stop` ends it and removes its files."""

    url: str
    data_dir: Path
    _handle: Any

    def stop(self) -> None:
        """Stops the server and removes the temporary folder holding its data."""
        try:
            self._handle.cleanup()
        finally:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_embedded_server() -> EmbeddedServer:
    """Runs initdb and starts PostgreSQL from the pgserver wheel in a new temporary folder.

    It listens on a unix socket in its data folder only (no TCP port to collide
    with). PostgreSQL refuses to run as root: as root, pgserver creates a system
    user ``pgserver`` (``useradd``), runs initdb and the server as that user, and
    opens the folder's parents for it to traverse.
    """
    folder = Path(tempfile.mkdtemp(prefix="dagwright-pg-"))
    data_dir = folder / "pgdata"
    try:
        handle = _pgserver().get_server(data_dir, cleanup_mode="delete")
    except Exception as error:
        log = _log_tail(data_dir / "log")
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailableError(
            f"pgserver could not start a server in {data_dir}: {error!r}{log}"
        ) from error
    return EmbeddedServer(normalise_server_url(handle.get_uri()), data_dir, handle)


def _pgserver() -> Any:
    # pgserver asks platformdirs for a runtime folder when it is imported, which
    # warns where XDG_RUNTIME_DIR is unset (as under root); the suite turns warnings
    # into errors, and pgserver's fallback to /tmp/runtime-<uid> is fine here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pgserver

    return pgserver


def _log_tail(log: Path) -> str:
    if not log.is_file():
        return ""
    lines = log.read_text(errors="replace").splitlines()[-_LOG_TAIL_LINES:]
    return "\nserver log (last lines):\n" + "\n".join(lines)


# --------------------------------------------------------------------------
# Choosing the server


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields the URL of a server's maintenance database, chosen as this module's doc says.

    An embedded server is stopped, and its files removed, on exit.
    """
    source = os.environ.get(SOURCE_ENV) or "auto"
    if source not in SOURCES:
        raise PostgresUnavailableError(
            f"{SOURCE_ENV}={source!r} is not a source: use one of {', '.join(SOURCES)}"
        )
    tried: list[str] = []
    if source in ("auto", "url"):
        url = _url_from_environment(required=source == "url")
        if url is not None:
            yield url
            return
        tried.append(f"{URL_ENV} is not set")
    if source in ("auto", "local"):
        problem = server_problem(LOCAL_SERVER_URL)
        if problem is None:
            yield LOCAL_SERVER_URL
            return
        tried.append(f"{shown(LOCAL_SERVER_URL)} did not answer ({problem})")
        if source == "local":
            raise PostgresUnavailableError(f"{SOURCE_ENV}=local: {tried[-1]}")
    try:
        server = start_embedded_server()
    except PostgresUnavailableError as error:
        tried.append(str(error))
        raise PostgresUnavailableError(
            "No PostgreSQL server for the tests. Tried, in order:\n- " + "\n- ".join(tried)
        ) from error
    try:
        yield server.url
    finally:
        server.stop()


def _url_from_environment(*, required: bool) -> str | None:
    """The server URL ``$DAGWRIGHT_TEST_POSTGRES_URL`` gives, checked to answer."""
    raw = os.environ.get(URL_ENV)
    if not raw:
        if required:
            raise PostgresUnavailableError(f"{SOURCE_ENV}=url but {URL_ENV} is not set")
        return None
    try:
        url = normalise_server_url(raw)
    except ValueError as error:
        raise PostgresUnavailableError(f"{URL_ENV}: {error}") from error
    problem = server_problem(url)
    if problem is not None:
        raise PostgresUnavailableError(
            f"{URL_ENV}={shown(url)} does not answer: {problem}\n"
            f"Start that server, or unset {URL_ENV} to use 127.0.0.1:5432 or an embedded server."
        )
    return url
