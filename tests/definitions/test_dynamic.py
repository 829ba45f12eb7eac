"""Dynamic fan-out: DynamicOut / DynamicOutput with .map(...) and .collect()."""

from __future__ import annotations

import pytest

from dagwright import (
    DynamicOut,
    DynamicOutput,
    InvalidDefinitionError,
    Out,
    Output,
    graph,
    job,
    op,
)
from dagwright.errors import InvalidNameError

KEYS = ["z", "a", "m"]  # deliberately not alphabetical: order must follow the yields


@op(out=DynamicOut())
def fan():
    for key in KEYS:
        yield DynamicOutput(key.upper(), mapping_key=key)


@op(out=DynamicOut())
def fan_numbers():
    for i in range(3):
        yield DynamicOutput(i, mapping_key=f"n{i}")


@op(out=DynamicOut())
def fan_nothing():
    return []


@op
def lower(x):
    return x.lower()


@op
def double(x):
    return x * 2


@op
def listed(xs):
    return xs


@op
def ten():
    return 10


@op
def add(x, y):
    return x + y


def step_keys(result) -> list[str]:
    return [e.step_key for e in result.get_step_success_events()]


# --------------------------------------------------------------------------
# .map


def test_map_runs_an_op_once_per_dynamic_value() -> None:
    @job
    def j():
        fan().map(lower)

    result = j.execute_in_process()

    assert result.success
    assert result.output_for_node("lower") == {"z": "z", "a": "a", "m": "m"}


def test_mapped_steps_are_keyed_op_bracket_mapping_key() -> None:
    @job
    def j():
        fan().map(lower)

    result = j.execute_in_process()

    assert step_keys(result) == ["fan", "lower[z]", "lower[a]", "lower[m]"]


def test_mapped_step_events_carry_the_op_node_handle() -> None:
    @job
    def j():
        fan().map(lower)

    result = j.execute_in_process()

    starts = [e for e in result.events_for_node("lower") if e.is_step_start]
    assert [e.step_key for e in starts] == ["lower[z]", "lower[a]", "lower[m]"]
    assert {e.node_handle for e in starts} == {"lower"}


def test_a_mapped_op_sees_its_mapping_key() -> None:
    seen: list[str | None] = []

    @op
    def which(context, x):
        seen.append(context.get_mapping_key())
        return x

    @job
    def j():
        fan().map(which)

    j.execute_in_process()

    assert seen == KEYS


def test_map_with_a_lambda_calling_two_ops_maps_both() -> None:
    @job
    def j():
        fan().map(lambda x: double(lower(x)))

    result = j.execute_in_process()

    assert result.output_for_node("lower") == {"z": "z", "a": "a", "m": "m"}
    assert result.output_for_node("double") == {"z": "zz", "a": "aa", "m": "mm"}
    assert step_keys(result) == [
        "fan",
        "lower[z]",
        "lower[a]",
        "lower[m]",
        "double[z]",
        "double[a]",
        "double[m]",
    ]


def test_a_mapped_op_can_also_take_a_non_dynamic_input() -> None:
    @job
    def j():
        base = ten()
        fan_numbers().map(lambda x: add(x, base))

    result = j.execute_in_process()

    assert result.output_for_node("add") == {"n0": 10, "n1": 11, "n2": 12}


def test_map_with_a_graph_maps_every_op_in_it() -> None:
    @graph
    def per_item(x):
        return double(lower(x))

    @job
    def j():
        listed(fan().map(per_item).collect())

    result = j.execute_in_process()

    assert result.output_for_node("listed") == ["zz", "aa", "mm"]
    assert result.output_for_node("per_item") == {"z": "zz", "a": "aa", "m": "mm"}
    assert result.output_for_node("per_item.lower") == {"z": "z", "a": "a", "m": "m"}
    assert "per_item.lower[a]" in step_keys(result)


def test_chained_maps_run_each_op_per_value() -> None:
    @job
    def j():
        listed(fan().map(lower).map(double).collect())

    result = j.execute_in_process()

    assert result.output_for_node("double") == {"z": "zz", "a": "aa", "m": "mm"}
    assert result.output_for_node("listed") == ["zz", "aa", "mm"]


def test_a_dynamic_output_can_be_mapped_twice() -> None:
    @job
    def j():
        items = fan()
        items.map(lower)
        items.map(double)

    result = j.execute_in_process()

    assert result.output_for_node("lower") == {"z": "z", "a": "a", "m": "m"}
    assert result.output_for_node("double") == {"z": "ZZ", "a": "AA", "m": "MM"}


def test_a_returned_list_of_dynamic_outputs_fans_out() -> None:
    @op(out=DynamicOut())
    def fan_list():
        return [DynamicOutput(1, mapping_key="one"), DynamicOutput(2, mapping_key="two")]

    @job
    def j():
        fan_list().map(double)

    assert j.execute_in_process().output_for_node("double") == {"one": 2, "two": 4}


def test_a_dynamic_out_next_to_a_regular_output() -> None:
    @op(out={"items": DynamicOut(), "count": Out()})
    def split():
        yield Output(2, "count")
        yield DynamicOutput(1, mapping_key="a", output_name="items")
        yield DynamicOutput(2, mapping_key="b", output_name="items")

    @job
    def j():
        items, count = split()
        items.map(lambda x: add(x, count))

    assert j.execute_in_process().output_for_node("add") == {"a": 3, "b": 4}


# --------------------------------------------------------------------------
# .collect


def test_collect_gathers_mapped_results_in_yield_order() -> None:
    @job
    def j():
        listed(fan().map(lower).collect())

    assert j.execute_in_process().output_for_node("listed") == ["z", "a", "m"]


def test_collect_of_the_dynamic_output_itself_gathers_its_values() -> None:
    @job
    def j():
        listed(fan().collect())

    assert j.execute_in_process().output_for_node("listed") == ["Z", "A", "M"]


def test_collect_runs_after_every_mapped_step() -> None:
    @job
    def j():
        listed(fan().map(lower).collect())

    assert step_keys(j.execute_in_process())[-1] == "listed"


def test_collect_and_map_can_both_be_used_on_one_dynamic_output() -> None:
    @op
    def count(xs):
        return len(xs)

    @job
    def j():
        items = fan()
        items.map(lower)
        count(items.collect())

    result = j.execute_in_process()

    assert result.output_for_node("count") == 3
    assert result.output_for_node("lower") == {"z": "z", "a": "a", "m": "m"}


def test_zero_dynamic_values_give_collect_an_empty_list() -> None:
    @job
    def j():
        listed(fan_nothing().map(double).collect())

    result = j.execute_in_process()

    assert result.success
    assert result.output_for_node("listed") == []


def test_zero_dynamic_values_create_no_mapped_steps() -> None:
    @job
    def j():
        listed(fan_nothing().map(double).collect())

    result = j.execute_in_process()

    assert result.events_for_node("double") == []
    assert result.output_for_node("double") == {}


def test_zero_values_from_a_generator_give_collect_an_empty_list() -> None:
    @op(out=DynamicOut())
    def fan_none():
        yield from ()

    @job
    def j():
        listed(fan_none().collect())

    assert j.execute_in_process().output_for_node("listed") == []


# --------------------------------------------------------------------------
# Outputs of dynamic and mapped ops


def test_output_for_node_of_a_dynamic_op_is_a_dict_by_mapping_key() -> None:
    @job
    def j():
        fan().map(lower)

    assert j.execute_in_process().output_for_node("fan") == {"z": "Z", "a": "A", "m": "M"}


def test_output_for_node_of_a_mapped_op_keeps_yield_order() -> None:
    @job
    def j():
        fan().map(lower)

    assert list(j.execute_in_process().output_for_node("lower")) == KEYS


# --------------------------------------------------------------------------
# Failures in mapped steps


@op
def fragile(x):
    if x == "A":
        raise ValueError("cannot handle A")
    return x.lower()


def test_a_failing_mapped_step_does_not_stop_the_other_mapped_steps() -> None:
    @job
    def j():
        listed(fan().map(fragile).collect())

    result = j.execute_in_process(raise_on_error=False)

    assert not result.success
    assert result.get_failed_step_keys() == {"fragile[a]"}
    assert step_keys(result) == ["fan", "fragile[z]", "fragile[m]"]


def test_output_for_node_of_a_partly_failed_mapped_op_holds_the_successes() -> None:
    @job
    def j():
        fan().map(fragile)

    result = j.execute_in_process(raise_on_error=False)

    assert result.output_for_node("fragile") == {"z": "z", "m": "m"}


def test_collect_is_skipped_when_a_mapped_step_failed() -> None:
    @job
    def j():
        listed(fan().map(fragile).collect())

    result = j.execute_in_process(raise_on_error=False)

    assert result.is_node_skipped("listed")
    assert [e.step_key for e in result.get_step_skipped_events()] == ["listed"]
    assert "fragile[a]" in result.get_step_skipped_events()[0].message


def test_a_failing_mapped_step_raises_the_user_error_by_default() -> None:
    @job
    def j():
        fan().map(fragile)

    with pytest.raises(ValueError, match="cannot handle A"):
        j.execute_in_process()


def test_a_duplicate_mapping_key_fails_the_step() -> None:
    @op(out=DynamicOut())
    def twice():
        yield DynamicOutput(1, mapping_key="same")
        yield DynamicOutput(2, mapping_key="same")

    @job
    def j():
        twice().map(double)

    result = j.execute_in_process(raise_on_error=False)

    assert result.get_failed_step_keys() == {"twice"}
    message = result.failure_data_for_node("twice").error.message
    assert "'same'" in message
    assert "twice" in message


def test_a_duplicate_mapping_key_raises_by_default() -> None:
    from dagwright.errors import InvalidOutputError

    @op(out=DynamicOut())
    def twice():
        yield DynamicOutput(1, mapping_key="same")
        yield DynamicOutput(2, mapping_key="same")

    @job
    def j():
        twice().map(double)

    with pytest.raises(InvalidOutputError, match="'same'"):
        j.execute_in_process()


def test_an_invalid_mapping_key_is_rejected_when_the_dynamic_output_is_made() -> None:
    with pytest.raises(InvalidNameError) as info:
        DynamicOutput(1, mapping_key="a-b.c")

    assert "'a-b.c'" in str(info.value)
    assert "'a_b_c'" in str(info.value)


def test_an_invalid_mapping_key_fails_the_step_that_yields_it() -> None:
    @op(out=DynamicOut())
    def bad_keys():
        yield DynamicOutput(1, mapping_key="not ok")

    @job
    def j():
        bad_keys().map(double)

    result = j.execute_in_process(raise_on_error=False)

    assert result.get_failed_step_keys() == {"bad_keys"}
    assert result.events_for_node("double") == []


def test_an_output_yielded_for_a_dynamic_out_fails_the_step() -> None:
    from dagwright.errors import InvalidOutputError

    @op(out=DynamicOut())
    def not_dynamic():
        yield Output(1)

    @job
    def j():
        not_dynamic().map(double)

    with pytest.raises(InvalidOutputError) as info:
        j.execute_in_process()

    message = str(info.value)
    assert "not_dynamic" in message
    assert "DynamicOutput" in message


def test_a_plain_list_returned_for_a_dynamic_out_fails_the_step() -> None:
    from dagwright.errors import InvalidOutputError

    @op(out=DynamicOut())
    def plain_list():
        return [1, 2]

    @job
    def j():
        plain_list().map(double)

    with pytest.raises(InvalidOutputError, match="DynamicOutput"):
        j.execute_in_process()


def test_a_dynamic_output_yielded_for_a_regular_out_fails_the_step() -> None:
    from dagwright.errors import InvalidOutputError

    @op
    def regular():
        yield DynamicOutput(1, mapping_key="k")

    @job
    def j():
        regular()

    with pytest.raises(InvalidOutputError, match="DynamicOut"):
        j.execute_in_process()


# --------------------------------------------------------------------------
# Definition-time rules specific to .map


def test_the_function_given_to_map_must_return_an_op_output_or_nothing() -> None:
    with pytest.raises(InvalidDefinitionError) as info:

        @job
        def j():
            fan().map(lambda x: 5)

    assert "job 'j'" in str(info.value) or "graph 'j'" in str(info.value)
    assert "Fix:" in str(info.value)


def test_a_map_function_returning_nothing_is_allowed() -> None:
    def lower_only(x):
        lower(x)

    @job
    def j():
        fan().map(lower_only)

    assert j.execute_in_process().output_for_node("lower") == {"z": "z", "a": "a", "m": "m"}
