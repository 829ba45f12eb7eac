"""execute_job: run a job recorded in a given instance; its result is a context manager."""

from __future__ import annotations

import os
from typing import Any

import pytest

from dagwright import (
    EventType,
    ExecuteJobResult,
    Instance,
    InvalidInvocationError,
    InvariantViolationError,
    RunStatus,
    execute_job,
    graph,
    job,
    op,
)


@op
def emit() -> int:
    return 5


@op
def add_one(x: int) -> int:
    return x + 1


@job
def five_plus_one():
    add_one(emit())


@op
def broken() -> None:
    raise ValueError("broken on purpose")


@job
def failing():
    broken()


class JobPointer:
    """Stands for the job pointers the executors will pass: it rebuilds the job on demand."""

    def get_definition(self) -> Any:
        return five_plus_one


# --------------------------------------------------------------------------
# Recording


def test_execute_job_records_the_run_in_the_instance() -> None:
    instance = Instance.ephemeral()

    result = execute_job(five_plus_one, instance)

    recorded = instance.get_run_by_id(result.run_id)
    assert recorded is not None
    assert recorded.status is RunStatus.SUCCESS
    assert recorded.job_name == "five_plus_one"


def test_execute_job_stores_every_event_of_the_run() -> None:
    instance = Instance.ephemeral()

    result = execute_job(five_plus_one, instance)

    stored = [e.event_type for e in instance.all_logs(result.run_id) if e.is_event]
    assert stored[0] is EventType.RUN_START
    assert stored[-1] is EventType.RUN_SUCCESS
    assert stored == [e.event_type for e in result.all_events]


def test_execute_job_records_a_run_on_a_persistent_instance(
    persistent_instance: Instance,
) -> None:
    result = execute_job(five_plus_one, persistent_instance)

    recorded = persistent_instance.get_run_by_id(result.run_id)
    assert recorded is not None
    assert recorded.status is RunStatus.SUCCESS


def test_on_a_persistent_instance_outputs_are_stored_as_files(
    persistent_instance: Instance,
) -> None:
    result = execute_job(five_plus_one, persistent_instance)

    stored = os.path.join(persistent_instance.storage_directory(), result.run_id, "emit", "result")
    assert os.path.exists(stored)


def test_execute_job_records_the_given_tags() -> None:
    instance = Instance.ephemeral()

    result = execute_job(five_plus_one, instance, tags={"team": "data"})

    recorded = instance.get_run_by_id(result.run_id)
    assert recorded is not None
    assert recorded.tags["team"] == "data"


def test_a_reserved_tag_is_an_error_naming_execute_job() -> None:
    with pytest.raises(InvalidInvocationError, match="the tags given to execute_job"):
        execute_job(five_plus_one, Instance.ephemeral(), tags={"dagwright/parent_run_id": "x"})


def test_execute_job_uses_the_given_run_id() -> None:
    instance = Instance.ephemeral()

    result = execute_job(five_plus_one, instance, run_id="my-run")

    assert result.run_id == "my-run"
    assert instance.has_run("my-run")


def test_execute_job_runs_the_op_selection() -> None:
    result = execute_job(five_plus_one, Instance.ephemeral(), op_selection=["emit"])

    assert [e.step_key for e in result.all_events if e.is_step_start] == ["emit"]
    assert result.run.op_selection == ["emit"]


def test_run_config_reaches_the_ops() -> None:
    seen = []

    @op(config_schema={"rate": int})
    def configured(context) -> None:
        seen.append(context.op_config["rate"])

    @job
    def configured_job():
        configured()

    execute_job(
        configured_job,
        Instance.ephemeral(),
        run_config={"ops": {"configured": {"config": {"rate": 3}}}},
    )

    assert seen == [3]


# --------------------------------------------------------------------------
# Failures


def test_a_failed_run_is_reported_in_the_result_not_raised() -> None:
    instance = Instance.ephemeral()

    result = execute_job(failing, instance)

    assert not result.success
    assert result.get_failed_step_keys() == {"broken"}
    recorded = instance.get_run_by_id(result.run_id)
    assert recorded is not None
    assert recorded.status is RunStatus.FAILURE


def test_raise_on_error_raises_after_recording_the_failure() -> None:
    instance = Instance.ephemeral()

    with pytest.raises(ValueError, match="broken on purpose"):
        execute_job(failing, instance, raise_on_error=True)

    (recorded,) = instance.get_runs()
    assert recorded.status is RunStatus.FAILURE


# --------------------------------------------------------------------------
# What it runs, and where


def test_a_job_pointer_is_run_as_the_job_it_rebuilds() -> None:
    result = execute_job(JobPointer(), Instance.ephemeral())

    assert result.success
    assert result.job_def is five_plus_one


def test_a_graph_is_an_error_saying_to_make_it_a_job() -> None:
    @graph
    def plain():
        emit()

    with pytest.raises(InvalidInvocationError, match=r"(?s)got GraphDefinition.*to_job\(\)"):
        execute_job(plain, Instance.ephemeral())  # type: ignore[arg-type]


def test_the_instance_is_required() -> None:
    with pytest.raises(InvalidInvocationError, match="instance must be the Instance"):
        execute_job(five_plus_one, None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# The result as a context manager


def test_the_result_is_a_context_manager_giving_itself() -> None:
    result = execute_job(five_plus_one, Instance.ephemeral())

    with result as entered:
        assert entered is result
        assert isinstance(entered, ExecuteJobResult)


def test_outputs_are_read_inside_the_with_block() -> None:
    with execute_job(five_plus_one, Instance.ephemeral()) as result:
        assert result.output_for_node("add_one") == 6


def test_outputs_are_released_when_the_with_block_ends() -> None:
    with execute_job(five_plus_one, Instance.ephemeral()) as result:
        pass

    with pytest.raises(InvariantViolationError, match="released when its `with execute_job"):
        result.output_for_node("add_one")


def test_the_run_and_its_events_stay_readable_after_the_with_block() -> None:
    with execute_job(five_plus_one, Instance.ephemeral()) as result:
        pass

    assert result.success
    assert result.is_node_success("add_one")
    assert result.get_run_success_event().event_type is EventType.RUN_SUCCESS


def test_a_run_that_is_not_a_reexecution_has_no_parent_and_reuses_nothing() -> None:
    result = execute_job(five_plus_one, Instance.ephemeral())

    assert result.parent_run_id is None
    assert result.reused_steps == {}


def test_dagster_code_finds_execute_job_and_reexecution_options() -> None:
    import dagwright
    from dagwright.compat import dagster

    assert dagster.execute_job is dagwright.execute_job
    assert dagster.ReexecutionOptions is dagwright.ReexecutionOptions
    assert dagster.ExecuteJobResult is dagwright.ExecuteJobResult
