"""``dagwright run cancel`` and ``dagwright run monitor`` on the instance of $DAGWRIGHT_HOME."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
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


# --------------------------------------------------------------------------
# run cancel

_SLEEPER = textwrap.dedent(
    """
    import sys
    import time
    from pathlib import Path

    from dagwright import Instance, execute_job, job, op


    @op
    def nap(context):
        Path(sys.argv[2]).touch()
        time.sleep(60)


    @job
    def napping():
        nap()


    with Instance.get() as instance:
        execute_job(napping, instance, run_id=sys.argv[1])
    """
)


def running_in_another_process(home: Path, tmp_path: Path, run_id: str) -> subprocess.Popen[str]:
    """A process running a job whose one step sleeps a minute, once the step is sleeping."""
    script = tmp_path / "napping.py"
    script.write_text(_SLEEPER)
    sleeping = tmp_path / "sleeping"
    process = subprocess.Popen(
        [sys.executable, str(script), run_id, str(sleeping)],
        env={**os.environ, "DAGWRIGHT_HOME": str(home)},
        text=True,
    )
    give_up = time.monotonic() + 30
    while time.monotonic() < give_up:
        if sleeping.exists():
            return process
        time.sleep(0.05)
    process.kill()
    raise AssertionError("the job never started sleeping")


def test_cancel_stops_a_run_in_another_process_and_waits_for_it(home: Path, tmp_path: Path) -> None:
    process = running_in_another_process(home, tmp_path, "napping-run")
    try:
        result = CliRunner().invoke(cli, ["run", "cancel", "napping-run", "--reason", "wrong day"])
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()

    assert result.exit_code == 0, result.output
    assert "Run napping-run is now CANCELED" in result.output
    assert "Interrupted steps: nap" in result.output
    assert status_of(home, "napping-run") == RunStatus.CANCELED
    with Instance.from_home(home) as instance:
        messages = [entry.user_message for entry in instance.all_logs("napping-run")]
    assert any("Reason: wrong day" in message for message in messages)


def test_cancel_no_wait_returns_once_the_run_was_asked(home: Path) -> None:
    started_run(home, "busy-run", last_heartbeat=time.time())

    result = CliRunner().invoke(cli, ["run", "cancel", "busy-run", "--no-wait"])

    assert result.exit_code == 0, result.output
    assert result.output == "Asked run busy-run to cancel.\n"
    assert status_of(home, "busy-run") == RunStatus.CANCELING


def test_cancel_of_a_run_not_started_cancels_it_at_once(home: Path) -> None:
    with Instance.from_home(home) as instance:
        instance.add_run(Run(run_id="queued-run", job_name="nightly"))

    result = CliRunner().invoke(cli, ["run", "cancel", "queued-run"])

    assert result.exit_code == 0, result.output
    assert "Run queued-run is now CANCELED" in result.output
    assert status_of(home, "queued-run") == RunStatus.CANCELED


def test_cancel_of_an_unknown_run_fails_naming_the_instance(home: Path) -> None:
    with Instance.from_home(home):
        pass

    result = CliRunner().invoke(cli, ["run", "cancel", "no-such-run"])

    assert result.exit_code == 1
    assert f"no run no-such-run in {home}" in result.output


def test_cancel_of_a_finished_run_says_there_is_nothing_to_cancel(home: Path) -> None:
    with Instance.from_home(home) as instance:
        instance.add_run(Run(run_id="done-run", job_name="nightly", status=RunStatus.SUCCESS))

    result = CliRunner().invoke(cli, ["run", "cancel", "done-run"])

    assert result.exit_code == 1
    assert "run done-run already ended (SUCCESS); there is nothing to cancel" in result.output


def test_cancel_of_a_run_whose_process_is_gone_times_out_pointing_at_the_monitor(
    home: Path,
) -> None:
    started_run(home, "orphan-run", last_heartbeat=time.time() - 60)

    result = CliRunner().invoke(cli, ["run", "cancel", "orphan-run", "--timeout", "0.5"])

    assert result.exit_code == 1
    assert "run orphan-run is still CANCELING after 0.5 s" in result.output
    assert "dagwright run monitor --once" in result.output


def test_cancel_of_a_canceling_run_waits_for_it_to_stop(home: Path) -> None:
    started_run(home, "stopping-run", last_heartbeat=time.time() - 60)
    with Instance.from_home(home) as instance:
        instance.cancel_run("stopping-run")

    result = CliRunner().invoke(cli, ["run", "cancel", "stopping-run", "--timeout", "0.3"])

    assert result.exit_code == 1
    assert "run stopping-run is still CANCELING after 0.3 s" in result.output


def test_cancel_no_wait_of_a_canceling_run_says_it_is_already_canceling(home: Path) -> None:
    started_run(home, "stopping-run", last_heartbeat=time.time())
    with Instance.from_home(home) as instance:
        instance.cancel_run("stopping-run")

    result = CliRunner().invoke(cli, ["run", "cancel", "stopping-run", "--no-wait"])

    assert result.exit_code == 1
    assert "run stopping-run is already canceling (CANCELING)" in result.output


def mapped_run(home: Path, keys: int) -> str:
    """A run whose op ``light`` was mapped over ``keys`` keys, recorded in ``home``."""
    from dagwright import DynamicOut, DynamicOutput, job, op

    @op(out=DynamicOut())
    def split():
        for i in range(keys):
            yield DynamicOutput(i, mapping_key=str(i))

    @op
    def light(x: int) -> int:
        return x

    @job
    def fan():
        split().map(light)

    with Instance.from_home(home) as instance:
        return fan.execute_in_process(instance=instance).run_id


def test_steps_lists_one_line_per_op_with_mapped_steps_counted_together(home: Path) -> None:
    run_id = mapped_run(home, 300)

    result = CliRunner().invoke(cli, ["run", "steps", run_id])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("split  SUCCESS")
    assert lines[1].startswith("light[300 mapped]  300 succeeded")


def test_steps_all_lists_every_step(home: Path) -> None:
    run_id = mapped_run(home, 3)

    result = CliRunner().invoke(cli, ["run", "steps", run_id, "--all"])

    assert result.exit_code == 0, result.output
    keys = [line.split()[0] for line in result.output.splitlines()]
    assert keys == ["split", "light[0]", "light[1]", "light[2]"]


def test_steps_of_an_unknown_run_fails_naming_the_instance(home: Path) -> None:
    with Instance.from_home(home):
        pass

    result = CliRunner().invoke(cli, ["run", "steps", "no-such-run"])

    assert result.exit_code == 1
    assert f"no run no-such-run in {home}" in result.output
