"""How an op reads its function's parameters: plain functions, callables, changed functions."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from dagwright import op


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
