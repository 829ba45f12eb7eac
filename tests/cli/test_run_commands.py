"""``dagwright run monitor`` on the instance of $DAGWRIGHT_HOME."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dagwright import EventType, Instance, RunStatus
from dagwright.cli.main import cli
from dagwright.records import Event, EventLogEntry, Run


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("DAGWRIGHT_HOME", str(folder))
    return folder


def started_run(home: Path, run_id: str, last_heartbeat: float) -> None:
    """A STARTED run whose process last beat at ``last_heartbeat``."""
    with Instance.from_home(home) as instance:
        instance.add_run(Run(run_id=run_id, job_name="nightly"))
        start = Event(event_type_value=EventType.RUN_START.value, job_name="nightly")
        instance.store_events(
            [
                EventLogEntry(
                    run_id=run_id, timestamp=time.time(), level=10, user_message="", event=start
                )
            ]
        )
        instance.record_heartbeat(run_id, last_heartbeat)


def status_of(home: Path, run_id: str) -> RunStatus:
    with Instance.from_home(home) as instance:
        run = instance.get_run_by_id(run_id)
    assert run is not None
    return run.status


def test_monitor_once_marks_a_run_whose_process_died_and_says_so(home: Path) -> None:
    started_run(home, "dead-run", last_heartbeat=time.time() - 60)
    started_run(home, "live-run", last_heartbeat=time.time() + 60)

    result = CliRunner().invoke(cli, ["run", "monitor", "--once"])

    assert result.exit_code == 0, result.output
    assert "Run dead-run is now FAILURE" in result.output
    assert "its process died" in result.output
    assert "live-run" not in result.output
    assert status_of(home, "dead-run") == RunStatus.FAILURE
    assert status_of(home, "live-run") == RunStatus.STARTED


def test_monitor_once_with_nothing_to_mark_prints_nothing(home: Path) -> None:
    started_run(home, "live-run", last_heartbeat=time.time() + 60)

    result = CliRunner().invoke(cli, ["run", "monitor", "--once"])

    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_monitor_says_when_run_monitoring_is_disabled(home: Path) -> None:
    home.mkdir()
    (home / "dagwright.yaml").write_text("run_monitoring:\n  enabled: false\n")
    started_run(home, "dead-run", last_heartbeat=time.time() - 60)

    result = CliRunner().invoke(cli, ["run", "monitor", "--once"])

    assert result.exit_code == 0, result.output
    assert "Run monitoring is disabled" in result.output
    assert status_of(home, "dead-run") == RunStatus.STARTED


def test_monitor_refuses_an_interval_that_is_not_positive(home: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "monitor", "--interval", "0"])

    assert result.exit_code == 2
    assert "--interval" in result.output
