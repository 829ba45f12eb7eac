"""Step statistics of a run, read from its event log: per step, and aggregated per op so that
a run mapped over thousands of keys is summarized in one row per op."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from dagwright import (
    DynamicOut,
    DynamicOutput,
    Failure,
    Instance,
    RetryPolicy,
    asset,
    job,
    materialize,
    op,
)
from dagwright.records import OpStepSummary, RunStepStats, StepStatus


@pytest.fixture(params=["ephemeral", "sqlite"])
def instance(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Instance]:
    if request.param == "ephemeral":
        yield Instance.ephemeral()
    else:
        with Instance.local_temp(tmp_path / "home") as persistent:
            yield persistent


def mapped_job(keys: int) -> Any:
    @op(out=DynamicOut())
    def split():
        for i in range(keys):
            yield DynamicOutput(i, mapping_key=str(i))

    @op
    def light(x: int) -> int:
        return x + 1

    @op
    def gather(values: list[int]) -> int:
        return sum(values)

    @job
    def fan():
        gather(split().map(light).collect())

    return fan


def test_each_step_has_its_status_times_and_attempts(instance: Instance) -> None:
    @op
    def first() -> int:
        return 1

    @op
    def second(x: int) -> int:
        return x

    @job
    def chain():
        second(first())

    run = chain.execute_in_process(instance=instance)

    stats = {s.step_key: s for s in instance.get_run_step_stats(run.run_id)}
    assert list(stats) == ["first", "second"]
    for step in stats.values():
        assert step.status is StepStatus.SUCCESS
        assert step.attempts == 1
        assert step.start_time is not None
        assert step.end_time is not None
        assert step.start_time <= step.end_time


def test_a_retried_step_counts_its_attempts(instance: Instance) -> None:
    tries: list[int] = []

    @op(retry_policy=RetryPolicy(max_retries=2))
    def flaky() -> int:
        tries.append(1)
        if len(tries) < 3:
            raise Exception("not yet")
        return 1

    @job
    def retried():
        flaky()

    run = retried.execute_in_process(instance=instance)

    (stats,) = instance.get_run_step_stats(run.run_id)
    assert stats.attempts == 3
    assert stats.status is StepStatus.SUCCESS


def test_failed_and_skipped_steps_say_so(instance: Instance) -> None:
    @op
    def broken() -> int:
        raise Failure("no")

    @op
    def after(x: int) -> int:
        return x

    @job
    def failing():
        after(broken())

    run = failing.execute_in_process(instance=instance, raise_on_error=False)

    statuses = {s.step_key: s.status for s in instance.get_run_step_stats(run.run_id)}
    assert statuses == {"broken": StepStatus.FAILURE, "after": StepStatus.SKIPPED}


def test_a_mapped_op_is_one_row_of_the_summary_however_many_keys(instance: Instance) -> None:
    run = mapped_job(500).execute_in_process(instance=instance)

    summary = {row.op_handle: row for row in instance.get_run_step_summary(run.run_id)}

    assert list(summary) == ["split", "light", "gather"]
    light = summary["light"]
    assert (light.steps, light.succeeded, light.failed, light.skipped) == (500, 500, 0, 0)
    assert light.is_mapped
    assert not summary["split"].is_mapped
    assert len(instance.get_run_step_stats(run.run_id)) == 502


def test_stats_can_be_asked_for_some_steps(instance: Instance) -> None:
    run = mapped_job(5).execute_in_process(instance=instance)

    stats = instance.get_run_step_stats(run.run_id, step_keys=["light[3]", "gather"])

    assert [s.step_key for s in stats] == ["light[3]", "gather"]
    assert stats[0].op_handle == "light"


def test_materializations_are_counted_per_step(instance: Instance) -> None:
    @asset
    def numbers() -> list[int]:
        return [1, 2]

    run = materialize([numbers], instance=instance)

    (stats,) = instance.get_run_step_stats(run.run_id)
    assert stats.materializations == 1


def test_stats_and_summaries_have_a_stable_json_form(instance: Instance) -> None:
    run = mapped_job(3).execute_in_process(instance=instance)

    stats = instance.get_run_step_stats(run.run_id)
    summary = instance.get_run_step_summary(run.run_id)

    encoded = msgspec.json.encode(stats)
    assert msgspec.json.decode(encoded, type=list[RunStepStats]) == stats
    assert b'"status":"SUCCESS"' in encoded
    assert msgspec.json.decode(msgspec.json.encode(summary), type=list[OpStepSummary]) == summary
