"""One SQLite file shared by several processes: nothing lost, nothing locked, nothing undone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from dagwright import EventType, Instance, RunStatus

WRITER = textwrap.dedent(
    """
    import sys
    from dagwright import Instance, job, op

    @op
    def emit(context):
        context.log.info("hello from emit")
        return 1

    @op
    def add_one(x):
        return x + 1

    @job
    def pair():
        add_one(emit())

    instance = Instance.from_home(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        assert pair.execute_in_process(instance=instance, tags={"writer": sys.argv[3]}).success
    """
)


def test_processes_writing_one_file_at_once_lose_no_event(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    home = tmp_path / "home"
    Instance.from_home(home).dispose()  # the file exists before the writers race
    runs_each, writers = 15, 4
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(home), str(runs_each), str(n)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, errors
    assert not any("database is locked" in e for e in errors)
    with Instance.from_home(home) as instance:
        runs = instance.get_runs()
        assert len(runs) == runs_each * writers
        assert all(r.status == RunStatus.SUCCESS for r in runs)
        counts = {len(instance.all_logs(r.run_id)) for r in runs}
        assert len(counts) == 1  # every run has its whole log
        ids = [
            rec.storage_id for r in runs for rec in instance.get_records_for_run(r.run_id).records
        ]
        assert len(ids) == len(set(ids))


SLOW_JOB = textwrap.dedent(
    """
    import sys, time
    from dagwright import Instance, job, op

    @op
    def first(context):
        context.log.info("first done")
        return 1

    @op
    def stuck(context, x):
        context.log.info("stuck is waiting")
        print("printed before the kill")
        time.sleep(120)

    @job
    def slow():
        stuck(first())

    slow.execute_in_process(instance=Instance.from_home(sys.argv[1]), run_id="killed-run")
    """
)


def test_a_killed_run_keeps_every_event_written_before_the_kill(tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text(SLOW_JOB)
    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, str(script), str(home)])
    try:
        seen = _wait_for_log_line(home, "killed-run", "stuck is waiting")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    with Instance.from_home(home) as instance:
        logs = instance.all_logs("killed-run")
        assert logs[: len(seen)] == seen
        assert [e.step_key for e in logs if e.event_type == EventType.STEP_SUCCESS] == ["first"]
        assert any(e.user_message == "stuck is waiting" for e in logs)
        run = instance.get_run_by_id("killed-run")
        assert run is not None
        assert run.status == RunStatus.STARTED
        stdout = instance.compute_log_manager.read("killed-run", "stuck")  # type: ignore[union-attr]
        assert stdout.data == "printed before the kill\n"


def _wait_for_log_line(home: Path, run_id: str, message: str) -> list:
    """The run's log as soon as it holds ``message`` (read by another process, as the UI does)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (home / "storage" / "dagwright.db").exists():
            with Instance.from_home(home) as instance:
                logs = instance.all_logs(run_id)
            if any(e.user_message == message for e in logs):
                return logs
        time.sleep(0.1)
    raise AssertionError(f"the run never recorded {message!r}")


def test_a_run_in_another_process_is_read_while_it_runs(tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text(SLOW_JOB)
    home = tmp_path / "home"
    proc = subprocess.Popen([sys.executable, str(script), str(home)])
    try:
        _wait_for_log_line(home, "killed-run", "stuck is waiting")
        with Instance.from_home(home) as instance:
            starts = instance.all_logs("killed-run", of_type=EventType.STEP_START)
            assert [e.step_key for e in starts] == ["first", "stuck"]
            assert os.path.exists(instance.compute_log_manager.paths("killed-run", "stuck")[0])  # type: ignore[union-attr]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
