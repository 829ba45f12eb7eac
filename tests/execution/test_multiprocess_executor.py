"""The multiprocess executor: a run's steps on worker processes, recorded by the run's process.

The jobs live in ``_mp_jobs.py``: worker processes import them from there.
Concurrency is shown by the steps' STEP_START..STEP_SUCCESS spans (taken
from the recorded events) overlapping, or not; steps that must overlap wait
for each other, so no test depends on how fast workers start.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    EventType,
    Instance,
    InvalidDefinitionError,
    InvalidInvocationError,
    InvariantViolationError,
    JobPointerError,
    ReexecutionOptions,
    RunStatus,
    execute_job,
    job,
    mem_io_manager,
    multiprocess_executor,
    op,
    reconstructable,
)
from dagwright.records import Event

from . import _mp_jobs as jobs
from ._cancel import cancel_when, cancel_when_sleeping

E = EventType


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with Instance.local_temp(tmp_path / "home") as instance:
        yield instance


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the jobs' ops, hooks and resources leave their traces."""
    made = tmp_path / "traces"
    (made / "free").mkdir(parents=True)
    return made


def _execution(**config: Any) -> dict[str, Any]:
    return {"execution": {"config": config}}


def _step_events(events: list[Event], kind: EventType) -> dict[str, Event]:
    """The last event of kind ``kind`` of each step."""
    return {e.step_key: e for e in events if e.event_type is kind and e.step_key is not None}


def _spans(instance: Instance, run_id: str) -> dict[str, tuple[float, float, int | None]]:
    """Each succeeded step's (start time, end time, pid), from the run's recorded events."""
    entries = instance.all_logs(run_id)
    starts = {e.step_key: e for e in entries if e.event_type is E.STEP_START}
    ends = {e.step_key: e for e in entries if e.event_type is E.STEP_SUCCESS}
    return {
        key: (start.timestamp, ends[key].timestamp, start.event.pid)  # type: ignore[union-attr]
        for key, start in starts.items()
        if key in ends
    }


def _overlap(a: tuple[float, float, Any], b: tuple[float, float, Any]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _meet_config(folder: Path, **by_step: dict[str, Any]) -> dict[str, Any]:
    return {"ops": {step: {"config": {"folder": str(folder), **c}} for step, c in by_step.items()}}


def _pids(folder: Path, prefix: str) -> list[str]:
    """The pids of the files named ``<prefix><pid>`` in ``folder``."""
    return sorted(p.name.removeprefix(prefix) for p in folder.glob(f"{prefix}*"))


# --------------------------------------------------------------------------
# Where steps run, what is recorded, how outputs are read


def test_steps_run_on_worker_processes_not_in_the_run_process(instance: Instance) -> None:
    with execute_job(jobs.values_job, instance) as result:
        step_pids = {e.pid for e in result.all_events if e.event_type is E.STEP_START}

    assert result.success
    assert step_pids
    assert os.getpid() not in step_pids
    assert None not in step_pids


def test_the_run_and_every_event_are_recorded_in_the_instance(instance: Instance) -> None:
    with execute_job(jobs.values_job, instance) as result:
        pass

    recorded = instance.get_run_by_id(result.run_id)
    assert recorded is not None
    assert recorded.status is RunStatus.SUCCESS
    stored = [e.event_type for e in instance.all_logs(result.run_id) if e.is_event]
    assert stored == [e.event_type for e in result.all_events]
    assert stored.count(E.STEP_SUCCESS) == 7  # emit, add_one, fan_out, 3 x double, total


def test_outputs_are_read_through_the_default_io_manager_of_a_persistent_instance(
    instance: Instance,
) -> None:
    with execute_job(jobs.values_job, instance) as result:
        assert result.output_for_node("add_one") == 6
        assert result.output_for_node("total") == 6


def test_outputs_are_stored_and_read_by_a_bound_fs_io_manager(
    instance: Instance, tmp_path: Path
) -> None:
    run_config = {"resources": {"io_manager": {"config": {"base_dir": str(tmp_path / "store")}}}}

    with execute_job(jobs.fs_values_job, instance, run_config=run_config) as result:
        assert result.output_for_node("emit") == 5
        assert result.output_for_node("add_one") == 6

    stored = {p.relative_to(tmp_path / "store").parts[1:] for p in (tmp_path / "store").rglob("*")}
    assert {("emit", "result"), ("add_one", "result")} <= stored


def test_dynamic_and_mapped_outputs_are_read_by_mapping_key(instance: Instance) -> None:
    with execute_job(jobs.values_job, instance) as result:
        assert result.output_for_node("fan_out") == {"k0": 0, "k1": 1, "k2": 2}
        assert result.output_for_node("double") == {"k0": 0, "k1": 2, "k2": 4}


def test_reading_an_output_after_the_with_block_is_an_error(instance: Instance) -> None:
    with execute_job(jobs.values_job, instance) as result:
        pass

    with pytest.raises(InvariantViolationError, match="released"):
        result.output_for_node("add_one")


def test_a_reconstructable_pointer_runs_like_the_job_object(instance: Instance) -> None:
    with execute_job(reconstructable(jobs.values_job), instance) as result:
        assert result.success
        assert result.output_for_node("total") == 6


# --------------------------------------------------------------------------
# How many steps run at once


def test_steps_run_at_once_on_different_workers_up_to_max_concurrent(
    instance: Instance, folder: Path
) -> None:
    run_config = {
        **_execution(max_concurrent=2),
        **_meet_config(folder, step_a={"expect": 2}, step_b={"expect": 2}),
    }

    with execute_job(jobs.two_steps, instance, run_config=run_config) as result:
        spans = _spans(instance, result.run_id)

    assert result.success
    assert _overlap(spans["step_a"], spans["step_b"])
    assert spans["step_a"][2] != spans["step_b"][2]


def test_max_concurrent_one_runs_steps_one_after_another(instance: Instance, folder: Path) -> None:
    run_config = {
        **_execution(max_concurrent=1),
        **_meet_config(folder, step_a={"nap": 0.3}, step_b={"nap": 0.3}),
    }

    with execute_job(jobs.two_steps, instance, run_config=run_config) as result:
        spans = _spans(instance, result.run_id)

    assert result.success
    assert not _overlap(spans["step_a"], spans["step_b"])


def test_steps_with_a_limited_tag_never_overlap_while_other_steps_do(
    instance: Instance, folder: Path
) -> None:
    run_config = {
        **_execution(max_concurrent=4, tag_concurrency_limits=[{"key": "db", "limit": 1}]),
        **_meet_config(
            folder,
            db_1={"nap": 0.3},
            db_2={"nap": 0.3},
            free_1={"folder": str(folder / "free"), "expect": 2},
            free_2={"folder": str(folder / "free"), "expect": 2},
        ),
    }

    with execute_job(jobs.tagged_steps, instance, run_config=run_config) as result:
        spans = _spans(instance, result.run_id)

    assert result.success
    assert not _overlap(spans["db_1"], spans["db_2"])
    assert _overlap(spans["free_1"], spans["free_2"])


def test_a_tag_limit_with_a_value_only_limits_steps_with_that_value(
    instance: Instance, folder: Path
) -> None:
    limits = [{"key": "db", "value": "other", "limit": 1}]
    run_config = {
        **_execution(max_concurrent=2, tag_concurrency_limits=limits),
        **_meet_config(
            folder,
            db_1={"expect": 2},
            db_2={"expect": 2},
            free_1={"folder": str(folder / "free")},
            free_2={"folder": str(folder / "free")},
        ),
    }

    with execute_job(jobs.tagged_steps, instance, run_config=run_config) as result:
        spans = _spans(instance, result.run_id)

    assert result.success
    assert _overlap(spans["db_1"], spans["db_2"])


def test_the_executor_config_can_be_fixed_with_configured(instance: Instance, folder: Path) -> None:
    run_config = _meet_config(folder, step_a={"nap": 0.3}, step_b={"nap": 0.3})

    with execute_job(jobs.two_steps_one_at_a_time, instance, run_config=run_config) as result:
        spans = _spans(instance, result.run_id)

    assert result.success
    assert not _overlap(spans["step_a"], spans["step_b"])


def test_a_renamed_multiprocess_executor_still_runs_steps_on_workers(
    instance: Instance, folder: Path
) -> None:
    run_config = _meet_config(folder, step_a={"expect": 2}, step_b={"expect": 2})

    with execute_job(
        jobs.two_steps_on_a_renamed_executor, instance, run_config=run_config
    ) as result:
        spans = _spans(instance, result.run_id)

    assert result.success
    assert _overlap(spans["step_a"], spans["step_b"])
    assert os.getpid() not in {pid for _, _, pid in spans.values()}


# --------------------------------------------------------------------------
# What runs in workers as it does in process


def test_a_retried_step_succeeds_on_its_second_attempt_in_a_worker(
    instance: Instance, folder: Path
) -> None:
    run_config = {"ops": {"flaky": {"config": {"flag": str(folder / "flag")}}}}

    with execute_job(jobs.retrying, instance, run_config=run_config) as result:
        kinds = [e.event_type for e in result.all_events if e.step_key == "flaky"]
        assert result.output_for_node("flaky") == "second attempt"

    assert result.success
    assert kinds.count(E.STEP_UP_FOR_RETRY) == 1
    assert kinds.count(E.STEP_RESTARTED) == 1
    assert kinds[-1] is E.STEP_SUCCESS


def test_a_success_hook_runs_in_the_worker(instance: Instance, folder: Path) -> None:
    run_config = {"ops": {"hooked_op": {"config": {"folder": str(folder)}}}}

    result = execute_job(jobs.hooked, instance, run_config=run_config)

    assert result.success
    assert (folder / "hook-hooked_op").exists()
    assert int((folder / "hook-hooked_op").read_text()) != os.getpid()
    assert [e.step_key for e in result.all_events if e.event_type is E.HOOK_COMPLETED] == [
        "hooked_op"
    ]


def test_mapped_steps_run_on_workers_and_are_collected(instance: Instance) -> None:
    with execute_job(jobs.values_job, instance, run_config=_execution(max_concurrent=2)) as result:
        assert result.output_for_node("total") == 6

    mapped = [e for e in result.all_events if e.event_type is E.STEP_START and "[" in e.step_key]
    assert sorted(e.step_key for e in mapped) == ["double[k0]", "double[k1]", "double[k2]"]
    assert os.getpid() not in {e.pid for e in mapped}


def test_op_selection_runs_only_the_selected_ops_on_workers(instance: Instance) -> None:
    with execute_job(jobs.values_job, instance, op_selection=["emit", "add_one"]) as result:
        started = {e.step_key for e in result.all_events if e.event_type is E.STEP_START}
        assert result.output_for_node("add_one") == 6

    assert result.success
    assert started == {"emit", "add_one"}


def test_run_config_of_ops_and_resources_reaches_the_workers(
    instance: Instance, folder: Path
) -> None:
    run_config = {
        "resources": {"scratch": {"config": {"folder": str(folder), "greeting": "hello"}}},
        "ops": {f"greet_{i}": {"config": {"suffix": f"#{i}"}} for i in range(4)},
    }

    with execute_job(jobs.greetings, instance, run_config=run_config) as result:
        assert result.output_for_node("greet_3") == "hello #3"


def test_resources_are_started_once_per_worker_and_torn_down_there(
    instance: Instance, folder: Path
) -> None:
    run_config = {
        **_execution(max_concurrent=2),
        "resources": {"scratch": {"config": {"folder": str(folder), "greeting": "hi"}}},
        "ops": {f"greet_{i}": {"config": {"suffix": "x"}} for i in range(4)},
    }

    result = execute_job(jobs.greetings, instance, run_config=run_config)

    assert result.success
    step_pids = {str(e.pid) for e in result.all_events if e.event_type is E.STEP_START}
    init_pids = _pids(folder, "init-")
    assert set(init_pids) == step_pids
    assert all(len(p.read_text().splitlines()) == 1 for p in folder.glob("init-*"))
    assert _pids(folder, "teardown-") == init_pids
    assert str(os.getpid()) not in init_pids


# --------------------------------------------------------------------------
# Failures


def test_a_step_that_raises_in_a_worker_fails_with_the_users_traceback(
    instance: Instance,
) -> None:
    result = execute_job(jobs.exploding, instance)

    failure = _step_events(result.all_events, E.STEP_FAILURE)["explode_in_worker"]
    error = failure.event_specific_data.error  # type: ignore[union-attr]
    assert result.run.status is RunStatus.FAILURE
    assert "exploded on purpose" in error.message
    assert "explode_in_worker" in "".join(error.stack)


def test_a_step_that_raises_in_a_worker_is_raised_with_raise_on_error(
    instance: Instance,
) -> None:
    with pytest.raises(Exception, match="exploded on purpose"):
        execute_job(jobs.exploding, instance, raise_on_error=True)


def test_a_killed_worker_fails_its_step_and_the_run_saying_the_worker_died(
    instance: Instance, folder: Path
) -> None:
    run_config = {"ops": {"die_once": {"config": {"flag": str(folder / "flag")}}}}

    result = execute_job(jobs.dying, instance, run_config=run_config)

    assert result.run.status is RunStatus.FAILURE
    failure = _step_events(result.all_events, E.STEP_FAILURE)["die_once"]
    message = failure.event_specific_data.error.message  # type: ignore[union-attr]
    assert "'die_once'" in message
    assert "died" in message
    assert "SIGKILL" in message
    kinds = [e.event_type for e in instance.all_logs(result.run_id) if e.step_key == "emit"]
    assert E.STEP_SUCCESS in kinds  # the events before the death are kept
    assert "after" not in _step_events(result.all_events, E.STEP_START)


def test_a_run_whose_worker_was_killed_completes_when_reexecuted_from_failure(
    instance: Instance, folder: Path
) -> None:
    run_config = {"ops": {"die_once": {"config": {"flag": str(folder / "flag")}}}}
    first = execute_job(jobs.dying, instance, run_config=run_config)

    options = ReexecutionOptions.from_failure(first.run_id, instance)
    with execute_job(jobs.dying, instance, reexecution_options=options) as again:
        assert again.success
        assert again.output_for_node("after") == 7

    started = {e.step_key for e in again.all_events if e.event_type is E.STEP_START}
    assert started == {"die_once", "after"}


def test_a_reexecution_on_workers_reads_reused_outputs_from_the_parent_run(
    instance: Instance,
) -> None:
    with execute_job(jobs.values_job, instance) as first:
        pass
    options = ReexecutionOptions(first.run_id, step_selection=["double[k1]", "total"])

    with execute_job(jobs.values_job, instance, reexecution_options=options) as again:
        assert again.output_for_node("total") == 6

    started = {e.step_key for e in again.all_events if e.event_type is E.STEP_START}
    assert started == {"double[k1]", "total"}


def test_an_output_that_cannot_be_pickled_fails_its_step_saying_why(instance: Instance) -> None:
    result = execute_job(jobs.unpicklable, instance)

    failure = _step_events(result.all_events, E.STEP_FAILURE)["make_lock"]
    error = failure.event_specific_data.error  # type: ignore[union-attr]
    assert result.run.status is RunStatus.FAILURE
    assert failure.message.startswith(
        "Execution of step \"make_lock\" failed in IO manager 'io_manager' handling output 'result'"
    )
    assert error.cls_name == "OutputNotPicklableError"
    assert "output 'result' of step 'make_lock' (lock) cannot be pickled" in error.message
    assert "cannot pickle '_thread.lock' object" in error.message
    assert "Fix: return a value pickle can store" in error.message


def test_a_resource_that_fails_to_start_in_a_worker_fails_the_run(instance: Instance) -> None:
    result = execute_job(jobs.broken_resources, instance)

    run_failure = [e for e in result.all_events if e.event_type is E.RUN_FAILURE]
    data = run_failure[0].event_specific_data  # type: ignore[union-attr]
    assert result.run.status is RunStatus.FAILURE
    assert data.reason == "RESOURCE_INIT_FAILURE"
    assert "the database is down" in data.error.message
    assert E.RESOURCE_INIT_FAILURE in {e.event_type for e in result.all_events}


# --------------------------------------------------------------------------
# Captured output


def test_what_a_step_prints_in_a_worker_is_captured_in_the_compute_logs(
    instance: Instance,
) -> None:
    result = execute_job(jobs.printing, instance)

    assert instance.compute_log_manager is not None
    chunk = instance.compute_log_manager.read(result.run_id, "chatty")
    assert "hello from a worker" in chunk.data


# --------------------------------------------------------------------------
# Errors before the run


def test_an_ephemeral_instance_is_refused_saying_what_to_use() -> None:
    with pytest.raises(InvalidInvocationError) as raised:
        execute_job(jobs.values_job, Instance.ephemeral())

    assert "ephemeral" in str(raised.value)
    assert "Instance.local_temp()" in str(raised.value)
    assert "in_process_executor" in str(raised.value)


def test_an_in_memory_io_manager_with_the_multiprocess_executor_is_a_definition_error() -> None:
    @op
    def one() -> int:
        return 1

    with pytest.raises(InvalidDefinitionError) as raised:

        @job(executor_def=multiprocess_executor, resource_defs={"io_manager": mem_io_manager})
        def in_memory():
            one()

    assert "op 'one'" in str(raised.value)
    assert "fs_io_manager" in str(raised.value)


def test_a_job_defined_inside_a_function_cannot_run_on_workers(instance: Instance) -> None:
    @job(executor_def=multiprocess_executor)
    def local_job():
        jobs.emit()

    with pytest.raises(JobPointerError) as raised:
        execute_job(local_job, instance)

    assert "local_job" in str(raised.value)
    assert "module level" in str(raised.value)
    assert instance.get_runs() == []


# --------------------------------------------------------------------------
# Cancellation


def _scratch(folder: Path) -> dict[str, Any]:
    return {"resources": {"scratch": {"config": {"folder": str(folder), "greeting": ""}}}}


def test_canceling_a_multiprocess_run_interrupts_its_running_steps(
    instance: Instance, folder: Path
) -> None:
    run_id = str(uuid.uuid4())
    thread = cancel_when_sleeping(instance, run_id, sleepers=2)
    began = time.monotonic()

    result = execute_job(
        jobs.long_sleepers,
        instance,
        run_config={**_execution(max_concurrent=2), **_scratch(folder)},
        run_id=run_id,
    )
    thread.join()

    assert time.monotonic() - began < 30  # the steps sleep 60 s: they were interrupted
    assert result.run.status is RunStatus.CANCELED
    recorded = instance.get_run_by_id(run_id)
    assert recorded is not None
    assert recorded.status is RunStatus.CANCELED
    failed = [e for e in instance.all_logs(run_id) if e.event_type is E.STEP_FAILURE]
    assert sorted(e.step_key for e in failed) == ["sleep_a", "sleep_b"]  # type: ignore[type-var]
    assert all("interrupted" in e.user_message for e in failed)


def test_canceling_a_multiprocess_run_tears_resources_down_in_the_workers(
    instance: Instance, folder: Path
) -> None:
    run_id = str(uuid.uuid4())
    thread = cancel_when_sleeping(instance, run_id, sleepers=2)

    execute_job(
        jobs.long_sleepers,
        instance,
        run_config={**_execution(max_concurrent=2), **_scratch(folder)},
        run_id=run_id,
    )
    thread.join()

    assert len(_pids(folder, "init-")) == 2
    assert _pids(folder, "teardown-") == _pids(folder, "init-")


def test_canceling_a_multiprocess_run_waiting_to_retry_a_step_ends_it_at_once(
    instance: Instance,
) -> None:
    run_id = str(uuid.uuid4())

    thread = cancel_when(
        instance, run_id, lambda logs: any(e.event_type is E.STEP_UP_FOR_RETRY for e in logs)
    )
    began = time.monotonic()

    result = execute_job(jobs.waits_to_retry, instance, run_id=run_id)
    thread.join()

    assert time.monotonic() - began < 20  # the retry was due in 60 s
    assert result.run.status is RunStatus.CANCELED
    starts = [e for e in instance.all_logs(run_id) if e.event_type is E.STEP_START]
    assert len(starts) == 1  # the retry never ran


def test_a_cancel_during_a_success_hook_keeps_the_step_succeeded(instance: Instance) -> None:
    run_id = str(uuid.uuid4())
    thread = cancel_when(
        instance, run_id, lambda logs: any(e.user_message == "hooking" for e in logs)
    )

    result = execute_job(jobs.hooked_slowly, instance, run_id=run_id)
    thread.join()

    events = instance.all_logs(run_id)
    assert [e.event_type for e in events if e.step_key == "quick" and e.is_event][-1] is (
        E.STEP_SUCCESS
    )
    assert not any(e.event_type is E.STEP_FAILURE for e in events)
    assert result.run.status is RunStatus.CANCELED


def test_a_cancel_during_a_success_hook_in_process_keeps_the_step_succeeded(
    instance: Instance,
) -> None:
    run_id = str(uuid.uuid4())
    thread = cancel_when(
        instance, run_id, lambda logs: any(e.user_message == "hooking" for e in logs)
    )

    execute_job(jobs.hooked_slowly_in_process, instance, run_id=run_id)
    thread.join()

    events = instance.all_logs(run_id)
    assert any(e.event_type is E.STEP_SUCCESS for e in events)
    assert not any(e.event_type is E.STEP_FAILURE for e in events)


def test_the_run_process_does_not_spin_while_a_due_retry_waits_for_a_free_worker(
    instance: Instance,
) -> None:
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.monotonic()
    result = execute_job(jobs.retry_due_while_busy, instance)
    wall = time.monotonic() - began
    after = resource.getrusage(resource.RUSAGE_SELF)

    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert result.success
    assert wall > 2  # the retry was due long before the busy worker was free
    assert cpu < wall / 2  # waiting, not polling (a spinning loop uses the whole wait)


def test_canceling_an_in_process_run_waiting_to_retry_ends_it_at_once(instance: Instance) -> None:
    run_id = str(uuid.uuid4())
    thread = cancel_when(
        instance, run_id, lambda logs: any(e.event_type is E.STEP_UP_FOR_RETRY for e in logs)
    )
    began = time.monotonic()

    result = execute_job(jobs.waits_to_retry_in_process, instance, run_id=run_id)
    thread.join()

    assert time.monotonic() - began < 20  # the retry was due in 60 s
    assert result.run.status is RunStatus.CANCELED


def test_canceling_while_a_worker_starts_its_resources_tears_them_down(
    instance: Instance, folder: Path
) -> None:
    run_id = str(uuid.uuid4())
    thread = cancel_when(instance, run_id, lambda logs: bool(list(folder.glob("starting-*"))))
    began = time.monotonic()

    result = execute_job(
        jobs.slow_start,
        instance,
        run_id=run_id,
        run_config={"resources": {"slow": {"config": {"folder": str(folder)}}}},
    )
    thread.join()

    assert time.monotonic() - began < 4.5  # the resource takes 5 s to start: it was interrupted
    assert result.run.status is RunStatus.CANCELED
    assert _pids(folder, "closed-") == _pids(folder, "starting-")
    assert not any(e.event_type is E.STEP_START for e in instance.all_logs(run_id))


def test_canceling_an_in_process_run_interrupts_its_step_and_tears_resources_down(
    instance: Instance, folder: Path
) -> None:
    run_id = str(uuid.uuid4())
    thread = cancel_when_sleeping(instance, run_id, sleepers=1)

    result = execute_job(
        jobs.long_sleeper_in_process, instance, run_config=_scratch(folder), run_id=run_id
    )
    thread.join()

    assert result.run.status is RunStatus.CANCELED
    failed = [e for e in instance.all_logs(run_id) if e.event_type is E.STEP_FAILURE]
    assert [e.step_key for e in failed] == ["sleep_long"]
    assert "interrupted" in failed[0].user_message
    assert _pids(folder, "teardown-") == [str(os.getpid())]


def test_cancel_run_of_a_finished_run_returns_false(instance: Instance) -> None:
    with execute_job(jobs.values_job, instance) as result:
        pass

    assert instance.cancel_run(result.run_id) is False
    recorded = instance.get_run_by_id(result.run_id)
    assert recorded is not None
    assert recorded.status is RunStatus.SUCCESS


def test_cancel_run_of_a_run_not_started_cancels_it_at_once(instance: Instance) -> None:
    from dagwright.records import Run

    run = instance.add_run(
        Run(run_id=str(uuid.uuid4()), job_name="values_job", status=RunStatus.NOT_STARTED)
    )

    assert instance.cancel_run(run.run_id) is True
    recorded = instance.get_run_by_id(run.run_id)
    assert recorded is not None
    assert recorded.status is RunStatus.CANCELED


# --------------------------------------------------------------------------
# Start methods


def test_workers_are_forked_from_a_forkserver_by_default(instance: Instance) -> None:
    with execute_job(jobs.whose_child, instance) as result:
        assert result.output_for_node("parent_pid") != os.getpid()


def test_workers_started_with_spawn_are_children_of_the_run_process(instance: Instance) -> None:
    run_config = _execution(start_method={"spawn": {}})

    with execute_job(jobs.whose_child, instance, run_config=run_config) as result:
        assert result.output_for_node("parent_pid") == os.getpid()


def test_workers_started_with_spawn_run_the_job(instance: Instance) -> None:
    run_config = _execution(max_concurrent=2, start_method={"spawn": {}})

    with execute_job(jobs.values_job, instance, run_config=run_config) as result:
        assert result.success
        assert result.output_for_node("total") == 6
