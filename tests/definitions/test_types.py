"""Types: DataType and TypeCheck, the checks of Python annotations, and type failures in a run."""

from typing import Any, Literal, Optional, Union

import pytest

from dagwright import (
    DagwrightError,
    DataType,
    EventType,
    In,
    InvalidDefinitionError,
    MetadataValue,
    Out,
    RunStatus,
    TypeCheck,
    TypeCheckError,
    job,
    op,
)


def _op_taking(annotation: Any) -> Any:
    """An op `echo(x)` whose input `x` has the given annotation."""

    def echo(x):
        return x

    echo.__annotations__ = {"x": annotation}
    return op(echo)


def _accepts(annotation: Any, value: Any) -> bool:
    """Whether an input annotated `annotation` accepts `value` (a direct call)."""
    try:
        _op_taking(annotation)(value)
    except TypeCheckError:
        return False
    return True


class Animal:
    pass


class Dog(Animal):
    pass


class Rock:
    pass


# --------------------------------------------------------------------------
# TypeCheck


def test_type_check_stores_success_description_and_normalized_metadata() -> None:
    check = TypeCheck(success=False, description="too small", metadata={"size": 3})

    assert check.success is False
    assert check.description == "too small"
    assert check.metadata == {"size": MetadataValue.int(3)}


def test_type_check_description_and_metadata_default_to_empty() -> None:
    check = TypeCheck(True)

    assert check.success is True
    assert check.description is None
    assert check.metadata == {}


# --------------------------------------------------------------------------
# DataType


def test_data_type_has_the_given_name() -> None:
    even = DataType(type_check_fn=lambda _ctx, v: v % 2 == 0, name="Even")

    assert even.display_name == "Even"


def test_data_type_check_returning_true_accepts_the_value() -> None:
    even = DataType(type_check_fn=lambda _ctx, v: v % 2 == 0, name="Even")

    assert _accepts(even, 4)


def test_data_type_check_returning_false_rejects_the_value() -> None:
    even = DataType(type_check_fn=lambda _ctx, v: v % 2 == 0, name="Even")

    assert not _accepts(even, 3)


def test_data_type_check_returning_a_passing_type_check_accepts_the_value() -> None:
    positive = DataType(type_check_fn=lambda _ctx, v: TypeCheck(v > 0), name="Positive")

    assert _accepts(positive, 1)


def test_data_type_check_returning_a_failing_type_check_rejects_the_value() -> None:
    positive = DataType(type_check_fn=lambda _ctx, v: TypeCheck(v > 0), name="Positive")

    assert not _accepts(positive, -1)


def test_a_failing_type_check_description_is_in_the_error() -> None:
    positive = DataType(
        type_check_fn=lambda _ctx, v: TypeCheck(v > 0, description=f"{v} is not above zero"),
        name="Positive",
    )

    with pytest.raises(TypeCheckError) as caught:
        _op_taking(positive)(-4)

    assert caught.value.description == "-4 is not above zero"
    assert "-4 is not above zero" in str(caught.value)


def test_a_failing_type_check_metadata_is_on_the_error() -> None:
    positive = DataType(
        type_check_fn=lambda _ctx, v: TypeCheck(v > 0, metadata={"value": v}),
        name="Positive",
    )

    with pytest.raises(TypeCheckError) as caught:
        _op_taking(positive)(-4)

    assert caught.value.metadata == {"value": MetadataValue.int(-4)}


def test_a_data_type_check_receives_the_value() -> None:
    seen: list[Any] = []

    def record(_ctx: Any, value: Any) -> bool:
        seen.append(value)
        return True

    recorded = DataType(type_check_fn=record, name="Recorded")
    _op_taking(recorded)("payload")

    assert seen == ["payload"]


def test_a_data_type_checks_outputs_too() -> None:
    even = DataType(type_check_fn=lambda _ctx, v: v % 2 == 0, name="Even")

    @op(out=Out(even))
    def three():
        return 3

    with pytest.raises(TypeCheckError) as caught:
        three()

    assert "Even" in str(caught.value)


def test_a_type_check_fn_returning_neither_bool_nor_type_check_is_an_error_naming_the_type() -> (
    None
):
    weird = DataType(type_check_fn=lambda _ctx, v: "yes", name="Weird")

    with pytest.raises(DagwrightError) as caught:
        _op_taking(weird)(1)

    assert "Weird" in str(caught.value)
    assert "str" in str(caught.value)


def test_an_exception_in_a_type_check_fn_propagates_as_itself() -> None:
    broken = DataType(type_check_fn=lambda _ctx, v: 1 / 0, name="Broken")

    with pytest.raises(ZeroDivisionError):
        _op_taking(broken)(1)


def test_a_type_check_fn_not_taking_two_arguments_is_rejected_at_definition() -> None:
    def one_arg(value: Any) -> bool:
        return True

    with pytest.raises(InvalidDefinitionError) as caught:
        DataType(type_check_fn=one_arg, name="OneArg")  # type: ignore[arg-type]

    assert "OneArg" in str(caught.value)


def test_a_data_type_type_check_fn_that_is_not_callable_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        DataType(type_check_fn=5, name="NotAFunction")  # type: ignore[arg-type]

    assert "NotAFunction" in str(caught.value)


# --------------------------------------------------------------------------
# Builtin checks from annotations


def test_an_input_annotated_int_accepts_an_int() -> None:
    assert _accepts(int, 5)


def test_an_input_annotated_int_rejects_a_bool() -> None:
    assert not _accepts(int, True)


def test_an_input_annotated_int_rejects_a_float() -> None:
    assert not _accepts(int, 1.0)


def test_an_input_annotated_int_rejects_a_str() -> None:
    assert not _accepts(int, "1")


def test_an_input_annotated_int_rejects_none() -> None:
    assert not _accepts(int, None)


def test_an_input_annotated_float_accepts_a_float() -> None:
    assert _accepts(float, 1.5)


def test_an_input_annotated_float_accepts_an_int() -> None:
    assert _accepts(float, 1)


def test_an_input_annotated_float_rejects_a_bool() -> None:
    assert not _accepts(float, True)


def test_an_input_annotated_float_rejects_a_str() -> None:
    assert not _accepts(float, "1.5")


def test_an_input_annotated_str_accepts_a_str() -> None:
    assert _accepts(str, "text")


def test_an_input_annotated_str_rejects_bytes() -> None:
    assert not _accepts(str, b"text")


def test_an_input_annotated_str_rejects_an_int() -> None:
    assert not _accepts(str, 1)


def test_an_input_annotated_bool_accepts_a_bool() -> None:
    assert _accepts(bool, False)


def test_an_input_annotated_bool_rejects_an_int() -> None:
    assert not _accepts(bool, 1)


def test_an_input_annotated_list_of_int_accepts_a_list_of_ints() -> None:
    assert _accepts(list[int], [1, 2, 3])


def test_an_input_annotated_list_of_int_accepts_an_empty_list() -> None:
    assert _accepts(list[int], [])


def test_an_input_annotated_list_of_int_rejects_a_list_with_one_str() -> None:
    assert not _accepts(list[int], [1, "two", 3])


def test_an_input_annotated_list_of_int_rejects_a_list_with_a_bool() -> None:
    assert not _accepts(list[int], [1, True])


def test_an_input_annotated_list_of_int_rejects_a_tuple() -> None:
    assert not _accepts(list[int], (1, 2))


def test_an_input_annotated_bare_list_accepts_any_elements() -> None:
    assert _accepts(list, [1, "two", None])


def test_an_input_annotated_bare_list_rejects_a_tuple() -> None:
    assert not _accepts(list, (1, 2))


def test_an_input_annotated_dict_of_str_to_int_accepts_such_a_dict() -> None:
    assert _accepts(dict[str, int], {"a": 1, "b": 2})


def test_an_input_annotated_dict_of_str_to_int_rejects_a_str_value() -> None:
    assert not _accepts(dict[str, int], {"a": 1, "b": "two"})


def test_an_input_annotated_dict_of_str_to_int_rejects_an_int_key() -> None:
    assert not _accepts(dict[str, int], {1: 1})


def test_an_input_annotated_dict_of_str_to_int_rejects_a_list() -> None:
    assert not _accepts(dict[str, int], [("a", 1)])


def test_an_input_annotated_optional_int_accepts_none() -> None:
    assert _accepts(Optional[int], None)  # noqa: UP045


def test_an_input_annotated_optional_int_accepts_an_int() -> None:
    assert _accepts(Optional[int], 3)  # noqa: UP045


def test_an_input_annotated_optional_int_rejects_a_str() -> None:
    assert not _accepts(Optional[int], "3")  # noqa: UP045


def test_an_input_annotated_int_or_none_accepts_none() -> None:
    assert _accepts(int | None, None)


def test_an_input_annotated_union_accepts_each_member() -> None:
    assert _accepts(Union[int, str], 1)  # noqa: UP007
    assert _accepts(Union[int, str], "one")  # noqa: UP007


def test_an_input_annotated_union_rejects_other_types() -> None:
    assert not _accepts(Union[int, str], 1.5)  # noqa: UP007


def test_an_input_annotated_pipe_union_rejects_other_types() -> None:
    assert not _accepts(int | str, [1])


def test_an_input_annotated_any_accepts_anything() -> None:
    assert _accepts(Any, None)
    assert _accepts(Any, object())


def test_an_input_annotated_with_a_class_accepts_an_instance() -> None:
    assert _accepts(Animal, Animal())


def test_an_input_annotated_with_a_class_accepts_a_subclass_instance() -> None:
    assert _accepts(Animal, Dog())


def test_an_input_annotated_with_a_class_rejects_another_class() -> None:
    assert not _accepts(Animal, Rock())


def test_an_input_annotated_literal_accepts_a_listed_value() -> None:
    assert _accepts(Literal["red", "green"], "green")


def test_an_input_annotated_literal_rejects_an_unlisted_value() -> None:
    assert not _accepts(Literal["red", "green"], "blue")


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
        (Animal, f"{__name__}.Animal"),
    ],
)
def test_type_names_use_python_spelling(annotation: Any, type_name: str) -> None:
    assert _op_taking(annotation).ins["x"].dagster_type.display_name == type_name


def test_a_direct_call_type_error_names_the_expected_and_the_given_type() -> None:
    with pytest.raises(TypeCheckError) as caught:
        _op_taking(int)(True)

    message = str(caught.value)
    assert "int" in message
    assert "bool" in message


# --------------------------------------------------------------------------
# Type failures in a run


def _job_feeding_a_str_to_an_int_input() -> Any:
    @op
    def make_text() -> Any:
        return "seven"

    @op
    def count_up(number: int):
        return number + 1

    @job
    def typed_flow():
        count_up(make_text())

    return typed_flow


def _job_with_an_op_returning_a_str_for_an_int_output() -> Any:
    @op
    def make_number() -> int:
        return "seven"  # type: ignore[return-value]

    @job
    def typed_out_flow():
        make_number()

    return typed_out_flow


def test_mismatched_connected_types_are_not_a_definition_error() -> None:
    assert _job_feeding_a_str_to_an_int_input().name == "typed_flow"


def test_an_input_type_failure_in_a_run_raises_type_check_error() -> None:
    with pytest.raises(TypeCheckError):
        _job_feeding_a_str_to_an_int_input().execute_in_process()


def test_an_input_type_failure_message_names_op_input_and_both_types() -> None:
    with pytest.raises(TypeCheckError) as caught:
        _job_feeding_a_str_to_an_int_input().execute_in_process()

    message = str(caught.value)
    assert "count_up" in message
    assert "input 'number'" in message
    assert "int" in message
    assert "str" in message


def test_an_output_type_failure_message_names_op_output_and_both_types() -> None:
    with pytest.raises(TypeCheckError) as caught:
        _job_with_an_op_returning_a_str_for_an_int_output().execute_in_process()

    message = str(caught.value)
    assert "make_number" in message
    assert "output 'result'" in message
    assert "int" in message
    assert "str" in message


def test_an_input_type_failure_without_raising_fails_the_run() -> None:
    result = _job_feeding_a_str_to_an_int_input().execute_in_process(raise_on_error=False)

    assert result.success is False
    assert result.dagster_run.status == RunStatus.FAILURE
    assert result.get_failed_step_keys() == {"count_up"}


def test_an_input_type_failure_records_a_failed_type_check_on_step_input() -> None:
    result = _job_feeding_a_str_to_an_int_input().execute_in_process(raise_on_error=False)

    inputs = [e for e in result.events_for_node("count_up") if e.event_type_value == "STEP_INPUT"]
    assert len(inputs) == 1
    assert inputs[0].step_input_data.input_name == "number"
    assert inputs[0].step_input_data.type_check.success is False


def test_an_input_type_failure_is_followed_by_step_failure() -> None:
    result = _job_feeding_a_str_to_an_int_input().execute_in_process(raise_on_error=False)

    kinds = [e.event_type for e in result.events_for_node("count_up")]
    assert EventType.STEP_INPUT in kinds
    after_input = kinds[kinds.index(EventType.STEP_INPUT) + 1 :]
    assert after_input == [EventType.STEP_FAILURE]


def test_an_input_type_failure_step_failure_error_is_a_type_check_error() -> None:
    result = _job_feeding_a_str_to_an_int_input().execute_in_process(raise_on_error=False)

    failure = result.get_step_failure_events()[0]
    assert failure.step_failure_data.error.cls_name == "TypeCheckError"


def test_an_output_type_failure_records_a_failed_type_check_on_step_output() -> None:
    flow = _job_with_an_op_returning_a_str_for_an_int_output()
    result = flow.execute_in_process(raise_on_error=False)

    outputs = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    assert len(outputs) == 1
    assert outputs[0].step_output_data.output_name == "result"
    assert outputs[0].step_output_data.type_check.success is False


def test_an_output_type_failure_is_followed_by_step_failure_and_no_handled_output() -> None:
    flow = _job_with_an_op_returning_a_str_for_an_int_output()
    result = flow.execute_in_process(raise_on_error=False)

    kinds = [e.event_type for e in result.events_for_node("make_number")]
    after_output = kinds[kinds.index(EventType.STEP_OUTPUT) + 1 :]
    assert after_output == [EventType.STEP_FAILURE]


def test_a_passing_type_check_is_recorded_as_success_on_step_output() -> None:
    @op
    def make_number() -> int:
        return 7

    @job
    def good_flow():
        make_number()

    result = good_flow.execute_in_process()

    outputs = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    assert outputs[0].step_output_data.type_check.success is True


def test_a_data_type_failure_in_a_run_records_its_description_and_metadata() -> None:
    positive = DataType(
        type_check_fn=lambda _ctx, v: TypeCheck(
            v > 0, description="must be above zero", metadata={"value": v}
        ),
        name="Positive",
    )

    @op(out=Out(positive))
    def make_negative():
        return -2

    @job
    def positive_flow():
        make_negative()

    result = positive_flow.execute_in_process(raise_on_error=False)

    output = next(e for e in result.all_events if e.event_type_value == "STEP_OUTPUT")
    check = output.step_output_data.type_check
    assert check.success is False
    assert check.description == "must be above zero"
    assert check.metadata == {"value": MetadataValue.int(-2)}


def test_a_data_type_failure_in_a_run_raises_with_its_description() -> None:
    positive = DataType(
        type_check_fn=lambda _ctx, v: TypeCheck(v > 0, description="must be above zero"),
        name="Positive",
    )

    @op
    def make_negative():
        return -2

    @op(ins={"n": In(positive)})
    def use(n):
        return n

    @job
    def positive_flow():
        use(make_negative())

    with pytest.raises(TypeCheckError) as caught:
        positive_flow.execute_in_process()

    assert "Positive" in str(caught.value)
    assert "must be above zero" in str(caught.value)


def test_an_exception_in_a_type_check_fn_during_a_run_is_raised_as_itself() -> None:
    broken = DataType(type_check_fn=lambda _ctx, v: 1 / 0, name="Broken")

    @op
    def make_number():
        return 1

    @op(ins={"n": In(broken)})
    def use(n):
        return n

    @job
    def broken_flow():
        use(make_number())

    with pytest.raises(ZeroDivisionError):
        broken_flow.execute_in_process()


def test_a_nothing_output_returning_a_value_fails_its_type_check() -> None:
    @op
    def side_effect() -> None:
        return 5  # type: ignore[return-value]

    with pytest.raises(TypeCheckError) as caught:
        side_effect()

    assert "Nothing" in str(caught.value)


def test_a_check_of_a_list_of_a_custom_type_that_raises_fails_the_step_not_the_run() -> None:
    from dagwright import DataType, RunStatus, job, op

    def explode(_context, value):
        raise KeyError("no such field")

    Exploding = DataType(explode, name="Exploding")

    @op
    def make() -> list:
        return [1]

    @op
    def take(values: list[Exploding]):  # type: ignore[valid-type]
        return values

    @job
    def checked():
        take(make())

    result = checked.execute_in_process(raise_on_error=False)

    assert result.dagster_run.status == RunStatus.FAILURE
    error = result.failure_data_for_node("take").error
    assert error.cls_name == "KeyError"
