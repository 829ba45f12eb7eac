"""Execution units: a graph marked ``unit=True`` runs on one worker, as one task, while the
rest of the job runs on the multiprocess executor.

The jobs live in ``_unit_jobs.py`` (worker processes import them). Their
ops write the pid of the process they ran in to a file named after the op,
one line per run of the op.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    DynamicOut,
    DynamicOutput,
    EventType,
    Instance,
    InvalidDefinitionError,
    ReexecutionError,
    ReexecutionOptions,
    execute_job,
    graph,
    job,
    op,
    reconstructable,
)

from . import _unit_jobs as jobs

E = EventType

_CHAIN = tuple(f"chain.inc_{i}" for i in range(10))


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with Instance.local_temp(tmp_path / "home") as instance:
        yield instance


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    made = tmp_path / "traces"
    made.mkdir()
    return made


def _traces(folder: Path) -> dict[str, list[int]]:
    """Op handle -> the pid of each run of it."""
    return {p.name: [int(line) for line in p.read_text().split()] for p in folder.iterdir()}


def _config(folder: Path) -> dict[str, Any]:
    return {"resources": {"traces": {"config": {"folder": str(folder)}}}}


def test_a_unit_of_ten_chained_ops_runs_them_in_one_worker_process_and_gives_the_result(
    instance: Instance, folder: Path
) -> None:
    with execute_job(jobs.unit_chain_job, instance, run_config=_config(folder)) as result:
        assert result.success
        assert result.output_for_node("chain") == 10

    traces = _traces(folder)
    pids = {pid for key in _CHAIN for pid in traces[key]}
    assert len(pids) == 1
    assert os.getpid() not in pids


def test_ops_of_a_unit_that_could_run_side_by_side_share_one_worker(
    instance: Instance, folder: Path
) -> None:
    with execute_job(jobs.two_chains_as_unit_job, instance, run_config=_config(folder)) as result:
        assert result.success
        assert result.output_for_node("two_chains") == 8

    pids = {pid for key, runs in _traces(folder).items() if key != "start" for pid in runs}
    assert len(pids) == 1


def test_without_the_marking_the_same_ops_spread_over_several_workers(
    instance: Instance, folder: Path
) -> None:
    with execute_job(jobs.two_chains_job, instance, run_config=_config(folder)) as result:
        assert result.success

    pids = {pid for key, runs in _traces(folder).items() if key != "start" for pid in runs}
    assert len(pids) > 1


def test_a_value_no_io_manager_can_store_passes_between_the_ops_of_a_unit(
    instance: Instance,
) -> None:
    with execute_job(jobs.lock_job, instance) as result:
        assert result.success
        assert result.output_for_node("locking") == "locked and released"


def test_the_events_of_a_unit_name_each_of_its_ops(instance: Instance, folder: Path) -> None:
    with execute_job(jobs.unit_chain_job, instance, run_config=_config(folder)) as result:
        events = result.all_events

    for kind in (E.STEP_START, E.STEP_OUTPUT, E.STEP_SUCCESS):
        named = [e.step_key for e in events if e.event_type is kind and e.step_key != "start"]
        assert named == list(_CHAIN)


def test_a_unit_whose_op_fails_with_a_retry_policy_on_the_unit_runs_again_whole(
    instance: Instance, folder: Path
) -> None:
    with execute_job(jobs.retried_unit_job, instance, run_config=_config(folder)) as result:
        assert result.success
        assert result.output_for_node("retried") == 2
        restarted = [e.step_key for e in result.all_events if e.event_type is E.STEP_RESTARTED]

    traces = _traces(folder)
    assert len(traces["retried.inc"]) == 2  # the op that succeeded ran again with its unit
    assert len(traces["retried.fails_once"]) == 2
    assert restarted == ["retried.inc", "retried.fails_once"]


def test_a_graph_backed_asset_marked_as_a_unit_materializes_its_asset(
    instance: Instance, folder: Path
) -> None:
    asset_job = reconstructable(jobs.unit_defs.get_job_def("counted_job"))

    with execute_job(asset_job, instance, run_config=_config(folder)) as result:
        assert result.success
        materialized = [
            e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
        ]
        assert result.output_for_node("counted") == 2

    assert materialized == ["counted"]
    pids = {pid for runs in _traces(folder).values() for pid in runs}
    assert len(pids) == 1


def test_a_job_lists_its_units_with_the_step_keys_of_their_ops() -> None:
    assert jobs.unit_chain_job.execution_units == {"chain": _CHAIN}
    assert jobs.two_chains_job.execution_units == {}


@op
def one() -> int:
    return 1


@op
def plus(x: int) -> int:
    return x + 1


def test_a_unit_runs_in_process_as_its_ops_would() -> None:
    @graph(unit=True)
    def two(x):
        return plus(x)

    @job
    def in_process():
        two(one())

    assert in_process.execute_in_process().output_for_node("two") == 2


@pytest.mark.parametrize("executor", ["thread_pool", "async"])
def test_every_op_of_a_unit_runs_on_the_executors_of_the_run_process(executor: str) -> None:
    from dagwright import async_executor, thread_pool_executor

    @graph(unit=True)
    def three(x):
        return plus.alias("second")(plus.alias("first")(x))

    @job(executor_def=thread_pool_executor if executor == "thread_pool" else async_executor)
    def threaded():
        plus.alias("last")(three(one()))

    result = threaded.execute_in_process()

    assert result.output_for_node("last") == 4
    assert result.is_node_success("three.second")


def test_a_dynamic_output_inside_a_unit_is_a_definition_error() -> None:
    @op(out=DynamicOut())
    def spread():
        yield DynamicOutput(1, mapping_key="a")

    @op
    def echo(x: int) -> int:
        return x

    @graph(unit=True)
    def fans_out():
        spread().map(echo)

    with pytest.raises(InvalidDefinitionError) as caught:

        @job
        def dynamic_unit():
            fans_out()

    text = str(caught.value)
    assert "fans_out.spread" in text
    assert "not supported inside a unit" in text


def test_reexecuting_an_op_of_a_unit_without_the_op_it_reads_in_memory_is_refused(
    instance: Instance, folder: Path
) -> None:
    with execute_job(jobs.unit_chain_job, instance, run_config=_config(folder)) as first:
        assert first.success
    options = ReexecutionOptions(first.run_id, step_selection=["chain.inc_5"])

    with pytest.raises(ReexecutionError) as caught:
        execute_job(
            jobs.unit_chain_job, instance, run_config=_config(folder), reexecution_options=options
        )

    text = str(caught.value)
    assert "handed over in memory" in text
    assert "chain.inc_4" in text


def test_a_worker_killed_inside_a_unit_fails_the_running_op_and_keeps_earlier_successes(
    instance: Instance, folder: Path
) -> None:
    result = execute_job(
        reconstructable(jobs.doomed_unit_job),
        instance,
        run_config=_config(folder),
        raise_on_error=False,
    )

    assert not result.success
    ends = {
        e.step_key: e.event_type
        for e in result.all_events
        if e.event_type in (E.STEP_SUCCESS, E.STEP_FAILURE, E.STEP_SKIPPED)
    }
    assert ends["doomed.before_kill"] is E.STEP_SUCCESS
    assert ends["doomed.kills_its_worker"] is E.STEP_FAILURE
    assert ends.get("doomed.after_kill") is not E.STEP_SUCCESS
    assert "after_kill" not in _traces(folder)  # nothing ran after the worker died
    failure = next(
        e
        for e in result.all_events
        if e.event_type is E.STEP_FAILURE and e.step_key == "doomed.kills_its_worker"
    )
    assert "died" in failure.message


def test_canceling_a_run_interrupts_the_units_running_op_and_keeps_earlier_successes(
    instance: Instance, folder: Path
) -> None:
    import time
    import uuid

    from dagwright import RunStatus

    from ._cancel import cancel_when_sleeping

    run_id = str(uuid.uuid4())
    thread = cancel_when_sleeping(instance, run_id, sleepers=1)
    began = time.monotonic()

    result = execute_job(
        reconstructable(jobs.sleepy_unit_job), instance, run_config=_config(folder), run_id=run_id
    )
    thread.join()

    assert time.monotonic() - began < 30  # the op sleeps 60 s: it was interrupted
    assert result.run.status is RunStatus.CANCELED
    ends = {
        e.step_key: (e.event_type, e.message)
        for e in result.all_events
        if e.event_type in (E.STEP_SUCCESS, E.STEP_FAILURE)
    }
    assert ends["sleepy.before_nap"][0] is E.STEP_SUCCESS
    assert ends["sleepy.sleeps_long"][0] is E.STEP_FAILURE
    assert "interrupted" in ends["sleepy.sleeps_long"][1]
    assert "sleepy.after_nap" not in ends


def test_a_run_that_stops_at_its_first_failure_stops_the_unit_there_too(
    instance: Instance, folder: Path
) -> None:
    with pytest.raises(Exception, match="a_fails fails"):
        execute_job(
            reconstructable(jobs.half_broken_unit_job),
            instance,
            run_config=_config(folder),
            raise_on_error=True,
        )

    assert "half_broken.b_independent" not in _traces(folder)


def test_a_run_that_goes_on_after_a_failure_runs_the_rest_of_the_unit(
    instance: Instance, folder: Path
) -> None:
    result = execute_job(
        reconstructable(jobs.half_broken_unit_job),
        instance,
        run_config=_config(folder),
        raise_on_error=False,
    )

    assert not result.success
    assert "half_broken.b_independent" in _traces(folder)
