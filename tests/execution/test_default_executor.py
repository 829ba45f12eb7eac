"""A job that names no executor: Dagster's default, ``multi_or_in_process_executor``.

A run launched from a job pointer on a persistent instance runs on worker
processes; a job object, or an ephemeral instance, runs in process; run
config ``execution: {config: {multiprocess: {...}}}`` or ``{in_process: {}}``
chooses. The jobs live in ``_mp_jobs.py`` so that workers can import them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    EventType,
    Instance,
    InvalidDefinitionError,
    InvalidInvocationError,
    RunConfigError,
    execute_job,
    multi_or_in_process_executor,
    multiprocess_executor,
    reconstructable,
)

from . import _mp_jobs as jobs

E = EventType


@pytest.fixture
def instance(persistent_instance: Instance) -> Instance:
    return persistent_instance


def _meet(
    tmp_path: Path, expect: int = 1, steps: tuple[str, ...] = ("step_a", "step_b"), **execution: Any
) -> dict[str, Any]:
    folder = tmp_path / "traces"
    folder.mkdir(exist_ok=True)
    config: dict[str, Any] = {
        "ops": {step: {"config": {"folder": str(folder), "expect": expect}} for step in steps}
    }
    if execution:
        config["execution"] = {"config": execution}
    return config


def _step_pids(instance: Instance, run_id: str) -> set[int | None]:
    return {
        e.event.pid if e.event is not None else None
        for e in instance.all_logs(run_id, of_type=E.STEP_START)
    }


def test_a_job_pointer_on_a_persistent_instance_runs_on_worker_processes(
    instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        reconstructable(jobs.default_executor_job), instance, run_config=_meet(tmp_path, 2)
    )

    assert result.success
    pids = _step_pids(instance, result.run_id)
    assert len(pids) == 2  # both steps at once, each on its own worker
    assert os.getpid() not in pids


def test_a_job_object_runs_in_process(instance: Instance, tmp_path: Path) -> None:
    result = execute_job(jobs.default_executor_job, instance, run_config=_meet(tmp_path))

    assert result.success
    assert _step_pids(instance, result.run_id) == {os.getpid()}


def test_run_config_in_process_keeps_a_pointers_steps_in_process(
    instance: Instance, tmp_path: Path
) -> None:
    run_config = _meet(tmp_path, in_process={})

    result = execute_job(
        reconstructable(jobs.default_executor_job), instance, run_config=run_config
    )

    assert result.success
    assert _step_pids(instance, result.run_id) == {os.getpid()}


def test_run_config_multiprocess_runs_a_job_objects_steps_on_workers_with_its_config(
    instance: Instance, tmp_path: Path
) -> None:
    run_config = _meet(tmp_path, multiprocess={"max_concurrent": 1})

    result = execute_job(jobs.default_executor_job, instance, run_config=run_config)

    assert result.success
    pids = _step_pids(instance, result.run_id)
    assert len(pids) == 1  # max_concurrent 1: one worker ran both steps
    assert os.getpid() not in pids


def test_a_job_keeping_outputs_in_memory_launched_from_a_pointer_runs_in_process(
    instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        reconstructable(jobs.default_executor_in_memory),
        instance,
        run_config=_meet(tmp_path, steps=("step_a",)),
    )

    assert result.success
    assert _step_pids(instance, result.run_id) == {os.getpid()}


def test_choosing_multiprocess_for_a_job_keeping_outputs_in_memory_is_an_error(
    instance: Instance, tmp_path: Path
) -> None:
    run_config = _meet(tmp_path, steps=("step_a",), multiprocess={})

    with pytest.raises(InvalidInvocationError) as raised:
        execute_job(jobs.default_executor_in_memory, instance, run_config=run_config)

    message = str(raised.value)
    assert "op 'step_a' stores outputs with 'io_manager', which keeps them in memory" in message
    assert "execution.config.multiprocess of job 'default_executor_in_memory'" in message
    assert "in_process: {}" in message
    assert instance.get_runs() == []


def test_a_misspelled_choice_is_a_run_config_error_with_a_suggestion(
    instance: Instance, tmp_path: Path
) -> None:
    run_config = _meet(tmp_path, multiproces={})

    with pytest.raises(RunConfigError) as raised:
        execute_job(jobs.default_executor_job, instance, run_config=run_config)

    (problem,) = raised.value.problems
    assert problem.path.startswith("execution.config")
    assert "multiprocess" in str(raised.value)


def test_an_ephemeral_instance_runs_a_pointer_in_process(tmp_path: Path) -> None:
    with Instance.ephemeral() as instance:
        result = execute_job(
            reconstructable(jobs.default_executor_job), instance, run_config=_meet(tmp_path)
        )
        assert result.success
        assert _step_pids(instance, result.run_id) == {os.getpid()}


def test_execute_in_process_runs_in_process_whatever_the_run_config_says(tmp_path: Path) -> None:
    result = jobs.default_executor_job.execute_in_process(
        run_config=_meet(tmp_path, multiprocess={"max_concurrent": 2})
    )

    assert result.success
    assert {e.pid for e in result.all_events if e.event_type is E.STEP_START} == {os.getpid()}


def test_the_default_executor_configured_in_process_keeps_a_pointers_steps_in_process(
    instance: Instance, tmp_path: Path
) -> None:
    result = execute_job(
        reconstructable(jobs.default_executor_set_in_process),
        instance,
        run_config=_meet(tmp_path, steps=("step_a",)),
    )

    assert result.success
    assert _step_pids(instance, result.run_id) == {os.getpid()}


def test_configuring_the_default_executor_again_replaces_the_choice() -> None:
    twice = multi_or_in_process_executor.configured({"in_process": {}}).configured(
        {"multiprocess": {"max_concurrent": 2}}
    )

    assert twice.configured_values == {"multiprocess": {"max_concurrent": 2}}


def test_configured_with_a_misspelled_field_is_a_definition_error() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        multiprocess_executor.configured({"max_concurent": 1})

    assert "executor 'multiprocess'" in str(raised.value)
    assert "Did you mean 'max_concurrent'?" in str(raised.value)


def test_configured_with_a_misspelled_choice_is_a_definition_error() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        multi_or_in_process_executor.configured({"in_proces": {}})

    assert "Did you mean 'in_process'?" in str(raised.value)
