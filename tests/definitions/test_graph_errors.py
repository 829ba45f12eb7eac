"""Definition-time checks of graphs and jobs: each names what is wrong and how to fix it."""

from __future__ import annotations

import re

import pytest

from dagwright import (
    DependencyDefinition,
    DynamicOut,
    DynamicOutput,
    GraphDefinition,
    GraphOut,
    InvalidDefinitionError,
    InvalidInvocationError,
    NodeInvocation,
    Out,
    graph,
    job,
    op,
)
from dagwright.errors import (
    DependencyCycleError,
    DuplicateNodeError,
    InvalidNameError,
    UnknownInputError,
    UnsatisfiedInputError,
)


@op
def one():
    return 1


@op
def inc(x):
    return x + 1


@op
def add(x, y):
    return x + y


@op(out={"a": Out(), "b": Out()})
def two():
    return 1, 2


@op(out=DynamicOut())
def fan():
    yield DynamicOutput(1, mapping_key="k")


@op(out=DynamicOut())
def fan_b():
    yield DynamicOutput(2, mapping_key="k")


class Custom:
    """A user class: its values cannot be written in run config."""


@op
def needs_custom(c: Custom):
    return c


def suggests_fix(message: str) -> bool:
    """dagwright error messages end with a '  Fix: ...' line."""
    return "Fix:" in message


# --------------------------------------------------------------------------
# Unknown inputs


def test_unknown_input_in_a_dependency_dict_names_graph_node_and_input() -> None:
    with pytest.raises(UnknownInputError) as info:
        GraphDefinition(
            "g",
            node_defs=[one, inc],
            dependencies={"inc": {"y": DependencyDefinition("one")}},
        )

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'inc'" in message
    assert "'y'" in message
    assert "'x'" in message  # the inputs it does have
    assert suggests_fix(message)


def test_unknown_input_in_a_dependency_dict_suggests_the_close_name() -> None:
    @op
    def f(number):
        return number

    with pytest.raises(UnknownInputError, match="Did you mean 'number'"):
        GraphDefinition(
            "g",
            node_defs=[one, f],
            dependencies={"f": {"numbr": DependencyDefinition("one")}},
        )


def test_unknown_keyword_argument_in_a_body_names_graph_node_and_input() -> None:
    with pytest.raises(UnknownInputError) as info:

        @graph
        def g():
            inc(z=one())

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'inc'" in message
    assert "'z'" in message
    assert "'x'" in message
    assert suggests_fix(message)


def test_unknown_keyword_argument_in_a_body_suggests_the_close_name() -> None:
    @op
    def f(number):
        return number

    with pytest.raises(UnknownInputError, match="Did you mean 'number'"):

        @graph
        def g():
            f(numbr=one())


def test_unknown_keyword_argument_to_a_nested_graph_is_an_unknown_input() -> None:
    @graph
    def inner(x):
        inc(x)

    with pytest.raises(UnknownInputError) as info:

        @graph
        def outer():
            inner(y=one())

    message = str(info.value)
    assert "graph 'outer'" in message
    assert "'inner'" in message
    assert "'y'" in message


def test_unknown_input_error_is_an_invalid_definition_error() -> None:
    with pytest.raises(InvalidDefinitionError):

        @job
        def j():
            inc(nope=one())


def test_an_input_given_by_position_and_by_name_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            inc(one(), x=one())

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'x'" in message
    assert "'inc'" in message
    assert suggests_fix(message)


# --------------------------------------------------------------------------
# Inputs with no source


def test_job_input_of_a_custom_type_with_no_source_is_unsatisfied() -> None:
    with pytest.raises(UnsatisfiedInputError) as info:

        @job
        def j():
            needs_custom()

    message = str(info.value)
    assert "job 'j'" in message
    assert "'needs_custom'" in message
    assert "'c'" in message
    assert "Custom" in message
    assert suggests_fix(message)
    assert "default_value" in message


def test_to_job_checks_for_unsatisfied_inputs() -> None:
    @graph
    def g():
        needs_custom()

    with pytest.raises(UnsatisfiedInputError, match="needs_custom"):
        g.to_job()


def test_unsatisfied_input_inside_a_nested_graph_names_the_nested_op() -> None:
    @graph
    def inner():
        needs_custom()

    with pytest.raises(UnsatisfiedInputError) as info:

        @job
        def j():
            inner()

    assert "inner.needs_custom" in str(info.value)


def test_unsatisfied_input_error_is_an_invalid_definition_error() -> None:
    assert issubclass(UnsatisfiedInputError, InvalidDefinitionError)


def test_a_custom_type_input_with_a_default_is_satisfied() -> None:
    from dagwright import In

    default = Custom()

    @op(ins={"c": In(default_value=default)})
    def with_default(c: Custom):
        return c

    @job
    def j():
        with_default()

    assert j.execute_in_process().output_for_node("with_default") is default


def test_a_custom_type_graph_input_given_by_input_values_is_satisfied() -> None:
    value = Custom()

    @graph
    def g(c):
        needs_custom(c)

    job_def = g.to_job(input_values={"c": value})

    assert job_def.execute_in_process().output_for_node("needs_custom") is value


def test_an_unconnected_config_writable_input_builds_and_needs_run_config() -> None:
    from dagwright import RunConfigError

    @job
    def j():
        inc()

    with pytest.raises(RunConfigError) as info:
        j.execute_in_process()

    assert "ops.inc.inputs.x" in str(info.value)


# --------------------------------------------------------------------------
# Cycles


def test_a_cycle_in_the_explicit_api_names_the_cycle() -> None:
    with pytest.raises(DependencyCycleError) as info:
        GraphDefinition(
            "loop",
            node_defs=[one, inc],
            dependencies={
                NodeInvocation("inc", alias="a"): {"x": DependencyDefinition("b")},
                NodeInvocation("inc", alias="b"): {"x": DependencyDefinition("a")},
            },
        )

    message = str(info.value)
    assert "graph 'loop'" in message
    assert re.search(r"\ba -> b -> a\b|\bb -> a -> b\b", message)
    assert suggests_fix(message)


def test_a_cycle_names_only_the_nodes_in_the_cycle() -> None:
    with pytest.raises(DependencyCycleError) as info:
        GraphDefinition(
            "loop",
            node_defs=[one, add, inc],
            dependencies={
                NodeInvocation("add", alias="a"): {
                    "x": DependencyDefinition("one"),
                    "y": DependencyDefinition("b"),
                },
                NodeInvocation("inc", alias="b"): {"x": DependencyDefinition("a")},
                NodeInvocation("inc", alias="after"): {"x": DependencyDefinition("b")},
            },
        )

    cycle_text = str(info.value).split("cycle:")[1].split("\n")[0]
    assert set(info.value.cycle) == {"a", "b"}
    assert "one" not in cycle_text
    assert "after" not in cycle_text


def test_a_node_depending_on_itself_is_a_cycle() -> None:
    with pytest.raises(DependencyCycleError, match=r"a -> a"):
        GraphDefinition(
            "loop",
            node_defs=[inc],
            dependencies={NodeInvocation("inc", alias="a"): {"x": DependencyDefinition("a")}},
        )


def test_dependency_cycle_error_is_an_invalid_definition_error() -> None:
    assert issubclass(DependencyCycleError, InvalidDefinitionError)


# --------------------------------------------------------------------------
# Node names


def test_reusing_an_explicit_alias_is_a_duplicate_node() -> None:
    with pytest.raises(DuplicateNodeError) as info:

        @graph
        def g():
            inc.alias("z")(one())
            inc.alias("z")(one())

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'z'" in message
    assert ".alias(" in message


def test_an_alias_equal_to_another_node_name_is_a_duplicate_node() -> None:
    with pytest.raises(DuplicateNodeError) as info:

        @graph
        def g():
            first = one()
            inc.alias("one")(first)

    assert "'one'" in str(info.value)
    assert ".alias(" in str(info.value)


def test_duplicate_node_names_in_the_explicit_api_are_rejected() -> None:
    with pytest.raises(DuplicateNodeError) as info:
        GraphDefinition(
            "g",
            node_defs=[one, inc],
            dependencies={
                NodeInvocation("inc", alias="one"): {"x": DependencyDefinition("one")},
            },
        )

    assert "graph 'g'" in str(info.value)
    assert suggests_fix(str(info.value))


def test_duplicate_node_error_is_an_invalid_definition_error() -> None:
    with pytest.raises(InvalidDefinitionError):

        @job
        def j():
            one.alias("same")()
            one.alias("same")()


def test_two_different_definitions_with_one_name_are_rejected() -> None:
    @op(name="one")
    def impostor():
        return 2

    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            one()
            impostor()

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'one'" in message
    assert suggests_fix(message)


def test_two_different_definitions_with_one_name_are_rejected_even_when_aliased() -> None:
    @op(name="one")
    def impostor():
        return 2

    with pytest.raises(InvalidDefinitionError, match="'one'"):

        @graph
        def g():
            one()
            impostor.alias("other")()


def test_two_different_definitions_with_one_name_in_node_defs_are_rejected() -> None:
    @op(name="one")
    def impostor():
        return 2

    with pytest.raises(InvalidDefinitionError) as info:
        GraphDefinition("g", node_defs=[one, impostor])

    assert "'one'" in str(info.value)
    assert suggests_fix(str(info.value))


# --------------------------------------------------------------------------
# Arguments of a call in a body


def test_too_many_positional_arguments_name_the_op_and_its_inputs() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            inc(one(), one())

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'inc'" in message
    assert "2 positional" in message
    assert "x" in message
    assert suggests_fix(message)


def test_a_multi_output_namedtuple_passed_as_one_input_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            inc(two())

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'x'" in message
    assert "'inc'" in message
    assert "a, b" in message  # the outputs to choose from
    assert suggests_fix(message)


def test_a_plain_value_passed_as_an_input_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            inc(5)

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'x'" in message
    assert "'inc'" in message
    assert "int" in message
    assert suggests_fix(message)
    assert "default_value" in message


def test_a_plain_function_result_passed_as_an_input_is_rejected() -> None:
    def not_an_op():
        return 3

    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            inc(not_an_op())

    message = str(info.value)
    assert "'x'" in message
    assert "'inc'" in message
    assert suggests_fix(message)


def test_an_op_definition_passed_as_an_input_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="'x' of 'inc'"):

        @graph
        def g():
            inc(one)


def test_a_plain_value_inside_a_fan_in_list_is_rejected() -> None:
    @op
    def total(xs):
        return sum(xs)

    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            total([one(), 5])

    message = str(info.value)
    assert "'xs'" in message
    assert "'total'" in message
    assert suggests_fix(message)


def test_an_empty_fan_in_list_is_rejected() -> None:
    @op
    def total(xs):
        return sum(xs)

    with pytest.raises(InvalidDefinitionError, match="'xs'"):

        @graph
        def g():
            total([])


def test_a_handle_from_another_graph_body_is_rejected() -> None:
    handles = []

    @graph
    def first():
        handles.append(one())

    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def second():
            inc(handles[0])

    message = str(info.value)
    assert "graph 'second'" in message
    assert "'first'" in message
    assert "'x'" in message
    assert suggests_fix(message)


def test_unpacking_a_single_output_handle_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            low, high = one()
            add(low, high)

    message = str(info.value)
    assert "'one'" in message
    assert suggests_fix(message)


# --------------------------------------------------------------------------
# Dynamic outputs in a body


def test_a_dynamic_output_passed_without_map_or_collect_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            inc(fan())

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'x'" in message
    assert "'fan'" in message
    assert ".map(" in message
    assert ".collect()" in message


def test_a_dynamic_output_inside_a_fan_in_list_is_rejected() -> None:
    @op
    def total(xs):
        return sum(xs)

    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            total([one(), fan()])

    assert "'xs'" in str(info.value)
    assert ".collect()" in str(info.value)


def test_map_on_a_non_dynamic_output_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            one().map(inc)

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'one'" in message
    assert "DynamicOut" in message


def test_collect_on_a_non_dynamic_output_is_rejected() -> None:
    @op
    def total(xs):
        return sum(xs)

    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            total(one().collect())

    assert "'one'" in str(info.value)
    assert suggests_fix(str(info.value))


def test_depending_on_two_dynamic_outputs_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            fan().map(lambda x: fan_b().map(lambda y: add(x, y)))

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'add'" in message
    assert "fan" in message
    assert "fan_b" in message
    assert suggests_fix(message)


def test_mapped_results_passed_without_collect_are_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            inc(fan().map(inc))

    message = str(info.value)
    assert "'x'" in message
    assert ".collect()" in message


def test_a_mapped_value_used_outside_its_map_is_rejected() -> None:
    escaped = []

    def keep(x):
        escaped.append(inc(x))
        return escaped[-1]

    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            fan().map(keep)
            inc(escaped[0])

    message = str(info.value)
    assert "graph 'g'" in message
    assert ".map" in message
    assert suggests_fix(message)


# --------------------------------------------------------------------------
# Return values of bodies


def test_a_job_body_returning_a_value_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @job
        def j():
            return inc(one())

    message = str(info.value)
    assert "job 'j'" in message
    assert suggests_fix(message)
    assert "@graph" in message


def test_a_graph_returning_a_literal_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            one()
            return 5

    message = str(info.value)
    assert "graph 'g'" in message
    assert "int" in message
    assert suggests_fix(message)


def test_a_dict_return_with_an_undeclared_key_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph(out={"p": GraphOut()})
        def g():
            return {"q": one()}

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'q'" in message
    assert "p" in message
    assert suggests_fix(message)


def test_a_dict_return_with_a_misspelled_key_suggests_the_declared_one() -> None:
    with pytest.raises(InvalidDefinitionError, match="Did you mean 'total'"):

        @graph(out={"total": GraphOut()})
        def g():
            return {"totl": one()}


def test_a_dict_return_missing_a_declared_output_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph(out={"p": GraphOut(), "q": GraphOut()})
        def g():
            return {"p": one()}

    message = str(info.value)
    assert "graph 'g'" in message
    assert "'q'" in message


def test_a_tuple_return_of_the_wrong_length_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph(out={"a": GraphOut(), "b": GraphOut()})
        def g():
            return one(), one(), one()

    message = str(info.value)
    assert "graph 'g'" in message
    assert "3" in message
    assert "2" in message
    assert suggests_fix(message)


def test_declared_outputs_with_an_empty_return_are_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph(out={"a": GraphOut()})
        def g():
            one()

    assert "graph 'g'" in str(info.value)
    assert suggests_fix(str(info.value))


def test_returning_mapped_results_from_a_graph_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @graph
        def g():
            return fan().map(inc)

    assert "graph 'g'" in str(info.value)
    assert ".collect()" in str(info.value)


def test_graph_in_for_a_missing_parameter_is_rejected() -> None:
    from dagwright import GraphIn

    with pytest.raises(InvalidDefinitionError) as info:

        @graph(ins={"nope": GraphIn()})
        def g(x):
            inc(x)

    assert "'nope'" in str(info.value)
    assert suggests_fix(str(info.value))


# --------------------------------------------------------------------------
# Names


def test_an_invalid_graph_name_is_rejected_with_a_sanitized_suggestion() -> None:
    with pytest.raises(InvalidNameError) as info:

        @graph(name="bad-name")
        def g():
            one()

    message = str(info.value)
    assert "'bad-name'" in message
    assert "'bad_name'" in message


def test_an_invalid_job_name_is_rejected() -> None:
    with pytest.raises(InvalidNameError, match="'my job'"):

        @job(name="my job")
        def j():
            one()


def test_an_invalid_to_job_name_is_rejected() -> None:
    @graph
    def g():
        one()

    with pytest.raises(InvalidNameError, match=r"'prod\.g'"):
        g.to_job(name="prod.g")


def test_an_invalid_alias_is_rejected() -> None:
    with pytest.raises(InvalidNameError) as info:

        @graph
        def g():
            one.alias("a b")()

    assert "'a b'" in str(info.value)
    assert "'a_b'" in str(info.value)


def test_an_invalid_graph_output_name_is_rejected() -> None:
    with pytest.raises(InvalidNameError, match="'bad-out'"):

        @graph
        def g():
            return {"bad-out": one()}


def test_an_invalid_graph_definition_name_is_rejected() -> None:
    with pytest.raises(InvalidNameError, match=r"'a\.b'"):
        GraphDefinition("a.b", node_defs=[one])


def test_an_invalid_node_invocation_alias_is_rejected() -> None:
    with pytest.raises(InvalidNameError, match="'x-y'"):
        GraphDefinition("g", node_defs=[one], dependencies={NodeInvocation("one", alias="x-y"): {}})


def test_invalid_name_error_is_an_invalid_definition_error() -> None:
    assert issubclass(InvalidNameError, InvalidDefinitionError)


# --------------------------------------------------------------------------
# Calling graphs and jobs


def test_calling_a_graph_outside_a_body_is_rejected() -> None:
    @graph
    def g():
        one()

    with pytest.raises(InvalidDefinitionError) as info:
        g()

    message = str(info.value)
    assert "graph 'g'" in message
    assert "execute_in_process" in message


def test_calling_a_job_is_rejected() -> None:
    @job
    def j():
        one()

    with pytest.raises(InvalidInvocationError) as info:
        j()

    message = str(info.value)
    assert "job 'j'" in message
    assert "execute_in_process" in message


def test_calling_a_job_inside_a_graph_body_is_rejected() -> None:
    @job
    def j():
        one()

    with pytest.raises(InvalidInvocationError, match="job 'j'"):

        @graph
        def g():
            j()


def test_definition_errors_leave_no_recording_behind() -> None:
    with pytest.raises(InvalidDefinitionError):

        @graph
        def broken():
            inc(5)

    @graph
    def fine():
        inc(one())

    assert fine.node_names() == ["one", "inc"]


def test_a_fan_in_list_holding_a_graph_input_that_is_itself_a_list_is_rejected() -> None:
    @op
    def one():
        return 1

    @op
    def show(values):
        return values

    @graph
    def pair(a, b):
        return show([a, b])

    with pytest.raises(InvalidDefinitionError, match="lists cannot be nested"):

        @job
        def nested_lists():
            pair([one(), one.alias("one_again")()], one.alias("three")())
