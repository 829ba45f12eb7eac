"""The Dask executor: each step a Dask task, events back in the run's event log.

Most tests run on one ``distributed.LocalCluster`` of two worker processes
shared by the module, reached through ``cluster: {existing: {address}}``;
the tests that kill a worker let the executor start a cluster of its own.
The jobs live in ``_dask_jobs.py``, which the workers import.
"""

from __future__ import annotations

import importlib
import pickle
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import LocalCluster

from dagwright import (
    DagwrightError,
    EventType,
    Instance,
    InvalidInvocationError,
    ReexecutionOptions,
    RunStatus,
    execute_job,
)

from ._cancel import cancel_when_sleeping
from ._dask_jobs import JobPointer, ten_steps

E = EventType


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two worker processes of one thread; Dask never re-runs a task whose worker died."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        started = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    with started:
        yield started


def _config(cluster: Any, files: Path | None = None, **executor: Any) -> dict[str, Any]:
    address = {"existing": {"address": cluster.scheduler_address}}
    config: dict[str, Any] = {"execution": {"config": {"cluster": address, **executor}}}
    if files is not None:
        config["resources"] = {"files": {"config": {"dir": str(files)}}}
    return config


def _own_cluster(files: Path | None = None) -> dict[str, Any]:
    """Run config that makes the executor start (and close) a LocalCluster of its own."""
    local = {"n_workers": 2, "threads_per_worker": 1, "dashboard_address": ":0"}
    config: dict[str, Any] = {"execution": {"config": {"cluster": {"local": local}}}}
    if files is not None:
        config["resources"] = {"files": {"config": {"dir": str(files)}}}
    return config


def _events(result: Any, kind: EventType, step_key: str | None = None) -> list[Any]:
    return [
        e
        for e in result.all_events
        if e.event_type is kind and (step_key is None or e.step_key == step_key)
    ]


def _step_pids(result: Any, prefix: str) -> set[int]:
    return {e.pid for e in _events(result, E.STEP_START) if e.step_key.startswith(prefix)}


def _log_lines(instance: Instance, result: Any) -> list[str]:
    """The ``context.log`` lines of a run, as the instance stored them."""
    return [e.user_message for e in instance.all_logs(result.run_id) if not e.is_event]


def _resource_notes(folder: Path) -> dict[int, list[str]]:
    """What the ``files`` resource noted in each worker process: 'started', then 'closed'."""
    return {
        int(path.name.removeprefix("resource-")): path.read_text().split()
        for path in folder.glob("resource-*")
    }


def _stored_output(result: Any, step_key: str) -> Any:
    """An output as the IO manager stored it (the path its HANDLED_OUTPUT event names)."""
    (handled,) = _events(result, E.HANDLED_OUTPUT, step_key)
    path = handled.event_specific_data.metadata["path"].value
    return pickle.loads(Path(path).read_bytes())


# --------------------------------------------------------------------------
# A run on two worker processes


def test_a_job_runs_with_its_steps_spread_over_the_dask_workers(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        JobPointer("ten_steps"), persistent_instance, run_config=_config(cluster, tmp_path)
    )

    assert result.success
    assert len(_events(result, E.STEP_SUCCESS)) == 10
    assert len(_step_pids(result, "add_")) == 2


def test_the_ops_of_an_execution_unit_run_as_one_task_on_one_worker(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        JobPointer("ten_steps_as_unit"), persistent_instance, run_config=_config(cluster, tmp_path)
    )

    assert result.success
    assert len(_events(result, E.STEP_SUCCESS)) == 10
    assert len(_step_pids(result, "eight_adds.add_")) == 1
    assert _stored_output(result, "eight_adds.total") == 16


def test_every_event_of_the_workers_is_in_the_instance_in_step_order(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        JobPointer("ten_steps"), persistent_instance, run_config=_config(cluster, tmp_path)
    )

    stored = persistent_instance.all_logs(result.run_id)
    assert [e.event_type for e in stored if e.is_event] == [e.event_type for e in result.all_events]
    record = persistent_instance.get_run_by_id(result.run_id)
    assert record is not None
    assert record.status is RunStatus.SUCCESS
    kinds = [e.event_type for e in stored if e.step_key == "add_3" and e.is_event]
    assert kinds.index(E.STEP_START) < kinds.index(E.STEP_OUTPUT) < kinds.index(E.STEP_SUCCESS)


def test_outputs_pass_between_workers_through_the_io_manager(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        JobPointer("ten_steps"), persistent_instance, run_config=_config(cluster, tmp_path)
    )

    assert _stored_output(result, "total") == 16


def test_a_job_made_inside_a_function_is_refused_since_workers_rebuild_the_job(
    persistent_instance: Instance,
) -> None:
    from dagwright import JobPointerError

    local = ten_steps.graph.to_job(
        name="local_copy",
        executor_def=ten_steps.executor_def,
        resource_defs=ten_steps.resource_defs,
    )
    with pytest.raises(JobPointerError):
        execute_job(local, persistent_instance)


# --------------------------------------------------------------------------
# Resources


def test_resources_start_once_per_worker_process_and_are_torn_down_at_the_end(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        JobPointer("ten_steps"), persistent_instance, run_config=_config(cluster, tmp_path)
    )

    notes = _resource_notes(tmp_path)
    assert set(notes) == _step_pids(result, "add_")
    assert all(lines == ["started", "closed"] for lines in notes.values())


def test_a_resource_that_fails_on_the_workers_fails_the_run_with_its_error(
    cluster: LocalCluster, persistent_instance: Instance
) -> None:
    result = execute_job(
        JobPointer("bad_resources"), persistent_instance, run_config=_config(cluster)
    )

    assert not result.success
    failures = _events(result, E.RESOURCE_INIT_FAILURE)
    assert failures
    assert "the database is down" in failures[0].event_specific_data.error.to_string()
    assert not _events(result, E.STEP_START)


# --------------------------------------------------------------------------
# Failures, retries, hooks


def test_a_failed_step_shows_the_users_traceback(
    cluster: LocalCluster, persistent_instance: Instance
) -> None:
    result = execute_job(JobPointer("failing"), persistent_instance, run_config=_config(cluster))

    assert not result.success
    (failure,) = _events(result, E.STEP_FAILURE, "broken")
    error = failure.event_specific_data.error
    assert "ValueError" in error.to_string()
    assert "broken on purpose with 1" in error.to_string()
    assert 'raise ValueError(f"broken on purpose with {x}")' in error.to_string()


def test_raise_on_error_raises_the_steps_exception(
    cluster: LocalCluster, persistent_instance: Instance
) -> None:
    with pytest.raises(ValueError, match="broken on purpose with 1"):
        execute_job(
            JobPointer("failing"),
            persistent_instance,
            run_config=_config(cluster),
            raise_on_error=True,
        )


def test_a_retry_policy_runs_the_step_again(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        JobPointer("retried"), persistent_instance, run_config=_config(cluster, tmp_path)
    )

    assert result.success
    assert len(_events(result, E.STEP_UP_FOR_RETRY, "flaky")) == 1
    assert len(_events(result, E.STEP_RESTARTED, "flaky")) == 1
    assert _stored_output(result, "flaky") == "second time lucky"


def test_hooks_run_on_the_workers_after_their_steps(
    cluster: LocalCluster, persistent_instance: Instance
) -> None:
    result = execute_job(JobPointer("hooked"), persistent_instance, run_config=_config(cluster))

    completed = {e.step_key for e in _events(result, E.HOOK_COMPLETED)}
    assert completed == {"emit", "broken"}
    lines = _log_lines(persistent_instance, result)
    assert "success hook saw emit" in lines
    assert "failure hook saw broken" in lines


def test_a_failed_run_is_re_executed_from_its_failure_on_dask(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    config = _config(cluster, tmp_path)
    failed = execute_job(JobPointer("fails_once"), persistent_instance, run_config=config)

    again = execute_job(
        JobPointer("fails_once"),
        persistent_instance,
        run_config=config,
        reexecution_options=ReexecutionOptions.from_failure(failed.run_id, persistent_instance),
    )

    assert not failed.success
    assert again.success
    assert {e.step_key for e in again.get_step_success_events()} == {
        "fails_first_time",
        "add_one_free",
    }
    assert _stored_output(again, "add_one_free") == 11


# --------------------------------------------------------------------------
# Dynamic outputs, op selection, tag limits


def test_mapped_steps_fan_out_across_workers_and_are_collected(
    cluster: LocalCluster, persistent_instance: Instance
) -> None:
    result = execute_job(JobPointer("mapped"), persistent_instance, run_config=_config(cluster))

    assert result.success
    assert len(_step_pids(result, "slow_double[")) == 2
    assert _stored_output(result, "total") == 2 * sum(range(6))


def test_an_op_selection_runs_only_the_selected_steps(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        JobPointer("ten_steps"),
        persistent_instance,
        run_config=_config(cluster, tmp_path),
        op_selection=["emit", "add_2"],
    )

    assert result.success
    assert {e.step_key for e in _events(result, E.STEP_SUCCESS)} == {"emit", "add_2"}


def test_a_tag_concurrency_limit_of_one_runs_tagged_steps_one_at_a_time(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    limits = [{"key": "database", "value": "warehouse", "limit": 1}]
    result = execute_job(
        JobPointer("limited"),
        persistent_instance,
        run_config=_config(cluster, tmp_path, tag_concurrency_limits=limits),
    )

    assert result.success


# --------------------------------------------------------------------------
# Events while a step runs


def test_a_steps_events_reach_the_instance_while_it_runs(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    run_id = "waiting-for-go"
    finished: list[Any] = []
    runner = threading.Thread(
        target=lambda: finished.append(
            execute_job(
                JobPointer("waiting"),
                persistent_instance,
                run_config=_config(cluster, tmp_path),
                run_id=run_id,
            )
        )
    )
    runner.start()
    try:
        while not any(
            e.event_type is E.STEP_START for e in persistent_instance.all_logs(run_id) if e.is_event
        ):
            assert runner.is_alive(), "the run ended before its step's start was recorded"
            runner.join(0.05)
    finally:
        (tmp_path / "go").touch()
        runner.join()

    assert finished[0].success


# --------------------------------------------------------------------------
# Lost workers


def test_a_step_whose_worker_dies_fails_and_the_run_ends(
    persistent_instance: Instance,
) -> None:
    result = execute_job(JobPointer("lost"), persistent_instance, run_config=_own_cluster())

    assert not result.success
    (failure,) = _events(result, E.STEP_FAILURE, "die")
    assert "the Dask worker" in failure.message
    assert "running step 'die' died or left the cluster" in failure.message
    assert "about to die" in _log_lines(persistent_instance, result)
    skipped = _events(result, E.STEP_SKIPPED, "add_one_free")
    assert skipped
    assert "upstream step 'die' failed" in skipped[0].message


def test_a_step_whose_worker_dies_is_retried_by_its_retry_policy(
    persistent_instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        JobPointer("lost_once"), persistent_instance, run_config=_own_cluster(tmp_path)
    )

    assert result.success
    (retry,) = _events(result, E.STEP_UP_FOR_RETRY, "die_once")
    assert "died or left the cluster" in retry.message
    assert _stored_output(result, "add_one_free") == 2


# --------------------------------------------------------------------------
# What the executor refuses


def test_an_ephemeral_instance_is_refused_before_the_run_starts(cluster: LocalCluster) -> None:
    instance = Instance.ephemeral()

    with pytest.raises(InvalidInvocationError, match="ephemeral") as raised:
        execute_job(JobPointer("ten_steps"), instance, run_config=_config(cluster))

    assert "dask executor" in str(raised.value)
    assert instance.get_runs() == []


def test_a_job_the_workers_cannot_import_fails_the_run_saying_so(
    cluster: LocalCluster,
    persistent_instance: Instance,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A module only this process can import: the workers started before its folder was added.
    (tmp_path / "only_here.py").write_text(
        f"from {JobPointer.__module__} import JobPointer\n"
        "class PointerOnlyHere(JobPointer):\n"
        "    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    only_here = importlib.import_module("only_here")

    result = execute_job(
        only_here.PointerOnlyHere("failing"), persistent_instance, run_config=_config(cluster)
    )

    assert not result.success
    error = result.get_run_failure_event().event_specific_data.error.to_string()
    assert "Dask could not run the task of step 'emit'" in error
    assert "No module named 'only_here'" in error


def test_an_unreachable_scheduler_fails_the_run_naming_its_address(
    persistent_instance: Instance,
) -> None:
    address = {"existing": {"address": "tcp://127.0.0.1:9"}}
    config = {"execution": {"config": {"cluster": address}}}

    with (
        pytest.raises(DagwrightError, match=r"the scheduler at tcp://127\.0\.0\.1:9"),
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
    ):
        execute_job(
            JobPointer("failing"), persistent_instance, run_config=config, raise_on_error=True
        )

    (run,) = persistent_instance.get_runs()
    assert run.status is RunStatus.FAILURE


def test_defining_a_job_with_the_dask_executor_does_not_import_dask() -> None:
    code = (
        "import sys; from dagwright import dask_executor, job, op\n"
        "@op\ndef one(): return 1\n"
        "@job(executor_def=dask_executor)\ndef j(): one()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout

    assert out.strip() == "[]"


# --------------------------------------------------------------------------
# Cancellation


def _canceled_once_sleeping(cluster: LocalCluster, instance: Instance, files: Path) -> Any:
    """Run ``long_sleepers`` (three steps, two workers), canceled once two steps sleep."""
    run_id = str(uuid.uuid4())
    thread = cancel_when_sleeping(instance, run_id, sleepers=2)
    result = execute_job(
        JobPointer("long_sleepers"), instance, run_config=_config(cluster, files), run_id=run_id
    )
    thread.join()
    return result


def test_canceling_a_dask_run_interrupts_its_running_steps_and_drops_the_queued_one(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    began = time.monotonic()

    result = _canceled_once_sleeping(cluster, persistent_instance, tmp_path)

    assert time.monotonic() - began < 40  # the steps sleep 60 s: they were interrupted
    assert result.run.status is RunStatus.CANCELED
    started = {e.step_key for e in _events(result, E.STEP_START)}
    failed = _events(result, E.STEP_FAILURE)
    assert len(started) == 2  # one step per single-threaded worker; the third never ran
    assert {e.step_key for e in failed} == started
    assert all("interrupted" in e.message for e in failed)


def test_canceling_a_dask_run_tears_its_resources_down_on_the_workers(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    result = _canceled_once_sleeping(cluster, persistent_instance, tmp_path)

    notes = _resource_notes(tmp_path)
    assert set(notes) == _step_pids(result, "sleep_")
    assert all(lines == ["started", "closed"] for lines in notes.values())


def test_a_dask_worker_runs_the_next_run_normally_after_a_cancel(
    cluster: LocalCluster, persistent_instance: Instance, tmp_path: Path
) -> None:
    _canceled_once_sleeping(cluster, persistent_instance, tmp_path)

    result = execute_job(
        JobPointer("ten_steps"), persistent_instance, run_config=_config(cluster, tmp_path)
    )

    assert result.success


def test_async_ops_share_their_workers_event_loop_with_async_resources(
    cluster: LocalCluster, persistent_instance: Instance
) -> None:
    result = execute_job(JobPointer("async_ops"), persistent_instance, run_config=_config(cluster))

    assert result.success
    assert _stored_output(result, "all_true") is True
