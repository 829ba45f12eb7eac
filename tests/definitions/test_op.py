"""@op: every documented argument, inputs and outputs read from the signature, and the
errors raised when an op is defined wrongly."""

from typing import Any, Optional

import pytest

from dagwright import (
    DataType,
    DynamicOut,
    In,
    InvalidDefinitionError,
    Nothing,
    OpDefinition,
    OpExecutionContext,
    Out,
    Output,
    RetryPolicy,
    build_op_context,
    job,
    op,
)

# --------------------------------------------------------------------------
# Name and description


def test_op_decorator_returns_an_op_definition_named_after_the_function() -> None:
    @op
    def load_rows():
        return 1

    assert isinstance(load_rows, OpDefinition)
    assert load_rows.name == "load_rows"


def test_op_called_with_parentheses_and_no_arguments_is_the_same_as_bare() -> None:
    @op()
    def load_rows():
        return 1

    assert isinstance(load_rows, OpDefinition)
    assert load_rows.name == "load_rows"


def test_name_argument_overrides_the_function_name() -> None:
    @op(name="renamed")
    def load_rows():
        return 1

    assert load_rows.name == "renamed"


def test_description_defaults_to_the_docstring() -> None:
    @op
    def load_rows():
        """Load the rows."""
        return 1

    assert load_rows.description == "Load the rows."


def test_explicit_description_wins_over_the_docstring() -> None:
    @op(description="explicit")
    def load_rows():
        """Load the rows."""
        return 1

    assert load_rows.description == "explicit"


def test_description_is_none_without_docstring_or_argument() -> None:
    @op
    def load_rows():
        return 1

    assert load_rows.description is None


# --------------------------------------------------------------------------
# Stored arguments


def test_config_schema_is_stored_on_the_op() -> None:
    schema = {"rows": int, "table": str}

    @op(config_schema=schema)
    def load_rows(context):
        return context.op_config

    assert load_rows.config_schema == {"rows": int, "table": str}


def test_required_resource_keys_are_stored_as_a_set() -> None:
    @op(required_resource_keys={"db", "cache"})
    def load_rows(context):
        return 1

    assert load_rows.required_resource_keys == {"db", "cache"}


def test_required_resource_keys_default_to_empty() -> None:
    @op
    def load_rows():
        return 1

    assert load_rows.required_resource_keys == set()


def test_tags_are_stored_on_the_op() -> None:
    @op(tags={"team": "data", "tier": "gold"})
    def load_rows():
        return 1

    assert dict(load_rows.tags) == {"team": "data", "tier": "gold"}


def test_retry_policy_is_stored_on_the_op() -> None:
    policy = RetryPolicy(max_retries=3)

    @op(retry_policy=policy)
    def load_rows():
        return 1

    assert load_rows.retry_policy is policy


def test_retry_policy_defaults_to_none() -> None:
    @op
    def load_rows():
        return 1

    assert load_rows.retry_policy is None


def test_code_version_is_stored_on_the_op() -> None:
    @op(code_version="v7")
    def load_rows():
        return 1

    assert load_rows.code_version == "v7"


# --------------------------------------------------------------------------
# Inputs from ins=


def test_in_dagster_type_sets_the_input_type() -> None:
    @op(ins={"x": In(int)})
    def double(x):
        return 2 * x

    assert double.ins["x"].dagster_type.display_name == "int"


def test_in_description_is_stored_on_the_input() -> None:
    @op(ins={"x": In(description="the number")})
    def double(x):
        return 2 * x

    assert double.ins["x"].description == "the number"


def test_in_metadata_is_stored_on_the_input() -> None:
    @op(ins={"x": In(metadata={"unit": "rows"})})
    def double(x):
        return 2 * x

    assert dict(double.ins["x"].metadata) == {"unit": "rows"}


def test_in_default_value_makes_the_input_optional_when_called() -> None:
    @op(ins={"x": In(int, default_value=21)})
    def double(x):
        return 2 * x

    assert double.ins["x"].default_value == 21
    assert double() == 42


def test_in_default_value_none_is_a_real_default() -> None:
    @op(ins={"x": In(Optional[int], default_value=None)})  # noqa: UP045
    def echo(x):
        return x

    assert echo() is None


def test_in_without_a_type_takes_the_type_from_the_annotation() -> None:
    @op(ins={"x": In(description="the number")})
    def double(x: int):
        return 2 * x

    assert double.ins["x"].dagster_type.display_name == "int"


def test_in_type_overrides_the_parameter_annotation() -> None:
    @op(ins={"x": In(str)})
    def echo(x: int):
        return x

    assert echo.ins["x"].dagster_type.display_name == "str"


def test_in_accepts_a_data_type() -> None:
    even = DataType(type_check_fn=lambda _ctx, v: v % 2 == 0, name="Even")

    @op(ins={"x": In(even)})
    def echo(x):
        return x

    assert echo.ins["x"].dagster_type.display_name == "Even"


def test_inputs_keep_the_order_of_the_parameters() -> None:
    @op
    def combine(b, a, c):
        return a + b + c

    assert [d.name for d in combine.input_defs] == ["b", "a", "c"]


# --------------------------------------------------------------------------
# Inputs and outputs from annotations


@pytest.mark.parametrize(
    ("annotation", "type_name"),
    [
        (int, "int"),
        (str, "str"),
        (float, "float"),
        (bool, "bool"),
        (list[int], "list[int]"),
        (dict[str, int], "dict[str, int]"),
        (Optional[int], "Optional[int]"),  # noqa: UP045
        (Any, "Any"),
    ],
)
def test_a_parameter_annotation_gives_the_input_type(annotation: Any, type_name: str) -> None:
    def fn(x):
        return x

    fn.__annotations__ = {"x": annotation}

    assert op(fn).ins["x"].dagster_type.display_name == type_name


@pytest.mark.parametrize(
    ("annotation", "type_name"),
    [
        (int, "int"),
        (str, "str"),
        (float, "float"),
        (bool, "bool"),
        (list[int], "list[int]"),
        (dict[str, int], "dict[str, int]"),
        (Optional[int], "Optional[int]"),  # noqa: UP045
        (Any, "Any"),
    ],
)
def test_a_return_annotation_gives_the_output_type(annotation: Any, type_name: str) -> None:
    def fn():
        return None

    fn.__annotations__ = {"return": annotation}

    assert op(fn).outs["result"].dagster_type.display_name == type_name


def test_an_unannotated_parameter_is_an_any_input() -> None:
    @op
    def echo(x):
        return x

    assert echo.ins["x"].dagster_type.display_name == "Any"


def test_an_unannotated_return_is_an_any_output_named_result() -> None:
    @op
    def five():
        return 5

    assert list(five.outs) == ["result"]
    assert five.outs["result"].dagster_type.display_name == "Any"


def test_a_class_annotation_gives_a_type_named_module_and_qualname() -> None:
    class Table:
        pass

    @op
    def echo(x: Table):
        return x

    expected = f"{__name__}.test_a_class_annotation_gives_a_type_named_module_and_qualname"
    assert echo.ins["x"].dagster_type.display_name == f"{expected}.<locals>.Table"


def test_return_annotation_none_gives_a_nothing_output() -> None:
    @op
    def side_effect() -> None:
        return None

    assert list(side_effect.outs) == ["result"]
    assert side_effect.outs["result"].dagster_type.is_nothing


def test_return_annotation_nothing_gives_a_nothing_output() -> None:
    @op
    def side_effect() -> Nothing:
        return None

    assert side_effect.outs["result"].dagster_type.is_nothing


def test_output_annotation_wraps_output_type() -> None:
    @op
    def five() -> Output[int]:
        return Output(5)

    assert five.outs["result"].dagster_type.display_name == "int"


def test_tuple_return_annotation_types_each_output_of_a_multi_output_op() -> None:
    @op(out={"n": Out(), "s": Out()})
    def pair() -> tuple[int, str]:
        return 1, "a"

    assert pair.outs["n"].dagster_type.display_name == "int"
    assert pair.outs["s"].dagster_type.display_name == "str"


def test_python_default_value_becomes_the_input_default() -> None:
    @op
    def add(x: int, y: int = 10):
        return x + y

    assert add.ins["y"].default_value == 10
    assert add(1) == 11


def test_python_default_none_becomes_the_input_default() -> None:
    @op
    def echo(x: Optional[int] = None):  # noqa: UP045
        return x

    assert echo.ins["x"].default_value is None
    assert echo() is None


# --------------------------------------------------------------------------
# Outputs from out=


def test_single_out_sets_the_type_of_the_result_output() -> None:
    @op(out=Out(int))
    def five():
        return 5

    assert list(five.outs) == ["result"]
    assert five.outs["result"].dagster_type.display_name == "int"


def test_out_type_overrides_the_return_annotation() -> None:
    @op(out=Out(str))
    def five() -> int:
        return "5"  # type: ignore[return-value]

    assert five.outs["result"].dagster_type.display_name == "str"


def test_out_description_and_metadata_are_stored() -> None:
    @op(out=Out(int, description="five", metadata={"unit": "rows"}))
    def five():
        return 5

    assert five.outs["result"].description == "five"
    assert dict(five.outs["result"].metadata) == {"unit": "rows"}


def test_dict_of_out_declares_several_named_outputs_in_order() -> None:
    @op(out={"total": Out(int), "label": Out(str)})
    def summary():
        return 3, "three"

    assert list(summary.outs) == ["total", "label"]
    assert summary.outs["total"].dagster_type.display_name == "int"
    assert summary.outs["label"].dagster_type.display_name == "str"


def test_outputs_are_required_by_default() -> None:
    @op(out={"a": Out(int)})
    def one():
        return 1

    assert one.outs["a"].is_required is True


def test_out_is_required_false_declares_an_optional_output() -> None:
    @op(out={"a": Out(int), "b": Out(int, is_required=False)})
    def maybe():
        yield Output(1, "a")

    assert maybe.outs["b"].is_required is False


def test_an_optional_output_not_produced_skips_its_downstream_in_a_job() -> None:
    @op(out={"a": Out(int), "b": Out(int, is_required=False)})
    def maybe():
        yield Output(1, "a")

    @op
    def use(x):
        return x

    @job
    def flow():
        a, b = maybe()
        use.alias("use_a")(a)
        use.alias("use_b")(b)

    result = flow.execute_in_process()

    assert result.success
    assert result.output_for_node("use_a") == 1
    assert result.is_node_skipped("use_b")


def test_dynamic_out_declares_a_dynamic_output() -> None:
    @op(out=DynamicOut(int))
    def fan():
        return []

    assert fan.outs["result"].dagster_type.display_name == "int"
    assert isinstance(fan.outs["result"], DynamicOut)


def test_out_empty_dict_declares_no_outputs() -> None:
    @op(out={})
    def nothing_out():
        return None

    assert dict(nothing_out.outs) == {}


# --------------------------------------------------------------------------
# Context detection


@pytest.mark.parametrize(
    "fn",
    [
        lambda context, x: x,
        lambda _context, x: x,
        lambda context_, x: x,
        lambda _, x: x,
    ],
    ids=["context", "_context", "context_", "_"],
)
def test_a_first_parameter_with_a_context_name_is_the_context(fn: Any) -> None:
    defined = op(name="echo")(fn)

    assert [d.name for d in defined.input_defs] == ["x"]
    assert defined(build_op_context(), 3) == 3


def test_a_first_parameter_annotated_op_execution_context_is_the_context() -> None:
    @op
    def echo(ctx: OpExecutionContext, x):
        return x

    assert [d.name for d in echo.input_defs] == ["x"]
    assert echo(build_op_context(), 3) == 3


def test_a_first_parameter_with_another_name_is_an_input() -> None:
    @op
    def echo(ctx, x):
        return x

    assert [d.name for d in echo.input_defs] == ["ctx", "x"]


def test_a_context_only_op_has_no_inputs() -> None:
    @op
    def uses_context(context):
        return context.op_config

    assert uses_context.input_defs == ()


def test_context_is_passed_to_the_function_when_the_op_runs_in_a_job() -> None:
    @op
    def show_name(context):
        return context.op.name

    @job
    def flow():
        show_name()

    assert flow.execute_in_process().output_for_node("show_name") == "show_name"


# --------------------------------------------------------------------------
# Nothing inputs


def test_a_nothing_input_declared_in_ins_needs_no_parameter() -> None:
    @op(ins={"start": In(Nothing)})
    def after() -> int:
        return 1

    assert after.ins["start"].dagster_type.is_nothing
    assert after() == 1


def test_a_nothing_input_orders_steps_in_a_job() -> None:
    order: list[str] = []

    @op
    def first() -> None:
        order.append("first")

    @op(ins={"start": In(Nothing)})
    def a_second():
        order.append("second")

    @job
    def flow():
        a_second(start=first())

    assert flow.execute_in_process().success
    assert order == ["first", "second"]


def test_a_nothing_input_sits_beside_value_inputs() -> None:
    @op(ins={"start": In(Nothing)})
    def double(x: int):
        return 2 * x

    assert [d.name for d in double.input_defs] == ["x", "start"]
    assert double(4) == 8


# --------------------------------------------------------------------------
# Definition-time errors


@pytest.mark.parametrize("bad_name", ["my-op", "my op", "op.name"])
def test_an_invalid_op_name_is_rejected(bad_name: str) -> None:
    def fn():
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        op(name=bad_name)(fn)

    assert repr(bad_name) in str(caught.value)


def test_a_function_name_that_is_invalid_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        op(lambda: 1)

    assert "<lambda>" in str(caught.value)


def test_an_invalid_input_name_in_ins_is_rejected_naming_op_and_input() -> None:
    def fn():
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        op(name="starter", ins={"my-in": In(Nothing)})(fn)

    message = str(caught.value)
    assert "starter" in message
    assert "my-in" in message


def test_an_invalid_output_name_is_rejected_naming_op_and_output() -> None:
    def fn():
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        op(name="splitter", out={"my-out": Out()})(fn)

    message = str(caught.value)
    assert "splitter" in message
    assert "my-out" in message


def test_an_ins_key_without_a_parameter_is_rejected_naming_op_and_input() -> None:
    def double(x):
        return 2 * x

    with pytest.raises(InvalidDefinitionError) as caught:
        op(ins={"y": In(int)})(double)

    message = str(caught.value)
    assert "double" in message
    assert "'y'" in message


def test_a_nothing_annotated_parameter_is_rejected_naming_op_and_input() -> None:
    def wait(start: Nothing):  # type: ignore[valid-type]
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        op(wait)

    message = str(caught.value)
    assert "wait" in message
    assert "'start'" in message


def test_a_parameter_declared_in_nothing_in_ins_is_rejected_naming_op_and_input() -> None:
    def wait(start):
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        op(ins={"start": In(Nothing)})(wait)

    message = str(caught.value)
    assert "wait" in message
    assert "'start'" in message


def test_var_positional_parameters_are_rejected_naming_op_and_parameter() -> None:
    def gather(*values):
        return values

    with pytest.raises(InvalidDefinitionError) as caught:
        op(gather)

    message = str(caught.value)
    assert "gather" in message
    assert "values" in message


def test_a_non_out_value_in_an_out_dict_is_rejected_naming_op_and_output() -> None:
    def split():
        return 1, 2

    with pytest.raises(InvalidDefinitionError) as caught:
        op(out={"left": Out(), "right": int})(split)  # type: ignore[dict-item]

    message = str(caught.value)
    assert "split" in message
    assert "'right'" in message


def test_a_non_out_value_for_out_is_rejected_naming_the_op() -> None:
    def five():
        return 5

    with pytest.raises(InvalidDefinitionError) as caught:
        op(out=int)(five)  # type: ignore[arg-type]

    assert "five" in str(caught.value)


def test_a_non_in_value_in_ins_is_rejected_naming_op_and_input() -> None:
    def double(x):
        return 2 * x

    with pytest.raises(InvalidDefinitionError) as caught:
        op(ins={"x": int})(double)  # type: ignore[dict-item]

    message = str(caught.value)
    assert "double" in message
    assert "'x'" in message


def test_a_string_for_required_resource_keys_is_rejected_naming_op_and_key() -> None:
    def query(context):
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        op(required_resource_keys="database")(query)  # type: ignore[arg-type]

    message = str(caught.value)
    assert "query" in message
    assert "database" in message


def test_an_annotation_that_is_not_a_type_is_rejected_naming_op_and_input() -> None:
    def echo(x: 5):  # type: ignore[valid-type]
        return x

    with pytest.raises(InvalidDefinitionError) as caught:
        op(echo)

    message = str(caught.value)
    assert "echo" in message
    assert "'x'" in message


def test_a_retry_policy_that_is_not_a_retry_policy_is_rejected_naming_the_op() -> None:
    def flaky():
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        op(retry_policy=3)(flaky)  # type: ignore[arg-type]

    assert "flaky" in str(caught.value)


def test_a_non_string_tag_key_is_rejected_naming_the_op() -> None:
    def tagged():
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        op(tags={1: "a"})(tagged)  # type: ignore[dict-item]

    assert "tagged" in str(caught.value)


def test_a_default_value_failing_the_input_type_is_rejected_naming_op_and_input() -> None:
    def double(x):
        return 2 * x

    with pytest.raises(InvalidDefinitionError) as caught:
        op(ins={"x": In(int, default_value="two")})(double)

    message = str(caught.value)
    assert "double" in message
    assert "'x'" in message


def test_op_given_something_other_than_a_function_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError):
        op(5)  # type: ignore[call-overload]
