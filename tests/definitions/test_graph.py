"""@graph composition: recorded invocations, nesting, inputs, outputs, aliasing, to_job."""

from __future__ import annotations

import logging

import pytest

from dagwright import (
    DynamicOut,
    DynamicOutput,
    GraphIn,
    GraphOut,
    In,
    MetadataValue,
    Nothing,
    Out,
    ResourceDefinition,
    RetryPolicy,
    StaticPartitionsDefinition,
    graph,
    in_process_executor,
    job,
    logger,
    op,
    success_hook,
)


@op
def return_one():
    return 1


@op
def return_two():
    return 2


@op
def add_one(x):
    return x + 1


@op
def add(x, y):
    return x + y


# --------------------------------------------------------------------------
# Calls in a body record nodes


def test_calls_in_a_graph_body_record_nodes_without_running_the_op() -> None:
    ran: list[str] = []

    @op
    def spy():
        ran.append("spy")
        return 1

    @graph
    def g():
        spy()

    assert ran == []
    assert g.node_names() == ["spy"]


def test_a_call_in_a_body_returns_a_handle_not_the_op_value() -> None:
    seen = []

    @graph
    def g():
        handle = return_one()
        seen.append(handle)
        add_one(handle)

    assert len(seen) == 1
    assert seen[0] != 1
    assert not isinstance(seen[0], int)


def test_passing_a_handle_records_a_dependency_that_runs_in_order() -> None:
    @graph
    def g():
        add_one(return_one())

    result = g.execute_in_process()

    assert result.success
    assert result.output_for_node("add_one") == 2
    assert [e.step_key for e in result.get_step_success_events()] == ["return_one", "add_one"]


def test_the_same_handle_can_feed_several_inputs() -> None:
    @graph
    def g():
        one = return_one()
        add(one, one)

    assert g.execute_in_process().output_for_node("add") == 2


def test_a_graph_body_runs_once_at_definition_time() -> None:
    calls: list[int] = []

    @graph
    def g():
        calls.append(1)
        return_one()

    g.execute_in_process()
    g.to_job().execute_in_process()

    assert calls == [1]


def test_graph_description_defaults_to_the_docstring() -> None:
    @graph
    def g():
        """Adds one to one."""
        add_one(return_one())

    assert g.description == "Adds one to one."


def test_graph_name_can_be_given_explicitly() -> None:
    @graph(name="renamed")
    def g():
        return_one()

    assert g.name == "renamed"
    assert g.to_job().name == "renamed"


# --------------------------------------------------------------------------
# Nested graphs


def test_a_nested_graph_runs_its_ops_under_dotted_step_keys() -> None:
    @graph
    def inner():
        add_one(return_one())

    @graph
    def outer():
        inner()

    result = outer.execute_in_process()

    assert result.success
    assert [e.step_key for e in result.get_step_success_events()] == [
        "inner.return_one",
        "inner.add_one",
    ]
    assert result.output_for_node("inner.add_one") == 2


def test_a_nested_graph_output_feeds_a_downstream_op() -> None:
    @graph
    def inner():
        return add_one(return_one())

    @graph
    def outer():
        add_one(inner())

    result = outer.execute_in_process()

    assert result.output_for_node("add_one") == 3


def test_an_upstream_output_feeds_a_nested_graph_input() -> None:
    @graph
    def inner(x):
        return add_one(x)

    @graph
    def outer():
        inner(return_two())

    assert outer.execute_in_process().output_for_node("inner.add_one") == 3


def test_graphs_nest_more_than_one_level_deep() -> None:
    @graph
    def leaf():
        return add_one(return_one())

    @graph
    def middle():
        return add_one(leaf())

    @graph
    def top():
        middle()

    result = top.execute_in_process()

    assert result.output_for_node("middle.leaf.add_one") == 2
    assert result.output_for_node("middle.add_one") == 3
    assert result.output_for_node("middle") == 3


def test_job_graph_node_named_reaches_into_nested_graphs_with_a_dotted_path() -> None:
    @graph
    def inner():
        add_one(return_one())

    @job
    def j():
        inner()

    node = j.graph.node_named("inner.add_one")

    assert node.name == "add_one"
    assert node.definition is add_one
    assert j.graph.node_named("inner").definition is inner


def test_node_named_with_an_unknown_nested_name_suggests_the_close_name() -> None:
    from dagwright.errors import UnknownNodeError

    @graph
    def inner():
        add_one(return_one())

    @job
    def j():
        inner()

    with pytest.raises(UnknownNodeError) as info:
        j.graph.node_named("inner.ad_one")

    assert isinstance(info.value, KeyError)
    assert "'inner'" in str(info.value)
    assert "Did you mean 'add_one'" in str(info.value)


def test_output_for_node_on_a_graph_node_resolves_through_its_output_mapping() -> None:
    @graph
    def inner():
        return add_one(return_one())

    @job
    def j():
        inner()

    assert j.execute_in_process().output_for_node("inner") == 2


def test_output_for_node_on_a_graph_node_resolves_a_named_output() -> None:
    @graph(out={"low": GraphOut(), "high": GraphOut()})
    def inner():
        return {"low": return_one(), "high": return_two()}

    @job
    def j():
        inner()

    result = j.execute_in_process()

    assert result.output_for_node("inner", "low") == 1
    assert result.output_for_node("inner", "high") == 2


def test_events_for_a_graph_node_include_the_events_of_its_ops() -> None:
    @graph
    def inner():
        add_one(return_one())

    @job
    def j():
        inner()
        return_two()

    result = j.execute_in_process()

    keys = {e.step_key for e in result.events_for_node("inner")}
    assert keys == {"inner.return_one", "inner.add_one"}


# --------------------------------------------------------------------------
# Graph inputs


def test_graph_function_parameters_become_graph_inputs() -> None:
    @graph
    def g(a, b):
        add(a, b)

    assert [d.name for d in g.input_defs] == ["a", "b"]


def test_graph_in_gives_a_graph_input_its_description() -> None:
    @graph(ins={"x": GraphIn(description="the number to increment")})
    def g(x):
        add_one(x)

    assert g.input_defs[0].name == "x"
    assert g.input_defs[0].description == "the number to increment"


def test_graph_execute_in_process_feeds_graph_inputs_from_input_values() -> None:
    @graph
    def g(x):
        add_one(x)

    result = g.execute_in_process(input_values={"x": 10})

    assert result.output_for_node("add_one") == 11


class Custom:
    """A user class: its values cannot be written in run config."""


def test_graph_execute_in_process_input_values_feed_a_custom_type_input() -> None:
    value = Custom()

    @op
    def needs_custom(c: Custom):
        return c

    @graph
    def g(c):
        needs_custom(c)

    result = g.execute_in_process(input_values={"c": value})

    assert result.output_for_node("needs_custom") is value


def test_a_graph_input_can_feed_several_ops() -> None:
    @graph
    def g(x):
        add_one(x)
        add(x, x)

    result = g.execute_in_process(input_values={"x": 4})

    assert result.output_for_node("add_one") == 5
    assert result.output_for_node("add") == 8


def test_a_graph_input_can_be_part_of_a_fan_in_list() -> None:
    @op
    def total(xs):
        return sum(xs)

    @graph
    def g(x):
        total([x, return_one()])

    assert g.execute_in_process(input_values={"x": 5}).output_for_node("total") == 6


def test_to_job_input_values_feed_the_top_level_graph_inputs() -> None:
    @graph
    def g(x):
        add_one(x)

    j = g.to_job(input_values={"x": 1})

    assert j.execute_in_process().output_for_node("add_one") == 2


def test_job_input_values_can_be_overridden_per_call() -> None:
    @graph
    def g(x):
        add_one(x)

    j = g.to_job(input_values={"x": 1})

    assert j.execute_in_process(input_values={"x": 100}).output_for_node("add_one") == 101


def test_job_decorator_input_values_feed_the_job_body_parameters() -> None:
    @job(input_values={"x": 3})
    def j(x):
        add_one(x)

    assert j.execute_in_process().output_for_node("add_one") == 4


def test_input_values_are_type_checked_by_the_op_that_receives_them() -> None:
    from dagwright import TypeCheckError

    @op
    def typed(x: int) -> int:
        return x

    @graph
    def g(x):
        typed(x)

    with pytest.raises(TypeCheckError) as info:
        g.execute_in_process(input_values={"x": "not an int"})

    assert "'x'" in str(info.value)


# --------------------------------------------------------------------------
# Graph outputs


def test_returning_one_handle_gives_the_graph_an_output_named_result() -> None:
    @graph
    def g():
        return add_one(return_one())

    assert [d.name for d in g.output_defs] == ["result"]
    assert g.execute_in_process().output_value() == 2


def test_returning_nothing_gives_a_graph_without_outputs() -> None:
    @graph
    def g():
        add_one(return_one())

    assert g.output_defs == ()


def test_returning_a_dict_maps_each_key_to_a_declared_graph_output() -> None:
    @graph(out={"one": GraphOut(), "two": GraphOut()})
    def g():
        return {"one": return_one(), "two": return_two()}

    result = g.execute_in_process()

    assert sorted(d.name for d in g.output_defs) == ["one", "two"]
    assert result.output_value("one") == 1
    assert result.output_value("two") == 2


def test_returning_a_dict_without_out_names_the_outputs_after_its_keys() -> None:
    @graph
    def g():
        return {"one": return_one(), "two": return_two()}

    result = g.execute_in_process()

    assert sorted(d.name for d in g.output_defs) == ["one", "two"]
    assert result.output_value("two") == 2


def test_graph_out_description_is_kept_on_the_output() -> None:
    @graph(out={"total": GraphOut(description="the sum")})
    def g():
        return {"total": add(return_one(), return_two())}

    assert g.output_defs[0].description == "the sum"


def test_returning_a_tuple_maps_positionally_onto_out() -> None:
    @graph(out={"first": GraphOut(), "second": GraphOut()})
    def g():
        return return_one(), return_two()

    result = g.execute_in_process()

    assert result.output_value("first") == 1
    assert result.output_value("second") == 2


def test_a_single_graph_out_names_the_result_output() -> None:
    @graph(out=GraphOut(description="incremented"))
    def g():
        return add_one(return_one())

    assert [(d.name, d.description) for d in g.output_defs] == [("result", "incremented")]


def test_output_value_of_a_job_made_from_a_graph_with_an_output() -> None:
    @graph
    def g():
        return add_one(return_two())

    assert g.to_job().execute_in_process().output_value() == 3


def test_graph_output_type_comes_from_the_op_output_it_maps() -> None:
    @op
    def typed() -> int:
        return 1

    @graph
    def g():
        return typed()

    assert g.output_defs[0].dagster_type.name == "int"


# --------------------------------------------------------------------------
# Multi-output ops


@op(out={"low": Out(), "high": Out()})
def split():
    return 1, 10


def test_a_multi_output_op_call_unpacks_into_one_handle_per_output() -> None:
    @graph
    def g():
        low, high = split()
        add(low, high)

    assert g.execute_in_process().output_for_node("add") == 11


def test_a_multi_output_op_call_exposes_outputs_by_name() -> None:
    @graph
    def g():
        outs = split()
        add_one.alias("inc_low")(outs.low)
        add_one.alias("inc_high")(outs.high)

    result = g.execute_in_process()

    assert result.output_for_node("inc_low") == 2
    assert result.output_for_node("inc_high") == 11


def test_a_multi_output_op_call_returns_a_namedtuple_in_output_order() -> None:
    seen = []

    @graph
    def g():
        outs = split()
        seen.append(outs)
        add(*outs)

    assert seen[0]._fields == ("low", "high")
    assert seen[0][0] is seen[0].low


def test_a_multi_output_namedtuple_maps_onto_graph_outputs() -> None:
    @graph(out={"a": GraphOut(), "b": GraphOut()})
    def g():
        return split()

    result = g.execute_in_process()

    assert result.output_value("a") == 1
    assert result.output_value("b") == 10


def test_an_op_with_no_outputs_returns_none_in_a_body() -> None:
    seen = []

    @op(out={})
    def sink():
        pass

    @graph
    def g():
        seen.append(sink())

    assert seen == [None]


# --------------------------------------------------------------------------
# Aliases, tags, hooks, retry policies


def test_alias_names_the_node_and_its_step() -> None:
    @graph
    def g():
        add_one.alias("increment")(return_one())

    result = g.execute_in_process()

    assert g.node_names() == ["return_one", "increment"]
    assert g.node_named("increment").definition is add_one
    assert result.output_for_node("increment") == 2


def test_an_aliased_op_sees_its_alias_as_context_op_name() -> None:
    names = []

    @op
    def who(context):
        names.append((context.op.name, context.op_def.name))

    @graph
    def g():
        who.alias("me")()

    g.execute_in_process()

    assert names == [("me", "who")]


def test_one_op_can_be_used_twice_under_two_aliases() -> None:
    @graph
    def g():
        one = return_one()
        first = add_one.alias("first")(one)
        add_one.alias("second")(first)

    result = g.execute_in_process()

    assert result.output_for_node("first") == 2
    assert result.output_for_node("second") == 3


def test_tag_sets_tags_on_the_node() -> None:
    @graph
    def g():
        return_one.tag({"team": "data"})()

    assert g.node_named("return_one").tags["team"] == "data"


def test_node_tags_are_merged_over_the_op_definition_tags() -> None:
    @op(tags={"team": "core", "kind": "io"})
    def tagged():
        return 1

    @graph
    def g():
        tagged.tag({"team": "data"})()

    assert dict(g.node_named("tagged").tags) == {"team": "data", "kind": "io"}


def test_with_hooks_attaches_hooks_to_the_node() -> None:
    @success_hook
    def note(_context):
        pass

    @graph
    def g():
        return_one.with_hooks({note})()

    assert g.node_named("return_one").hook_defs == {note}


def test_a_node_hook_runs_only_for_that_node() -> None:
    fired: list[str | None] = []

    @success_hook
    def note(context):
        fired.append(context.step_key)

    @graph
    def g():
        add_one.with_hooks({note})(return_one())

    g.execute_in_process()

    assert fired == ["add_one"]


def test_with_retry_policy_sets_the_node_retry_policy() -> None:
    policy = RetryPolicy(max_retries=3)

    @graph
    def g():
        return_one.with_retry_policy(policy)()

    assert g.node_named("return_one").retry_policy == policy


def test_a_node_retry_policy_retries_the_step() -> None:
    attempts: list[int] = []

    @op
    def flaky(context):
        attempts.append(context.retry_number)
        if len(attempts) < 2:
            raise ValueError("first try fails")
        return 1

    @graph
    def g():
        flaky.with_retry_policy(RetryPolicy(max_retries=2))()

    result = g.execute_in_process()

    assert result.success
    assert attempts == [0, 1]
    assert result.retry_attempts_for_node("flaky") == 1


def test_alias_tag_hooks_and_retry_policy_chain() -> None:
    @success_hook
    def note(_context):
        pass

    policy = RetryPolicy(max_retries=1)

    @graph
    def g():
        add_one.alias("inc").tag({"a": "1"}).with_hooks({note}).with_retry_policy(policy)(
            return_one()
        )

    node = g.node_named("inc")
    assert node.definition is add_one
    assert node.tags["a"] == "1"
    assert node.hook_defs == {note}
    assert node.retry_policy == policy


def test_chained_aliases_keep_the_last_one() -> None:
    @graph
    def g():
        return_one.alias("x").alias("y")()

    assert g.node_names() == ["y"]


def test_chained_tags_merge() -> None:
    @graph
    def g():
        return_one.tag({"a": "1"}).tag({"b": "2"})()

    tags = g.node_named("return_one").tags
    assert tags["a"] == "1"
    assert tags["b"] == "2"


def test_aliases_apply_to_graphs_as_well() -> None:
    @graph
    def inner():
        return add_one(return_one())

    @graph
    def outer():
        inner.alias("first")()
        inner.alias("second")()

    result = outer.execute_in_process()

    assert sorted(outer.node_names()) == ["first", "second"]
    assert result.output_for_node("first.add_one") == 2
    assert result.output_for_node("second") == 2


# --------------------------------------------------------------------------
# Auto-aliasing


def test_calling_the_same_op_again_auto_aliases_name_2_and_name_3() -> None:
    @graph
    def g():
        one = return_one()
        add_one(add_one(add_one(one)))

    result = g.execute_in_process()

    assert sorted(g.node_names()) == ["add_one", "add_one_2", "add_one_3", "return_one"]
    assert result.output_for_node("add_one") == 2
    assert result.output_for_node("add_one_2") == 3
    assert result.output_for_node("add_one_3") == 4


def test_auto_aliasing_skips_a_name_taken_by_an_explicit_alias() -> None:
    @graph
    def g():
        return_one.alias("return_one_2")()
        return_one()
        return_one()

    assert sorted(g.node_names()) == ["return_one", "return_one_2", "return_one_3"]


def test_auto_aliased_nodes_keep_the_definition() -> None:
    @graph
    def g():
        return_one()
        return_one()

    assert g.node_named("return_one_2").definition is return_one


def test_calling_the_same_graph_twice_auto_aliases_it() -> None:
    @graph
    def inner():
        return_one()

    @graph
    def outer():
        inner()
        inner()

    result = outer.execute_in_process()

    assert sorted(outer.node_names()) == ["inner", "inner_2"]
    assert result.output_for_node("inner_2.return_one") == 1


# --------------------------------------------------------------------------
# Fan-in and Nothing dependencies


def test_a_list_of_handles_fans_in_as_a_list_in_order() -> None:
    @op
    def collect(xs):
        return xs

    @graph
    def g():
        collect([return_two(), return_one(), add_one(return_two())])

    assert g.execute_in_process().output_for_node("collect") == [2, 1, 3]


def test_a_fan_in_list_may_hold_the_same_handle_twice() -> None:
    @op
    def collect(xs):
        return xs

    @graph
    def g():
        one = return_one()
        collect([one, one])

    assert g.execute_in_process().output_for_node("collect") == [1, 1]


def test_a_nothing_input_orders_steps_without_passing_a_value() -> None:
    @op
    def z_first():
        return "ignored"

    @op(ins={"start": In(Nothing)})
    def a_last():
        return "done"

    @graph
    def g():
        a_last(start=z_first())

    result = g.execute_in_process()

    assert [e.step_key for e in result.get_step_success_events()] == ["z_first", "a_last"]
    assert result.output_for_node("a_last") == "done"


def test_without_a_dependency_steps_of_one_level_run_alphabetically() -> None:
    @op
    def z_first():
        return 1

    @op
    def a_last():
        return 2

    @graph
    def g():
        z_first()
        a_last()

    result = g.execute_in_process()

    assert [e.step_key for e in result.get_step_success_events()] == ["a_last", "z_first"]


def test_a_nothing_input_can_be_wired_positionally() -> None:
    @op
    def z_first():
        return 1

    @op(ins={"start": In(Nothing)})
    def a_last():
        return 2

    @graph
    def g():
        a_last(z_first())

    result = g.execute_in_process()

    assert [e.step_key for e in result.get_step_success_events()] == ["z_first", "a_last"]


def test_a_nothing_input_takes_a_fan_in_list_and_waits_for_all() -> None:
    @op
    def z_one():
        return 1

    @op
    def z_two():
        return 2

    @op(ins={"after": In(Nothing)})
    def a_last():
        return 3

    @graph
    def g():
        a_last(after=[z_one(), z_two()])

    result = g.execute_in_process()

    assert [e.step_key for e in result.get_step_success_events()] == ["z_one", "z_two", "a_last"]


def test_an_unconnected_nothing_input_lets_the_op_run() -> None:
    @op(ins={"start": In(Nothing)})
    def free():
        return 1

    @graph
    def g():
        free()

    assert g.execute_in_process().output_for_node("free") == 1


def test_a_nothing_output_feeds_a_nothing_input() -> None:
    @op(out=Out(Nothing))
    def z_prepare():
        pass

    @op(ins={"ready": In(Nothing)})
    def a_use():
        return "used"

    @graph
    def g():
        a_use(z_prepare())

    result = g.execute_in_process()

    assert [e.step_key for e in result.get_step_success_events()] == ["z_prepare", "a_use"]


# --------------------------------------------------------------------------
# graph.to_job(...)


def test_to_job_defaults_the_job_name_to_the_graph_name_and_keeps_the_graph() -> None:
    @graph
    def g():
        return_one()

    j = g.to_job()

    assert j.name == "g"
    assert j.graph is g


def test_to_job_name_names_the_job_and_its_runs() -> None:
    @graph
    def g():
        return_one()

    result = g.to_job(name="prod_g").execute_in_process()

    assert result.job_def.name == "prod_g"
    assert result.dagster_run.job_name == "prod_g"


def test_one_graph_makes_several_jobs() -> None:
    @op(required_resource_keys={"number"})
    def read(context):
        return context.resources.number

    @graph
    def g():
        read()

    ten = g.to_job(name="ten", resource_defs={"number": ResourceDefinition.hardcoded_resource(10)})
    two = g.to_job(name="two", resource_defs={"number": ResourceDefinition.hardcoded_resource(2)})

    assert ten.execute_in_process().output_for_node("read") == 10
    assert two.execute_in_process().output_for_node("read") == 2


def test_to_job_resource_defs_are_given_to_ops() -> None:
    @op(required_resource_keys={"greeting"})
    def greet(context):
        return context.resources.greeting + "!"

    @graph
    def g():
        greet()

    j = g.to_job(resource_defs={"greeting": ResourceDefinition.hardcoded_resource("hi")})

    assert "greeting" in j.resource_defs
    assert j.execute_in_process().output_for_node("greet") == "hi!"


def test_to_job_config_is_the_default_run_config() -> None:
    @op(config_schema={"n": int})
    def configured(context):
        return context.op_config["n"]

    @graph
    def g():
        configured()

    j = g.to_job(config={"ops": {"configured": {"config": {"n": 7}}}})

    assert j.execute_in_process().output_for_node("configured") == 7


def test_to_job_tags_are_stored_as_strings_on_job_and_runs() -> None:
    @graph
    def g():
        return_one()

    j = g.to_job(tags={"team": "data", "n": 1})
    result = j.execute_in_process()

    assert dict(j.tags) == {"team": "data", "n": "1"}
    assert result.dagster_run.tags["team"] == "data"
    assert result.dagster_run.tags["n"] == "1"


def test_to_job_metadata_is_kept_on_the_job_as_metadata_values() -> None:
    @graph
    def g():
        return_one()

    j = g.to_job(metadata={"owner": "data-team"})

    assert j.metadata["owner"] == MetadataValue.text("data-team")


def test_to_job_hooks_run_for_every_op() -> None:
    fired: list[str | None] = []

    @success_hook
    def note(context):
        fired.append(context.step_key)

    @graph
    def g():
        add_one(return_one())

    g.to_job(hooks={note}).execute_in_process()

    assert sorted(fired) == ["add_one", "return_one"]


def test_to_job_executor_def_is_kept_on_the_job() -> None:
    @graph
    def g():
        return_one()

    j = g.to_job(executor_def=in_process_executor)

    assert j.executor_def is in_process_executor
    assert j.execute_in_process().success


def test_to_job_logger_defs_receive_op_log_lines() -> None:
    records: list[str] = []

    class ListHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    @logger
    def to_list(_init_context):
        log = logging.getLogger("dagwright_test_graph_to_list")
        log.setLevel(logging.DEBUG)
        log.handlers = [ListHandler()]
        log.propagate = False
        return log

    @op
    def chatty(context):
        context.log.info("hello from chatty")

    @graph
    def g():
        chatty()

    j = g.to_job(logger_defs={"to_list": to_list})
    j.execute_in_process()

    assert "to_list" in j.logger_defs
    assert any("hello from chatty" in line for line in records)


def test_to_job_op_retry_policy_is_kept_on_the_job() -> None:
    @graph
    def g():
        return_one()

    j = g.to_job(op_retry_policy=RetryPolicy(max_retries=2))

    assert j.op_retry_policy == RetryPolicy(max_retries=2)


def test_to_job_op_retry_policy_retries_failing_ops() -> None:
    attempts: list[int] = []

    @op
    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise ValueError("not yet")
        return 1

    @graph
    def g():
        flaky()

    result = g.to_job(op_retry_policy=RetryPolicy(max_retries=2)).execute_in_process()

    assert result.success
    assert result.retry_attempts_for_node("flaky") == 2


def test_a_node_retry_policy_wins_over_the_job_op_retry_policy() -> None:
    attempts: list[int] = []

    @op
    def flaky():
        attempts.append(1)
        raise ValueError("always")

    @graph
    def g():
        flaky.with_retry_policy(RetryPolicy(max_retries=1))()

    result = g.to_job(op_retry_policy=RetryPolicy(max_retries=3)).execute_in_process(
        raise_on_error=False
    )

    assert not result.success
    assert len(attempts) == 2


def test_to_job_partitions_def_makes_a_partitioned_job() -> None:
    seen: list[str] = []

    @op
    def part(context):
        seen.append(context.partition_key)

    @graph
    def g():
        part()

    partitions = StaticPartitionsDefinition(["a", "b"])
    j = g.to_job(partitions_def=partitions)
    result = j.execute_in_process(partition_key="b")

    assert j.partitions_def is partitions
    assert seen == ["b"]
    assert result.dagster_run.tags["dagwright/partition"] == "b"


def test_to_job_description_defaults_to_the_graph_description() -> None:
    @graph
    def g():
        """Graph docs."""
        return_one()

    assert g.to_job().description == "Graph docs."
    assert g.to_job(description="Job docs.").description == "Job docs."


def test_graph_execute_in_process_runs_as_a_job_named_after_the_graph() -> None:
    @graph
    def my_graph():
        return_one()

    result = my_graph.execute_in_process()

    assert result.dagster_run.job_name == "my_graph"


def test_graph_execute_in_process_accepts_resources() -> None:
    @op(required_resource_keys={"n"})
    def read(context):
        return context.resources.n

    @graph
    def g():
        read()

    result = g.execute_in_process(resources={"n": ResourceDefinition.hardcoded_resource(5)})

    assert result.output_for_node("read") == 5


# --------------------------------------------------------------------------
# Dynamic outputs inside graphs (composition side)


def test_a_mapped_graph_runs_once_per_dynamic_value() -> None:
    @op(out=DynamicOut())
    def fan():
        for i in range(3):
            yield DynamicOutput(i, mapping_key=f"k{i}")

    @graph
    def per_item(x):
        return add_one(x)

    @op
    def total(xs):
        return sum(xs)

    @graph
    def g():
        total(fan().map(per_item).collect())

    assert g.execute_in_process().output_for_node("total") == 6
