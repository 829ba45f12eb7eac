"""A database that cannot be used gives one clear error naming the file or URL, and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagwright import Instance, StorageError

from .conftest import postgres_instance


def test_a_file_that_is_not_a_database_is_named_in_the_error(tmp_path: Path) -> None:
    db = tmp_path / "home" / "storage" / "dagwright.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"these are not the bytes of a SQLite database, " * 100)
    with pytest.raises(StorageError) as raised:
        Instance.from_home(tmp_path / "home")
    message = str(raised.value)
    assert str(db) in message
    assert "not a dagwright database or is damaged" in message
    assert "Fix:" in message
    assert raised.value.__cause__ is not None  # the driver's error stays attached for debugging


def test_a_home_that_cannot_be_created_is_named_in_the_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StorageError, match="cannot create the folder") as raised:
        Instance.from_home(blocker / "home")
    assert str(blocker / "home") in str(raised.value)


def test_a_database_path_that_is_a_folder_is_named_in_the_error(tmp_path: Path) -> None:
    (tmp_path / "home" / "storage" / "dagwright.db").mkdir(parents=True)
    with pytest.raises(StorageError, match="cannot be opened") as raised:
        Instance.from_home(tmp_path / "home")
    assert "dagwright.db" in str(raised.value)


def test_a_postgres_server_that_does_not_answer_is_named_with_its_password_masked(
    tmp_path: Path,
) -> None:
    url = "postgresql://ana:s3cret@127.0.0.1:1/dagwright"
    with pytest.raises(StorageError) as raised:
        postgres_instance(tmp_path, url)
    message = str(raised.value)
    assert "postgresql+psycopg://ana:***@127.0.0.1:1/dagwright" in message
    assert "s3cret" not in message
    assert "cannot be reached" in message


def test_a_missing_postgres_database_is_named_in_the_error(
    tmp_path: Path, postgres_url: str
) -> None:
    url = postgres_url.rsplit("/", 1)[0] + "/no_such_database_here"
    with pytest.raises(StorageError, match=r"does not have.*no_such_database_here"):
        postgres_instance(tmp_path, url)
