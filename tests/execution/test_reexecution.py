"""Re-execution: execute_job(reexecution_options=...) runs chosen steps of a recorded run again."""

from __future__ import annotations

from typing import Any

import pytest

from dagwright import (
    DynamicOut,
    DynamicOutput,
    InMemoryIOManager,
    Instance,
    InvalidInvocationError,
    InvalidSubsetError,
    IOManager,
    IOManagerDefinition,
    ReexecutionError,
    ReexecutionOptions,
    Run,
    RunStatus,
    StaticPartitionsDefinition,
    execute_job,
    fs_io_manager,
    job,
    op,
    resource,
)
from dagwright.execution.result import ExecuteJobResult

# --------------------------------------------------------------------------
# Building blocks


class Flaky:
    """Fails the op that calls it while ``failing`` is set, like a service that is down."""

    def __init__(self) -> None:
        self.failing = True

    def __call__(self, where: str) -> None:
        if self.failing:
            raise RuntimeError(f"{where}: the service is down")


def chain_job(flaky: Flaky, resource_defs: dict[str, Any] | None = None) -> Any:
    """a -> b -> c, where c calls ``flaky``; outputs stored by fs_io_manager by default."""

    @op
    def a() -> int:
        return 1

    @op
    def b(x: int) -> int:
        return x + 1

    @op
    def c(x: int) -> int:
        flaky("c")
        return x * 10

    @job(
        resource_defs=resource_defs if resource_defs is not None else {"io_manager": fs_io_manager}
    )
    def chain():
        c(b(a()))

    return chain


def fan_job(flaky: Flaky) -> Any:
    """fan_out yields x, y, z; work runs once per value (work[y] calls ``flaky``); total sums."""

    @op(out=DynamicOut())
    def fan_out():
        for key, value in (("x", 1), ("y", 2), ("z", 3)):
            yield DynamicOutput(value, mapping_key=key)

    @op
    def work(context, value: int) -> int:
        if context.get_mapping_key() == "y":
            flaky("work[y]")
        return value * 100

    @op
    def total(values: list[int]) -> int:
        return sum(values)

    @job(resource_defs={"io_manager": fs_io_manager})
    def fan():
        total(fan_out().map(work).collect())

    return fan


class RecordingIOManager(IOManager):
    """Keeps outputs by (run id, step key, output) and records the runs it loads from."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str, str], Any] = {}
        self.loaded_from: list[tuple[str, str]] = []

    def handle_output(self, context, obj) -> None:
        self.stored[(context.run_id, context.step_key, context.name)] = obj

    def load_input(self, context) -> Any:
        up = context.upstream_output
        self.loaded_from.append((up.run_id, up.step_key))
        return self.stored[(up.run_id, up.step_key, up.name)]


def ran(result: ExecuteJobResult) -> list[str]:
    return [e.step_key for e in result.all_events if e.is_step_start]


def failed_first_run(job_def: Any, instance: Instance, flaky: Flaky, **kwargs: Any) -> str:
    """Run ``job_def`` once (it fails), let ``flaky`` recover, and return the run's id."""
    first = execute_job(job_def, instance, **kwargs)
    assert not first.success
    flaky.failing = False
    return first.run_id


@pytest.fixture
def instance() -> Instance:
    return Instance.ephemeral()


@pytest.fixture
def flaky() -> Flaky:
    return Flaky()


# --------------------------------------------------------------------------
# from_failure


def test_from_failure_runs_only_the_step_that_failed(instance: Instance, flaky: Flaky) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    assert result.success
    assert ran(result) == ["c"]


def test_the_reexecuted_step_loads_its_input_from_the_parent_run(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    with execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    ) as result:
        assert result.output_for_node("c") == 20


def test_from_failure_selects_the_steps_that_did_not_succeed(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    options = ReexecutionOptions.from_failure(parent, instance)

    assert options.parent_run_id == parent
    assert options.step_selection == ("c",)


def test_from_failure_reruns_a_step_abandoned_after_a_failure(instance: Instance) -> None:
    flaky = Flaky()

    @op
    def load() -> int:
        flaky("load")
        return 2

    @op
    def double(x: int) -> int:
        return x * 2

    @job(resource_defs={"io_manager": fs_io_manager})
    def pipeline():
        double(load())

    parent = failed_first_run(pipeline, instance, flaky)

    result = execute_job(
        pipeline, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    assert ran(result) == ["load", "double"]


def test_from_failure_runs_the_steps_the_failed_run_never_started(instance: Instance) -> None:
    flaky = Flaky()

    @op
    def first() -> int:
        flaky("first")
        return 1

    @op
    def unrelated() -> int:
        return 2

    @job(resource_defs={"io_manager": fs_io_manager})
    def two():
        first()
        unrelated()

    with pytest.raises(RuntimeError):
        execute_job(two, instance, raise_on_error=True)  # stops at the first failure
    (parent,) = instance.get_runs()
    flaky.failing = False

    result = execute_job(
        two, instance, reexecution_options=ReexecutionOptions.from_failure(parent.run_id, instance)
    )

    assert sorted(ran(result)) == ["first", "unrelated"]


def test_from_failure_of_a_successful_run_is_an_error_naming_run_and_status(
    instance: Instance, flaky: Flaky
) -> None:
    flaky.failing = False
    succeeded = execute_job(chain_job(flaky), instance)

    with pytest.raises(ReexecutionError) as raised:
        ReexecutionOptions.from_failure(succeeded.run_id, instance)

    message = str(raised.value)
    assert f"'{succeeded.run_id}' (status SUCCESS)" in message
    assert "step_selection=" in message
    assert raised.value.status == "SUCCESS"


def test_from_failure_of_an_unknown_run_is_an_error(instance: Instance) -> None:
    with pytest.raises(ReexecutionError, match="the instance has no run with this id") as raised:
        ReexecutionOptions.from_failure("no-such-run", instance)

    assert raised.value.run_id == "no-such-run"
    assert raised.value.status is None


def test_from_failure_of_an_unfinished_run_is_an_error(instance: Instance) -> None:
    instance.add_run(Run(run_id="running", job_name="chain", status=RunStatus.STARTED))

    with pytest.raises(ReexecutionError, match=r"\(status STARTED\): it has not finished"):
        ReexecutionOptions.from_failure("running", instance)


def test_from_failure_needs_an_instance() -> None:
    with pytest.raises(InvalidInvocationError, match="instance must be the Instance"):
        ReexecutionOptions.from_failure("some-run", "not an instance")  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# The new run


def test_the_new_run_names_its_parent_and_root(instance: Instance, flaky: Flaky) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    recorded = instance.get_run_by_id(result.run_id)
    assert recorded is not None
    assert (recorded.parent_run_id, recorded.root_run_id) == (parent, parent)
    assert recorded.tags["dagwright/parent_run_id"] == parent
    assert recorded.tags["dagwright/root_run_id"] == parent


def test_a_reexecution_from_failure_is_tagged_as_a_resume_retry(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    assert result.run.tags["dagwright/is_resume_retry"] == "true"


def test_a_reexecution_of_chosen_steps_is_not_a_resume_retry(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(chain, instance, reexecution_options=ReexecutionOptions(parent, ["c"]))

    assert "dagwright/is_resume_retry" not in result.run.tags


def test_reexecuting_a_reexecution_keeps_the_root_and_loads_from_the_run_that_made_the_output(
    instance: Instance,
) -> None:
    manager = RecordingIOManager()
    flaky = Flaky()
    chain = chain_job(flaky, {"io_manager": IOManagerDefinition.hardcoded_io_manager(manager)})
    first = execute_job(chain, instance)
    second = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(first.run_id, instance)
    )
    assert not second.success  # c is still failing
    flaky.failing = False
    manager.loaded_from.clear()

    third = execute_job(
        chain,
        instance,
        reexecution_options=ReexecutionOptions.from_failure(second.run_id, instance),
    )

    assert third.success
    assert (third.run.parent_run_id, third.run.root_run_id) == (second.run_id, first.run_id)
    assert manager.loaded_from == [(first.run_id, "b")]


def test_the_new_run_inherits_the_parents_tags_under_the_given_ones(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky, tags={"team": "data", "env": "dev"})

    result = execute_job(
        chain,
        instance,
        tags={"env": "prod"},
        reexecution_options=ReexecutionOptions.from_failure(parent, instance),
    )

    assert result.run.tags["team"] == "data"
    assert result.run.tags["env"] == "prod"


def test_run_config_defaults_to_the_parents(instance: Instance) -> None:
    flaky = Flaky()
    seen = []

    @op(config_schema={"factor": int})
    def scale(context) -> int:
        seen.append(context.op_config["factor"])
        flaky("scale")
        return context.op_config["factor"]

    @job(resource_defs={"io_manager": fs_io_manager})
    def scaled():
        scale()

    config = {"ops": {"scale": {"config": {"factor": 3}}}}
    parent = failed_first_run(scaled, instance, flaky, run_config=config)

    result = execute_job(
        scaled, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    assert seen == [3, 3]
    assert result.run.run_config == config


def test_given_run_config_replaces_the_parents(instance: Instance) -> None:
    seen = []

    @op(config_schema={"factor": int})
    def scale(context) -> None:
        seen.append(context.op_config["factor"])

    @job
    def scaled():
        scale()

    parent = execute_job(scaled, instance, run_config={"ops": {"scale": {"config": {"factor": 3}}}})

    execute_job(
        scaled,
        instance,
        run_config={"ops": {"scale": {"config": {"factor": 4}}}},
        reexecution_options=ReexecutionOptions(parent.run_id),
    )

    assert seen == [3, 4]


def test_steps_not_reexecuted_emit_no_events(instance: Instance, flaky: Flaky) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    assert result.is_node_untouched("a")
    assert result.is_node_untouched("b")


def test_the_result_names_the_steps_whose_outputs_were_reused(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    assert result.reused_steps == {"b": parent}


def test_an_engine_event_opens_the_reexecution_with_what_it_reuses(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    messages = [e.message for e in result.all_events if e.is_engine_event]
    assert f'Re-executing step c of run "{parent}"' in messages[1]
    assert f'b (run "{parent}")' in messages[1]


def test_the_output_of_a_step_not_reexecuted_is_not_in_the_result(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    with (
        execute_job(
            chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
        ) as result,
        pytest.raises(Exception, match=f"step 'b' was not executed.*run '{parent}'"),
    ):
        result.output_for_node("b")


def test_empty_step_selection_reexecutes_every_step(instance: Instance, flaky: Flaky) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(chain, instance, reexecution_options=ReexecutionOptions(parent))

    assert ran(result) == ["a", "b", "c"]
    assert result.run.parent_run_id == parent


def test_a_reexecution_runs_the_parents_op_selection(instance: Instance, flaky: Flaky) -> None:
    chain = chain_job(flaky)
    parent = execute_job(chain, instance, op_selection=["a", "b"])

    result = execute_job(chain, instance, reexecution_options=ReexecutionOptions(parent.run_id))

    assert ran(result) == ["a", "b"]
    assert result.run.op_selection == ["a", "b"]


# --------------------------------------------------------------------------
# Step selection


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (["b*"], ["b", "c"]),
        (["+c"], ["b", "c"]),
        (["*c"], ["a", "b", "c"]),
        (["b"], ["b"]),
        (["b+"], ["b", "c"]),
        ("a,c", ["a", "c"]),
    ],
)
def test_step_selection_chooses_the_steps_to_run(
    instance: Instance, flaky: Flaky, selection: Any, expected: list[str]
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(chain, instance, reexecution_options=ReexecutionOptions(parent, selection))

    assert result.success
    assert ran(result) == expected


def test_an_unknown_step_is_an_error_with_a_suggestion(instance: Instance, flaky: Flaky) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    with pytest.raises(InvalidSubsetError, match="'cc', which is not a step of the job") as raised:
        execute_job(chain, instance, reexecution_options=ReexecutionOptions(parent, ["cc+"]))

    assert "Did you mean 'c'?" in str(raised.value)
    assert len(instance.get_runs()) == 1


def test_a_clause_outside_the_syntax_is_an_error(instance: Instance, flaky: Flaky) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    with pytest.raises(InvalidSubsetError, match="which is not a step selection"):
        execute_job(chain, instance, reexecution_options=ReexecutionOptions(parent, ["+c*+"]))


def test_selecting_a_step_whose_upstream_did_not_succeed_is_an_error(instance: Instance) -> None:
    flaky = Flaky()

    @op
    def extract() -> int:
        flaky("extract")
        return 1

    @op
    def report(x: int) -> int:
        return x

    @job(resource_defs={"io_manager": fs_io_manager})
    def etl():
        report(extract())

    parent = failed_first_run(etl, instance, flaky)

    with pytest.raises(ReexecutionError, match="reads output 'result' of step 'extract'") as raised:
        execute_job(etl, instance, reexecution_options=ReexecutionOptions(parent, ["report"]))

    assert f"it failed in run '{parent}'" in str(raised.value)
    assert "select 'extract' too" in str(raised.value)
    assert len(instance.get_runs()) == 1


def test_op_selection_and_reexecution_options_together_are_an_error(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    with pytest.raises(InvalidInvocationError, match="op_selection was given"):
        execute_job(
            chain,
            instance,
            op_selection=["c"],
            reexecution_options=ReexecutionOptions(parent, ["c"]),
        )


def test_step_selection_must_be_strings() -> None:
    with pytest.raises(InvalidInvocationError, match="not a list of step selection clauses"):
        ReexecutionOptions("some-run", [1, 2])  # type: ignore[list-item]


# --------------------------------------------------------------------------
# The parent run


def test_reexecuting_a_run_of_another_job_is_an_error(instance: Instance, flaky: Flaky) -> None:
    @op
    def lone() -> None:
        pass

    @job
    def other():
        lone()

    other_run = execute_job(other, instance)

    with pytest.raises(ReexecutionError, match="it is a run of job 'other', not of job 'chain'"):
        execute_job(
            chain_job(flaky), instance, reexecution_options=ReexecutionOptions(other_run.run_id)
        )


def test_outputs_kept_in_memory_cannot_be_reused(instance: Instance, flaky: Flaky) -> None:
    chain = chain_job(flaky, resource_defs={})  # ephemeral instance: outputs in memory
    parent = failed_first_run(chain, instance, flaky)

    with pytest.raises(ReexecutionError, match="IO manager 'io_manager' keeps outputs in memory"):
        execute_job(
            chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
        )

    assert len(instance.get_runs()) == 1


def test_a_custom_in_memory_io_manager_fails_the_step_that_would_read_an_earlier_run(
    instance: Instance, flaky: Flaky
) -> None:
    in_memory = IOManagerDefinition.hardcoded_io_manager(InMemoryIOManager())
    chain = chain_job(flaky, resource_defs={"io_manager": in_memory})
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    failure = result.failure_data_for_node("c")
    assert failure is not None
    assert failure.error is not None
    assert "keeps outputs in memory" in failure.error.message


# --------------------------------------------------------------------------
# IO managers


def test_the_io_manager_is_asked_for_the_parent_runs_output(instance: Instance) -> None:
    manager = RecordingIOManager()
    flaky = Flaky()
    chain = chain_job(flaky, {"io_manager": IOManagerDefinition.hardcoded_io_manager(manager)})
    parent = failed_first_run(chain, instance, flaky)
    manager.loaded_from.clear()

    execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    assert manager.loaded_from == [(parent, "b")]


def test_the_loaded_input_event_names_the_run_the_output_came_from(
    instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky)
    parent = failed_first_run(chain, instance, flaky)

    result = execute_job(
        chain, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    (loaded,) = [e for e in result.all_events if e.is_loaded_input]
    assert loaded.message.endswith(f'from output "result" of step "b" of run "{parent}"')


def test_reexecution_on_a_persistent_instance_reads_the_files_of_the_parent(
    persistent_instance: Instance, flaky: Flaky
) -> None:
    chain = chain_job(flaky, resource_defs={})  # the default io_manager writes files here
    parent = failed_first_run(chain, persistent_instance, flaky)

    with execute_job(
        chain,
        persistent_instance,
        reexecution_options=ReexecutionOptions.from_failure(parent, persistent_instance),
    ) as result:
        assert result.output_for_node("c") == 20

    recorded = persistent_instance.get_run_by_id(result.run_id)
    assert recorded is not None
    assert recorded.status is RunStatus.SUCCESS
    assert recorded.parent_run_id == parent


# --------------------------------------------------------------------------
# Dynamic outputs


def test_only_the_failed_mapped_step_and_the_collect_run_again(
    instance: Instance, flaky: Flaky
) -> None:
    fan = fan_job(flaky)
    parent = failed_first_run(fan, instance, flaky)

    with execute_job(
        fan, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    ) as result:
        assert ran(result) == ["work[y]", "total"]
        assert result.output_for_node("total") == 600


def test_from_failure_of_a_fan_out_selects_the_failed_mapping_key(
    instance: Instance, flaky: Flaky
) -> None:
    fan = fan_job(flaky)
    parent = failed_first_run(fan, instance, flaky)

    options = ReexecutionOptions.from_failure(parent, instance)

    assert options.step_selection == ("total", "work[y]")


def test_a_mapped_step_is_selected_by_its_mapping_key(instance: Instance, flaky: Flaky) -> None:
    fan = fan_job(flaky)
    flaky.failing = False
    parent = execute_job(fan, instance)

    result = execute_job(
        fan, instance, reexecution_options=ReexecutionOptions(parent.run_id, ["work[z]+"])
    )

    assert ran(result) == ["work[z]", "total"]


def test_a_mapped_op_selected_by_name_runs_every_mapping_key(
    instance: Instance, flaky: Flaky
) -> None:
    fan = fan_job(flaky)
    flaky.failing = False
    parent = execute_job(fan, instance)

    with execute_job(
        fan, instance, reexecution_options=ReexecutionOptions(parent.run_id, ["work"])
    ) as result:
        assert ran(result) == ["work[x]", "work[y]", "work[z]"]
        assert result.output_for_node("work") == {"x": 100, "y": 200, "z": 300}


def test_rerunning_the_fan_out_runs_its_mapped_steps_again(
    instance: Instance, flaky: Flaky
) -> None:
    fan = fan_job(flaky)
    parent = failed_first_run(fan, instance, flaky)

    result = execute_job(
        fan, instance, reexecution_options=ReexecutionOptions(parent, ["fan_out*"])
    )

    assert ran(result) == ["fan_out", "work[x]", "work[y]", "work[z]", "total"]


def test_an_unknown_mapping_key_is_an_error_with_a_suggestion(
    instance: Instance, flaky: Flaky
) -> None:
    fan = fan_job(flaky)
    parent = failed_first_run(fan, instance, flaky)

    with pytest.raises(InvalidSubsetError, match=r"'work\[w\]'") as raised:
        execute_job(fan, instance, reexecution_options=ReexecutionOptions(parent, ["work[w]"]))

    assert "Did you mean" in str(raised.value)
    assert "'work[x]'" in str(raised.value)


def test_a_run_whose_resources_failed_is_reexecuted_whole_from_failure(
    instance: Instance,
) -> None:
    flaky = Flaky()

    @resource
    def service(_init_context) -> str:
        flaky("service")
        return "connected"

    @op(required_resource_keys={"service"})
    def fetch(context) -> str:
        return context.resources.service

    @op
    def store(value: str) -> str:
        return value

    @job(resource_defs={"service": service, "io_manager": fs_io_manager})
    def sync():
        store(fetch())

    parent = failed_first_run(sync, instance, flaky)

    result = execute_job(
        sync, instance, reexecution_options=ReexecutionOptions.from_failure(parent, instance)
    )

    assert ran(result) == ["fetch", "store"]


def test_a_reexecution_runs_the_parents_partition(instance: Instance) -> None:
    flaky = Flaky()
    seen = []

    @op
    def by_region(context) -> None:
        seen.append(context.partition_key)
        flaky("by_region")

    @job(partitions_def=StaticPartitionsDefinition(["eu", "us"]))
    def regional():
        by_region()

    regional.execute_in_process(partition_key="us", instance=instance, raise_on_error=False)
    (parent,) = instance.get_runs()
    flaky.failing = False

    result = execute_job(
        regional,
        instance,
        reexecution_options=ReexecutionOptions.from_failure(parent.run_id, instance),
    )

    assert seen == ["us", "us"]
    assert result.run.partition_key == "us"
