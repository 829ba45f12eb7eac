"""``@executor``: a function that picks and configures the engine when a run starts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dagwright import Instance, InvalidDefinitionError, execute_job

from ._executor_jobs import always_large, broken_job, sized_job


@pytest.fixture
def instance(tmp_path: Path):
    with Instance.local_temp(tmp_path / "home") as made:
        yield made


def test_the_executor_function_runs_small_runs_in_process(instance: Instance) -> None:
    with execute_job(sized_job, instance) as result:
        assert result.success
        assert result.output_for_node("where") == os.getpid()


def test_its_config_comes_from_run_config(instance: Instance) -> None:
    config = {"execution": {"config": {"size": "large"}}}
    with execute_job(sized_job, instance, run_config=config) as result:
        assert result.success
        assert result.output_for_node("where") != os.getpid()


def test_configured_fixes_its_config_in_advance(instance: Instance) -> None:
    with execute_job(always_large, instance) as result:
        assert result.success
        assert result.output_for_node("where") != os.getpid()


def test_an_executor_function_returning_something_else_is_an_error(instance: Instance) -> None:
    with pytest.raises(InvalidDefinitionError, match="returned str, not an executor"):
        execute_job(broken_job, instance)


def test_unknown_executor_config_is_a_run_config_error(instance: Instance) -> None:
    from dagwright import RunConfigError

    with pytest.raises(RunConfigError, match="size"):
        execute_job(sized_job, instance, run_config={"execution": {"config": {"sise": "x"}}})
