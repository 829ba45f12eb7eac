"""Shared test settings: keep the console quiet unless a test asks for output.

The PostgreSQL fixtures rest on ``tests/_postgres.py``, which says where the
server comes from (``$DAGWRIGHT_TEST_POSTGRES_URL``, 127.0.0.1:5432, or an
embedded server) and how to force one.
"""

from collections.abc import Iterator

import pytest

import _postgres
from dagwright.execution.clock import FakeClock, use_clock


@pytest.fixture(autouse=True)
def _quiet_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "ERROR")


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    """Runs started in the test use a fake clock: retry delays are recorded, not slept."""
    with use_clock(FakeClock()) as clock:
        yield clock


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """SQLAlchemy URL of a real PostgreSQL server's maintenance database, for the session.

    Never skipped: when no server can be had the tests using it error, saying what was tried.
    """
    problem = None
    try:
        with _postgres.postgres_server() as url:
            yield url
    except _postgres.PostgresUnavailableError as error:
        problem = str(error)
    if problem is not None:  # failed outside the except block: no chained traceback shown
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """SQLAlchemy URL of a database made for this session, dropped when it ends."""
    with _postgres.temporary_database(postgres_server_url) as url:
        yield url


@pytest.fixture
def fresh_postgres_url(postgres_server_url: str) -> Iterator[str]:
    """SQLAlchemy URL of an empty database made for this test alone, dropped after it."""
    with _postgres.temporary_database(postgres_server_url) as url:
        yield url
