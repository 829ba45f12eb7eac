"""Ctrl-C on a run in a terminal cancels it: the step is interrupted, resources close, CANCELED."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from dagwright import EventType, Instance, RunStatus

SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from dagwright import Instance, execute_job, job, op, resource, {executor}

    flags = Path(sys.argv[2])

    @resource
    def connection(context):
        yield "open"
        (flags / "closed").write_text("yes")

    @op(required_resource_keys={{"connection"}})
    def wait(context):
        context.log.info("waiting")
        (flags / "started").write_text("yes")
        for _ in range(1200):  # short naps: a Dask step is interrupted between two lines
            time.sleep(0.1)

    @job(resource_defs={{"connection": connection}}, executor_def={executor})
    def waiting():
        wait()

    if __name__ == "__main__":
        with Instance.from_home(sys.argv[1]) as instance:
            execute_job(waiting, instance, run_id="ctrl-c", run_config={run_config})
    """
)


def _dask(processes: bool) -> dict[str, Any]:
    local = {"n_workers": 1, "processes": processes, "dashboard_address": ":0"}
    return {"execution": {"config": {"cluster": {"local": local}}}}


def _interrupt_when_started(tmp_path: Path, script_text: str) -> tuple[str, Path, Path]:
    """Run ``script_text`` (given the home and flags folders), press Ctrl-C once its step has
    started, check the interrupt was raised again; return its stderr, flags and home."""
    script = tmp_path / "pipeline.py"
    script.write_text(script_text)
    flags = tmp_path / "flags"
    flags.mkdir()
    home = tmp_path / "home"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(home), str(flags)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not (flags / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: to the whole process group
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0  # the interrupt is raised again once the run is recorded
    return stderr, flags, home


@pytest.mark.parametrize(
    ("executor", "run_config"),
    [
        ("in_process_executor", {}),
        ("multiprocess_executor", {}),
        ("dask_executor", _dask(processes=False)),
        ("dask_executor", _dask(processes=True)),
    ],
)
def test_ctrl_c_cancels_the_run_and_closes_its_resources(
    tmp_path: Path, executor: str, run_config: dict[str, Any]
) -> None:
    stderr, flags, home = _interrupt_when_started(
        tmp_path, SCRIPT.format(executor=executor, run_config=run_config)
    )
    assert "KeyboardInterrupt" in stderr
    assert (flags / "closed").read_text() == "yes"
    with Instance.from_home(home) as instance:
        run = instance.get_run_by_id("ctrl-c")
        assert run is not None
        assert run.status == RunStatus.CANCELED
        failures = instance.all_logs("ctrl-c", of_type=EventType.STEP_FAILURE)
        assert [e.step_key for e in failures] == ["wait"]
        assert "interrupted" in failures[0].user_message
        canceling = instance.all_logs("ctrl-c", of_type=EventType.RUN_CANCELING)
        assert [e.user_message for e in canceling] == ["Interrupted (Ctrl-C): canceling the run."]


THREAD_POOL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from dagwright import Instance, job, op, resource, thread_pool_executor

    flags = Path(sys.argv[2])

    @resource
    def connection(context):
        yield "open"
        (flags / "closed").write_text("yes")

    @op(required_resource_keys={"connection"})
    def first(context):
        (flags / "started").write_text("yes")
        time.sleep(1.5)
        return 1

    @op
    def second(value):
        (flags / "second").write_text("ran")

    @job(resource_defs={"connection": connection}, executor_def=thread_pool_executor)
    def chain():
        second(first())

    if __name__ == "__main__":
        with Instance.from_home(sys.argv[1]) as instance:
            chain.execute_in_process(instance=instance, run_id="ctrl-c")
    """
)


def test_ctrl_c_cancels_a_thread_pool_run_after_its_running_steps_end(tmp_path: Path) -> None:
    stderr, flags, home = _interrupt_when_started(tmp_path, THREAD_POOL_SCRIPT)

    assert "KeyboardInterrupt" in stderr
    assert (flags / "closed").read_text() == "yes"
    assert not (flags / "second").exists()  # nothing was dispatched after Ctrl-C
    with Instance.from_home(home) as instance:
        run = instance.get_run_by_id("ctrl-c")
        assert run is not None
        assert run.status == RunStatus.CANCELED
        successes = instance.all_logs("ctrl-c", of_type=EventType.STEP_SUCCESS)
        assert [e.step_key for e in successes] == ["first"]  # the running step ran to its end
