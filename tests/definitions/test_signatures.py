"""How an op reads its function's parameters: plain functions, callables, partials, changed
functions."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from typing import Any

from dagwright import asset, job, materialize, op


def test_a_callable_dataclass_instance_becomes_an_op() -> None:
    @dataclasses.dataclass
    class Scaler:
        factor: int = 2

        def __call__(self, x: int) -> int:
            return x * self.factor

    scaled = op(name="scaled")(Scaler())

    assert list(scaled.input_dict) == ["x"]


def test_a_function_changed_after_an_op_was_made_from_it_is_read_again() -> None:
    def source(a: int = 1) -> int:
        return a

    first = op(name="first")(source)
    source.__defaults__ = None
    second = op(name="second")(source)

    assert first.input_dict["a"].has_default_value
    assert not second.input_dict["a"].has_default_value


def test_a_signature_set_on_the_function_is_the_one_read() -> None:
    def loose(*args: Any) -> None:
        return None

    loose.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("z", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    )

    assert list(op(name="sig")(loose).input_dict) == ["z"]


def test_keyword_only_and_positional_only_parameters_and_defaults_are_read() -> None:
    def mixed(a: int, /, b: int = 2, *, c: int = 3) -> int:
        return a + b + c

    made = op(name="mixed")(mixed)

    assert list(made.input_dict) == ["a", "b", "c"]
    assert [made.input_dict[n].has_default_value for n in "abc"] == [False, True, True]


def test_an_op_whose_input_is_a_keyword_only_parameter_gets_it_by_name() -> None:
    @op
    def three() -> int:
        return 3

    @op
    def add(a: int, *, b: int) -> int:
        return a + b

    @job
    def adding():
        add(three(), b=three())

    assert adding.execute_in_process().output_for_node("add") == 6


def test_a_callable_objects_inputs_and_output_are_typed_by_its_call_annotations() -> None:
    @dataclasses.dataclass
    class Labeler:
        prefix: str = "#"

        def __call__(self, number: int) -> str:
            return f"{self.prefix}{number}"

    labeled = op(name="labeled")(Labeler())

    assert labeled.ins["number"].dagster_type.display_name == "int"
    assert labeled.outs["result"].dagster_type.display_name == "str"


def scale(values: list[int], factor: int, offset: int = 0) -> list[int]:
    """Multiply each value by factor, then add offset."""
    return [v * factor + offset for v in values]


def test_a_partials_inputs_are_the_parameters_it_leaves_free() -> None:
    doubled = op(functools.partial(scale, factor=2), name="doubled")
    tail = op(functools.partial(scale, [1, 2]), name="tail")

    assert list(doubled.ins) == ["values", "offset"]
    assert list(tail.ins) == ["factor", "offset"]


def test_a_partials_inputs_keep_the_wrapped_functions_annotations_and_defaults() -> None:
    doubled = op(functools.partial(scale, factor=2), name="doubled")

    assert doubled.ins["values"].dagster_type.display_name == "list[int]"
    assert doubled.ins["offset"].dagster_type.display_name == "int"
    assert doubled.ins["offset"].default_value == 0


def test_a_partials_output_is_typed_by_the_wrapped_functions_return_annotation() -> None:
    doubled = op(functools.partial(scale, factor=2), name="doubled")

    assert doubled.outs["result"].dagster_type.display_name == "list[int]"


def test_a_partial_op_is_described_by_the_wrapped_functions_docstring() -> None:
    doubled = op(functools.partial(scale, factor=2), name="doubled")

    assert doubled.description == "Multiply each value by factor, then add offset."


def test_a_partial_op_runs_with_its_bound_arguments_and_its_inputs() -> None:
    def weigh(count: int, unit: int, extra: int) -> int:
        return count * unit + extra

    @op
    def five() -> int:
        return 5

    in_grams = op(functools.partial(weigh, unit=1000), name="in_grams")

    @job
    def weighing():
        in_grams(five(), extra=five())

    assert weighing.execute_in_process().output_for_node("in_grams") == 5005
    assert in_grams(2, extra=1) == 2001


def test_a_partial_asset_reads_the_upstream_assets_its_free_parameters_name() -> None:
    @asset
    def values() -> list[int]:
        return [1, 2]

    tripled = asset(functools.partial(scale, factor=3, offset=1), name="tripled")

    assert materialize([values, tripled]).output_for_node("tripled") == [4, 7]
