"""JobDefinition.execute_in_process: every argument, run order, failures and resources."""

from __future__ import annotations

import traceback
import uuid
from typing import Any

import pytest

from dagwright import (
    DagwrightError,
    EventType,
    In,
    Instance,
    InvalidSubsetError,
    Out,
    Output,
    ResourceDefinition,
    RunConfigError,
    RunStatus,
    StaticPartitionsDefinition,
    graph,
    job,
    op,
    resource,
)

# --------------------------------------------------------------------------
# Small building blocks


@op
def return_five() -> int:
    return 5


@op
def add_one(x: int) -> int:
    return x + 1


@job
def five_plus_one():
    add_one(return_five())


def _event_types(result: Any) -> list[str]:
    return [e.event_type_value for e in result.all_events]


def _step_order(result: Any) -> list[str]:
    return [e.step_key for e in result.all_events if e.is_step_start]


# --------------------------------------------------------------------------
# run_config


def test_op_config_from_run_config_reaches_context_op_config() -> None:
    seen = []

    @op(config_schema={"rate": int})
    def configured(context):
        seen.append(context.op_config)

    @job
    def configured_job():
        configured()

    configured_job.execute_in_process(run_config={"ops": {"configured": {"config": {"rate": 3}}}})

    assert seen == [{"rate": 3}]


def test_op_config_of_a_nested_op_is_given_under_the_graph() -> None:
    seen = []

    @op(config_schema={"rate": int})
    def configured(context):
        seen.append(context.op_config["rate"])

    @graph
    def inner():
        configured()

    @job
    def outer():
        inner()

    outer.execute_in_process(
        run_config={"ops": {"inner": {"ops": {"configured": {"config": {"rate": 7}}}}}}
    )

    assert seen == [7]


def test_run_config_input_given_bare_feeds_an_unconnected_input() -> None:
    @job
    def only_add():
        add_one()

    result = only_add.execute_in_process(run_config={"ops": {"add_one": {"inputs": {"x": 41}}}})

    assert result.output_for_node("add_one") == 42


def test_run_config_input_given_as_value_dict_feeds_an_unconnected_input() -> None:
    @job
    def only_add():
        add_one()

    result = only_add.execute_in_process(
        run_config={"ops": {"add_one": {"inputs": {"x": {"value": 41}}}}}
    )

    assert result.output_for_node("add_one") == 42


def test_missing_input_config_raises_run_config_error_naming_the_path_before_the_run() -> None:
    @job
    def only_add():
        add_one()

    instance = Instance.ephemeral()
    with pytest.raises(RunConfigError, match=r"ops\.add_one\.inputs\.x"):
        only_add.execute_in_process(instance=instance, raise_on_error=False)

    assert instance.get_runs() == []


def test_run_record_keeps_the_given_run_config() -> None:
    run_config = {"ops": {"add_one": {"inputs": {"x": 1}}}}

    @job
    def only_add():
        add_one()

    result = only_add.execute_in_process(run_config=run_config)

    assert result.dagster_run.run_config == run_config


# --------------------------------------------------------------------------
# instance


def test_given_instance_records_the_run_as_successful() -> None:
    instance = Instance.ephemeral()

    result = five_plus_one.execute_in_process(instance=instance)

    run = instance.get_run_by_id(result.run_id)
    assert run is not None
    assert run.status is RunStatus.SUCCESS
    assert run.job_name == "five_plus_one"


def test_given_instance_holds_every_entry_of_the_run() -> None:
    instance = Instance.ephemeral()

    result = five_plus_one.execute_in_process(instance=instance)

    logs = instance.all_logs(result.run_id)
    assert logs == result.entries
    assert logs[0].event_type == EventType.RUN_START
    assert logs[-1].event_type == EventType.RUN_SUCCESS


def test_given_instance_records_a_failed_run_as_failure_even_when_raising() -> None:
    @op
    def fails():
        raise ValueError("boom")

    @job
    def failing():
        fails()

    instance = Instance.ephemeral()
    run_id = str(uuid.uuid4())
    with pytest.raises(ValueError, match="boom"):
        failing.execute_in_process(instance=instance, run_id=run_id)

    run = instance.get_run_by_id(run_id)
    assert run is not None
    assert run.status is RunStatus.FAILURE
    assert instance.all_logs(run_id)[-1].event_type == EventType.RUN_FAILURE


def test_given_instance_keeps_every_run_it_was_given() -> None:
    instance = Instance.ephemeral()

    first = five_plus_one.execute_in_process(instance=instance)
    second = five_plus_one.execute_in_process(instance=instance)

    assert {r.run_id for r in instance.get_runs()} == {first.run_id, second.run_id}


# --------------------------------------------------------------------------
# resources=


def test_resources_argument_overrides_a_job_resource() -> None:
    @op(required_resource_keys={"server"})
    def ask(context):
        return context.resources.server

    @job(resource_defs={"server": "production"})
    def asking():
        ask()

    result = asking.execute_in_process(resources={"server": "local"})

    assert result.output_for_node("ask") == "local"


def test_resources_argument_accepts_a_resource_definition() -> None:
    @op(required_resource_keys={"server"})
    def ask(context):
        return context.resources.server

    @job(resource_defs={"server": "production"})
    def asking():
        ask()

    result = asking.execute_in_process(
        resources={"server": ResourceDefinition.hardcoded_resource("from a definition")}
    )

    assert result.output_for_node("ask") == "from a definition"


def test_resources_argument_leaves_the_job_unchanged() -> None:
    @op(required_resource_keys={"server"})
    def ask(context):
        return context.resources.server

    @job(resource_defs={"server": "production"})
    def asking():
        ask()

    asking.execute_in_process(resources={"server": "local"})

    assert asking.execute_in_process().output_for_node("ask") == "production"


def test_graph_execute_in_process_resources_provide_a_required_resource() -> None:
    @op(required_resource_keys={"server"})
    def ask(context):
        return context.resources.server

    @graph
    def asking():
        ask()

    result = asking.execute_in_process(resources={"server": "local"})

    assert result.output_for_node("ask") == "local"


# --------------------------------------------------------------------------
# raise_on_error


def test_failing_step_reraises_the_users_own_exception_object() -> None:
    raised = ValueError("boom")

    @op
    def fails():
        raise raised

    @job
    def failing():
        fails()

    with pytest.raises(ValueError) as excinfo:
        failing.execute_in_process()

    assert excinfo.value is raised


def test_reraised_exception_traceback_ends_in_the_users_function() -> None:
    @op
    def fails():
        raise ValueError("boom")

    @job
    def failing():
        fails()

    with pytest.raises(ValueError) as excinfo:
        failing.execute_in_process()

    assert traceback.extract_tb(excinfo.value.__traceback__)[-1].name == "fails"


def test_failing_step_stops_the_run_when_raising() -> None:
    ran = []

    @op
    def a_fails():
        raise ValueError("boom")

    @op
    def b_independent():
        ran.append("b_independent")

    @job
    def failing():
        a_fails()
        b_independent()

    with pytest.raises(ValueError):
        failing.execute_in_process()

    assert ran == []


def test_type_check_failure_raises_type_check_error() -> None:
    from dagwright import TypeCheckError

    @op(out=Out(int))
    def wrong_type():
        return "not an int"

    @job
    def typed():
        wrong_type()

    with pytest.raises(TypeCheckError):
        typed.execute_in_process()


def test_raise_on_error_false_returns_a_failed_result() -> None:
    @op
    def fails():
        raise ValueError("boom")

    @job
    def failing():
        fails()

    result = failing.execute_in_process(raise_on_error=False)

    assert result.success is False
    assert result.dagster_run.status is RunStatus.FAILURE


def test_raise_on_error_false_still_runs_independent_branches() -> None:
    @op
    def a_fails():
        raise ValueError("boom")

    @op
    def b_independent():
        return 2

    @job
    def failing():
        a_fails()
        b_independent()

    result = failing.execute_in_process(raise_on_error=False)

    assert result.output_for_node("b_independent") == 2
    assert result.is_node_success("b_independent")


def test_raise_on_error_false_skips_steps_downstream_of_a_failure() -> None:
    ran = []

    @op
    def fails():
        raise ValueError("boom")

    @op
    def downstream(x):
        ran.append(x)

    @op
    def further(x):
        ran.append(x)

    @job
    def failing():
        further(downstream(fails()))

    result = failing.execute_in_process(raise_on_error=False)

    assert ran == []
    skipped = result.get_step_skipped_events()
    assert [e.step_key for e in skipped] == ["downstream", "further"]
    assert "upstream step 'fails' failed" in skipped[0].message


# --------------------------------------------------------------------------
# op_selection


def test_op_selection_runs_only_the_selected_ops() -> None:
    @op
    def a():
        return 1

    @op
    def b():
        return 2

    @job
    def two():
        a()
        b()

    result = two.execute_in_process(op_selection=["b"])

    assert _step_order(result) == ["b"]


def test_op_selection_accepts_a_comma_separated_string() -> None:
    @op
    def a():
        return 1

    @op
    def b():
        return 2

    @op
    def c():
        return 3

    @job
    def three():
        a()
        b()
        c()

    result = three.execute_in_process(op_selection="a, c")

    assert _step_order(result) == ["a", "c"]


def test_op_selection_with_upstream_clause_runs_the_ancestors() -> None:
    @op
    def unrelated():
        return 0

    @job
    def chain():
        add_one(return_five())
        unrelated()

    result = chain.execute_in_process(op_selection=["*add_one"])

    assert _step_order(result) == ["return_five", "add_one"]
    assert result.output_for_node("add_one") == 6


def test_op_selection_is_recorded_on_the_run_and_the_subset_job() -> None:
    result = five_plus_one.execute_in_process(op_selection=["*add_one"])

    assert result.dagster_run.op_selection == ["*add_one"]
    assert result.job_def.op_selection == ["*add_one"]
    assert result.job_def.name == "five_plus_one"


def test_op_selection_naming_an_unknown_op_raises_invalid_subset_error() -> None:
    with pytest.raises(InvalidSubsetError, match="add_on"):
        five_plus_one.execute_in_process(op_selection=["add_on"])


def test_selected_op_whose_upstream_is_not_selected_takes_its_input_from_config() -> None:
    result = five_plus_one.execute_in_process(
        op_selection=["add_one"], run_config={"ops": {"add_one": {"inputs": {"x": 10}}}}
    )

    assert result.output_for_node("add_one") == 11


# --------------------------------------------------------------------------
# partition_key

REGIONS = StaticPartitionsDefinition(["us_east", "us_west", "eu_central"])


@op
def which_partition(context):
    return context.partition_key


@job(partitions_def=REGIONS)
def by_region():
    which_partition()


def test_partition_key_reaches_context_partition_key() -> None:
    result = by_region.execute_in_process(partition_key="us_west")

    assert result.output_for_node("which_partition") == "us_west"


def test_partition_key_is_recorded_as_a_run_tag() -> None:
    result = by_region.execute_in_process(partition_key="eu_central")

    assert result.dagster_run.tags["dagwright/partition"] == "eu_central"


def test_unknown_partition_key_raises_naming_a_nearby_key() -> None:
    with pytest.raises(DagwrightError) as excinfo:
        by_region.execute_in_process(partition_key="us_eats")

    assert "us_eats" in str(excinfo.value)
    assert "us_east" in str(excinfo.value)


def test_unknown_partition_key_raises_before_the_run_starts() -> None:
    instance = Instance.ephemeral()

    with pytest.raises(DagwrightError):
        by_region.execute_in_process(partition_key="mars", instance=instance, raise_on_error=False)

    assert instance.get_runs() == []


def test_partition_key_on_an_unpartitioned_job_raises() -> None:
    with pytest.raises(DagwrightError, match="partition"):
        five_plus_one.execute_in_process(partition_key="us_east")


# --------------------------------------------------------------------------
# tags, run_id


def test_tags_are_recorded_on_the_run() -> None:
    result = five_plus_one.execute_in_process(tags={"owner": "data-team"})

    assert result.dagster_run.tags == {"owner": "data-team"}


def test_tags_are_merged_over_the_job_tags() -> None:
    @job(tags={"team": "core", "tier": "gold"})
    def tagged():
        return_five()

    result = tagged.execute_in_process(tags={"tier": "silver", "ticket": "42"})

    assert result.dagster_run.tags == {"team": "core", "tier": "silver", "ticket": "42"}


def test_non_string_tag_values_are_json_encoded_like_job_tags() -> None:
    result = five_plus_one.execute_in_process(tags={"n": 1, "d": {"a": 1}})

    assert result.dagster_run.tags == {"n": "1", "d": '{"a": 1}'}


def test_ops_see_the_run_tags() -> None:
    seen = []

    @op
    def read_tag(context):
        seen.append(context.get_tag("owner"))

    @job
    def tagged():
        read_tag()

    tagged.execute_in_process(tags={"owner": "me"})

    assert seen == ["me"]


def test_given_run_id_is_the_runs_id() -> None:
    run_id = str(uuid.uuid4())
    seen = []

    @op
    def read_run_id(context):
        seen.append(context.run_id)

    @job
    def identified():
        read_run_id()

    result = identified.execute_in_process(run_id=run_id)

    assert result.run_id == run_id
    assert result.dagster_run.run_id == run_id
    assert seen == [run_id]


def test_run_id_defaults_to_a_fresh_uuid() -> None:
    first = five_plus_one.execute_in_process()
    second = five_plus_one.execute_in_process()

    assert str(uuid.UUID(first.run_id)) == first.run_id
    assert first.run_id != second.run_id


def test_empty_run_id_is_rejected() -> None:
    with pytest.raises(DagwrightError, match="run_id"):
        five_plus_one.execute_in_process(run_id="")


# --------------------------------------------------------------------------
# input_values


@graph
def add_to(x):
    add_one(x)


def test_input_values_feed_the_top_level_graph_inputs() -> None:
    result = add_to.to_job().execute_in_process(input_values={"x": 9})

    assert result.output_for_node("add_one") == 10


def test_input_values_override_the_jobs_input_values() -> None:
    adder = add_to.to_job(input_values={"x": 1})

    assert adder.execute_in_process().output_for_node("add_one") == 2
    assert adder.execute_in_process(input_values={"x": 100}).output_for_node("add_one") == 101


def test_input_values_of_the_wrong_type_fail_the_type_check() -> None:
    from dagwright import TypeCheckError

    with pytest.raises(TypeCheckError):
        add_to.to_job().execute_in_process(input_values={"x": "nine"})


def test_graph_execute_in_process_accepts_input_values() -> None:
    result = add_to.execute_in_process(input_values={"x": 1})

    assert result.output_for_node("add_one") == 2


# --------------------------------------------------------------------------
# Run order


def test_independent_branches_run_by_level_then_alphabetically() -> None:
    @op
    def a_op():
        return 1

    @op
    def b_op(x):
        return x

    @op
    def z_op():
        return 1

    @op
    def m_op(x):
        return x

    @job
    def branches():
        m_op(z_op())
        b_op(a_op())

    result = branches.execute_in_process()

    assert _step_order(result) == ["a_op", "z_op", "b_op", "m_op"]


def test_a_step_runs_after_all_of_its_upstream_steps() -> None:
    @op
    def z_first():
        return 1

    @op
    def a_second(x):
        return x

    @op
    def b_root():
        return 2

    @job
    def ordered():
        a_second(z_first())
        b_root()

    result = ordered.execute_in_process()

    assert _step_order(result) == ["b_root", "z_first", "a_second"]


# --------------------------------------------------------------------------
# Optional outputs


def test_optional_output_not_yielded_skips_its_downstream() -> None:
    ran = []

    @op(out={"yes": Out(is_required=False), "no": Out(is_required=False)})
    def branch():
        yield Output(1, "yes")

    @op
    def on_yes(x):
        ran.append(("yes", x))

    @op
    def on_no(x):
        ran.append(("no", x))

    @job
    def branching():
        yes, no = branch()
        on_yes(yes)
        on_no(no)

    result = branching.execute_in_process()

    assert result.success
    assert ran == [("yes", 1)]
    assert [e.step_key for e in result.get_step_skipped_events()] == ["on_no"]


def test_skipping_for_a_missing_optional_output_propagates_downstream() -> None:
    @op(out=Out(is_required=False))
    def nothing_yielded():
        yield from ()

    @op
    def middle(x):
        return x

    @op
    def last(x):
        return x

    @job
    def chain():
        last(middle(nothing_yielded()))

    result = chain.execute_in_process()

    assert result.success
    assert [e.step_key for e in result.get_step_skipped_events()] == ["middle", "last"]


# --------------------------------------------------------------------------
# Resources during a run


def test_generator_resource_is_torn_down_after_the_steps() -> None:
    calls = []

    @resource
    def connection(_init_context):
        calls.append("open")
        yield "conn"
        calls.append("close")

    @op(required_resource_keys={"conn"})
    def use(context):
        calls.append(f"use {context.resources.conn}")

    @job(resource_defs={"conn": connection})
    def using():
        use()

    using.execute_in_process()

    assert calls == ["open", "use conn", "close"]


def test_generator_resource_is_torn_down_when_a_step_fails_and_raises() -> None:
    calls = []

    @resource
    def connection(_init_context):
        calls.append("open")
        yield "conn"
        calls.append("close")

    @op(required_resource_keys={"conn"})
    def use(context):
        raise ValueError("boom")

    @job(resource_defs={"conn": connection})
    def using():
        use()

    with pytest.raises(ValueError):
        using.execute_in_process()

    assert calls == ["open", "close"]


def test_generator_resource_is_torn_down_when_a_step_fails_without_raising() -> None:
    calls = []

    @resource
    def connection(_init_context):
        calls.append("open")
        yield "conn"
        calls.append("close")

    @op(required_resource_keys={"conn"})
    def use(context):
        raise ValueError("boom")

    @job(resource_defs={"conn": connection})
    def using():
        use()

    using.execute_in_process(raise_on_error=False)

    assert calls == ["open", "close"]


def test_only_resources_needed_by_the_steps_run_are_initialised() -> None:
    initialised = []

    @resource
    def first(_init_context):
        initialised.append("first")
        return 1

    @resource
    def second(_init_context):
        initialised.append("second")
        return 2

    @op(required_resource_keys={"first"})
    def uses_first(context):
        return context.resources.first

    @op(required_resource_keys={"second"})
    def uses_second(context):
        return context.resources.second

    @job(resource_defs={"first": first, "second": second})
    def both():
        uses_first()
        uses_second()

    both.execute_in_process(op_selection=["uses_first"])

    assert initialised == ["first"]


def test_resources_no_step_requires_are_not_initialised() -> None:
    initialised = []

    @resource
    def unused(_init_context):
        initialised.append("unused")

    @job(resource_defs={"unused": unused})
    def plain():
        return_five()

    result = plain.execute_in_process()

    assert initialised == []
    assert EventType.RESOURCE_INIT_STARTED not in _event_types(result)


def test_resource_init_failure_fails_the_run() -> None:
    @resource
    def broken(_init_context):
        raise ConnectionError("database unreachable")

    @op(required_resource_keys={"db"})
    def query(context):
        return 1

    @job(resource_defs={"db": broken})
    def querying():
        query()

    result = querying.execute_in_process(raise_on_error=False)

    assert result.success is False
    assert EventType.RESOURCE_INIT_FAILURE in _event_types(result)
    assert EventType.STEP_START not in _event_types(result)
    assert _event_types(result)[-1] == EventType.RUN_FAILURE


def test_resource_init_failure_event_carries_the_users_error() -> None:
    @resource
    def broken(_init_context):
        raise ConnectionError("database unreachable")

    @op(required_resource_keys={"db"})
    def query(context):
        return 1

    @job(resource_defs={"db": broken})
    def querying():
        query()

    result = querying.execute_in_process(raise_on_error=False)

    [failure] = result.filter_events(lambda e: e.event_type == EventType.RESOURCE_INIT_FAILURE)
    error = failure.event_specific_data.error
    assert error.cls_name == "ConnectionError"
    assert "database unreachable" in error.message


def test_resource_init_failure_raises_the_users_error_when_raising() -> None:
    raised = ConnectionError("database unreachable")

    @resource
    def broken(_init_context):
        raise raised

    @op(required_resource_keys={"db"})
    def query(context):
        return 1

    @job(resource_defs={"db": broken})
    def querying():
        query()

    with pytest.raises(Exception) as excinfo:
        querying.execute_in_process()

    assert excinfo.value is raised or excinfo.value.__cause__ is raised


def test_context_resources_expose_the_required_keys() -> None:
    @op(required_resource_keys={"first"})
    def look(context):
        return sorted(context.resources.keys())

    @job(resource_defs={"first": 1, "second": 2})
    def looking():
        look()

    assert looking.execute_in_process().output_for_node("look") == ["first"]


def test_context_resources_refuse_a_key_the_op_did_not_require() -> None:
    @op(required_resource_keys={"first"})
    def peek(context):
        return context.resources.second

    @job(resource_defs={"first": 1, "second": 2})
    def peeking():
        peek()

    with pytest.raises(DagwrightError) as excinfo:
        peeking.execute_in_process()

    message = str(excinfo.value)
    assert "'second'" in message
    assert "required_resource_keys" in message


def test_context_resources_unknown_key_is_an_attribute_error_so_hasattr_works() -> None:
    @op(required_resource_keys={"first"})
    def probe(context):
        return hasattr(context.resources, "second")

    @job(resource_defs={"first": 1, "second": 2})
    def probing():
        probe()

    assert probing.execute_in_process().output_for_node("probe") is False


def test_resource_depending_on_another_resource_gets_it() -> None:
    @resource(required_resource_keys={"base"})
    def derived(init_context):
        return init_context.resources.base + "/derived"

    @op(required_resource_keys={"derived"})
    def read(context):
        return context.resources.derived

    @job(resource_defs={"base": "root", "derived": derived})
    def reading():
        read()

    assert reading.execute_in_process().output_for_node("read") == "root/derived"


def test_resource_config_from_run_config_reaches_the_resource() -> None:
    @resource(config_schema={"url": str})
    def client(init_context):
        return init_context.resource_config["url"]

    @op(required_resource_keys={"client"})
    def read(context):
        return context.resources.client

    @job(resource_defs={"client": client})
    def reading():
        read()

    result = reading.execute_in_process(
        run_config={"resources": {"client": {"config": {"url": "http://x"}}}}
    )

    assert result.output_for_node("read") == "http://x"


def test_input_with_a_default_value_needs_no_config() -> None:
    @op(ins={"x": In(int, default_value=3)})
    def with_default(x):
        return x

    @job
    def defaulted():
        with_default()

    assert defaulted.execute_in_process().output_for_node("with_default") == 3


# --------------------------------------------------------------------------
# Launch checks and how a run ends


def test_a_run_id_already_on_the_instance_is_refused() -> None:
    from dagwright.errors import RunAlreadyExistsError

    @job
    def once():
        return_five()

    instance = Instance.ephemeral()
    once.execute_in_process(instance=instance, run_id="same-id")

    with pytest.raises(RunAlreadyExistsError, match="same-id"):
        once.execute_in_process(instance=instance, run_id="same-id")
    assert len(instance.all_logs("same-id")) == len(
        [e for e in instance.all_logs("same-id") if e.run_id == "same-id"]
    )
    assert [r.run_id for r in instance.get_runs()] == ["same-id"]


def test_an_unknown_input_value_at_launch_is_refused_with_the_known_inputs() -> None:
    from dagwright import InvalidInvocationError

    @graph
    def adds(x):
        return add_one(x)

    with pytest.raises(InvalidInvocationError, match=r"'nope'.*\n.*x"):
        adds.to_job().execute_in_process(input_values={"x": 1, "nope": 2})


def test_a_logger_that_fails_to_start_raises_before_any_run_is_recorded() -> None:
    from dagwright import UserCodeError, logger

    @logger
    def broken_logger(init_context):
        raise ConnectionError("log server down")

    @job(logger_defs={"remote": broken_logger})
    def logged():
        return_five()

    instance = Instance.ephemeral()
    with pytest.raises(UserCodeError, match="logger 'remote' raised ConnectionError") as info:
        logged.execute_in_process(instance=instance)
    assert isinstance(info.value.__cause__, ConnectionError)
    assert instance.get_runs() == []


def test_a_logger_that_raises_on_a_line_does_not_fail_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    from dagwright import logger

    class RaisingLogger:
        def getEffectiveLevel(self) -> int:  # the logging.Logger API
            return logging.DEBUG

        def log(self, level: int, message: str) -> None:
            raise RuntimeError("handler broke")

    @logger
    def raising_logger(init_context):
        return RaisingLogger()

    @job(logger_defs={"raising": raising_logger})
    def logged():
        return_five()

    result = logged.execute_in_process()

    assert result.success
    assert "logger 'raising' raised RuntimeError" in capsys.readouterr().err


def test_a_run_failed_by_a_step_says_so_in_its_failure_reason() -> None:
    @op
    def bad():
        raise ValueError("boom")

    @job
    def failing():
        bad()

    result = failing.execute_in_process(raise_on_error=False)
    data = result.get_run_failure_event().event_specific_data

    assert data.reason == "STEP_FAILURE"
    assert data.failed_steps == ["bad"]
    assert data.error is None


def test_a_run_failed_by_a_resource_says_so_in_its_failure_reason() -> None:
    @resource
    def broken(init_context):
        raise ConnectionError("database down")

    @op(required_resource_keys={"db"})
    def query(context):
        return 1

    @job(resource_defs={"db": broken})
    def needs_db():
        query()

    result = needs_db.execute_in_process(raise_on_error=False)
    data = result.get_run_failure_event().event_specific_data

    assert data.reason == "RESOURCE_INIT_FAILURE"
    assert data.failed_steps == []
    assert data.error.cls_name == "ConnectionError"


def test_a_missing_resource_error_names_the_op_that_asked() -> None:
    @op(required_resource_keys={"r1"})
    def uses_r1(context):
        return context.resources.r1

    @op(required_resource_keys={"r2"})
    def asks_for_r1(context):
        return context.resources.r1

    @job(resource_defs={"r1": 1, "r2": 2})
    def two_ops():
        uses_r1()
        asks_for_r1()

    result = two_ops.execute_in_process(raise_on_error=False)
    error = result.failure_data_for_node("asks_for_r1").error

    assert "op 'asks_for_r1' has no resource 'r1'" in error.message
