"""``dagwright instance info|migrate`` on the instance of $DAGWRIGHT_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dagwright.cli.main import cli
from dagwright.storage.sql.schema import SCHEMA_REVISION


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("DAGWRIGHT_HOME", str(folder))
    return folder


def test_migrate_creates_a_new_database(home: Path) -> None:
    result = CliRunner().invoke(cli, ["instance", "migrate"])
    assert result.exit_code == 0, result.output
    assert f"Created the instance's database at {home} (schema {SCHEMA_REVISION})" in result.output
    assert (home / "storage" / "dagwright.db").exists()


def test_migrate_twice_says_the_instance_is_up_to_date(home: Path) -> None:
    CliRunner().invoke(cli, ["instance", "migrate"])
    result = CliRunner().invoke(cli, ["instance", "migrate"])
    assert result.exit_code == 0
    assert "is up to date" in result.output


def test_info_shows_the_home_and_the_storage(home: Path) -> None:
    result = CliRunner().invoke(cli, ["instance", "info"])
    assert result.exit_code == 0, result.output
    assert str(home) in result.output
    assert "sqlite" in result.output


def test_info_on_a_broken_settings_file_exits_with_the_problem(home: Path) -> None:
    home.mkdir()
    (home / "dagwright.yaml").write_text("storage:\n  sqlit: {}\n")
    result = CliRunner().invoke(cli, ["instance", "info"])
    assert result.exit_code == 1
    assert "sqlit" in result.output
    assert "Traceback" not in result.output
