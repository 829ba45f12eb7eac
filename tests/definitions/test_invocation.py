"""Calling ops directly, as unit tests do: argument binding, contexts, resources, return
shapes (values, Output, tuples, generators, dynamic lists, coroutines) and type checks."""

import asyncio
import inspect
from typing import Any

import pytest

from dagwright import (
    DataType,
    DynamicOut,
    DynamicOutput,
    In,
    InvalidInvocationError,
    Nothing,
    Out,
    Output,
    ResourceDefinition,
    TypeCheckError,
    build_op_context,
    op,
    resource,
)
from dagwright.errors import InvalidOutputError


@op
def add(x: int, y: int = 10) -> int:
    return x + y


@op
def scale(context, x: int) -> int:
    return context.op_config["factor"] * x


# --------------------------------------------------------------------------
# Binding arguments


def test_positional_arguments_bind_to_inputs_in_order() -> None:
    assert add(1, 2) == 3


def test_keyword_arguments_bind_to_inputs_by_name() -> None:
    assert add(y=1, x=100) == 101


def test_positional_and_keyword_arguments_can_be_mixed() -> None:
    assert add(1, y=5) == 6


def test_a_python_default_fills_an_omitted_input() -> None:
    assert add(1) == 11


def test_an_in_default_value_fills_an_omitted_input() -> None:
    @op(ins={"y": In(int, default_value=3)})
    def mul(x: int, y):
        return x * y

    assert mul(5) == 15


def test_a_given_value_wins_over_the_default() -> None:
    assert add(1, 1) == 2


def test_a_missing_required_input_raises_naming_op_and_input() -> None:
    with pytest.raises(InvalidInvocationError) as caught:
        add()

    message = str(caught.value)
    assert "add" in message
    assert "'x'" in message


def test_too_many_positional_arguments_raise_naming_the_op() -> None:
    with pytest.raises(InvalidInvocationError) as caught:
        add(1, 2, 3)

    assert "add" in str(caught.value)


def test_an_unknown_keyword_argument_raises_naming_it() -> None:
    with pytest.raises(InvalidInvocationError) as caught:
        add(1, z=3)

    message = str(caught.value)
    assert "add" in message
    assert "'z'" in message


def test_an_input_given_by_position_and_keyword_raises_naming_it() -> None:
    with pytest.raises(InvalidInvocationError) as caught:
        add(1, x=2)

    message = str(caught.value)
    assert "add" in message
    assert "'x'" in message


def test_a_nothing_input_is_not_needed_in_a_direct_call() -> None:
    @op(ins={"after": In(Nothing)})
    def start() -> int:
        return 1

    assert start() == 1


def test_a_value_for_a_nothing_input_raises_naming_it() -> None:
    @op(ins={"after": In(Nothing)})
    def start() -> int:
        return 1

    with pytest.raises(InvalidInvocationError) as caught:
        start(after=1)

    message = str(caught.value)
    assert "start" in message
    assert "'after'" in message


def test_an_op_with_var_keyword_arguments_receives_its_inputs_by_name() -> None:
    @op(ins={"a": In(int), "b": In(int)})
    def collect(**kwargs):
        return kwargs

    assert collect(1, b=2) == {"a": 1, "b": 2}


def test_an_aliased_op_can_be_called_directly() -> None:
    assert add.alias("other_add")(1, 1) == 2


def test_a_user_exception_propagates_unwrapped() -> None:
    @op
    def boom():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        boom()


# --------------------------------------------------------------------------
# Contexts


def test_an_op_taking_context_reads_op_config_from_build_op_context() -> None:
    assert scale(build_op_context(op_config={"factor": 3}), 2) == 6


def test_a_context_can_be_passed_by_keyword() -> None:
    assert scale(context=build_op_context(op_config={"factor": 3}), x=2) == 6


def test_an_op_taking_context_called_without_one_raises_naming_the_op() -> None:
    with pytest.raises(InvalidInvocationError) as caught:
        scale(2)

    assert "scale" in str(caught.value)


def test_an_op_taking_context_called_with_nothing_raises() -> None:
    @op
    def needs_context(context):
        return 1

    with pytest.raises(InvalidInvocationError):
        needs_context()


def test_a_context_given_to_an_op_without_context_parameter_is_ignored() -> None:
    assert add(build_op_context(), 1, 2) == 3


def test_a_plain_object_resource_is_available_on_the_context() -> None:
    @op(required_resource_keys={"store"})
    def read(context):
        return context.resources.store["k"]

    assert read(build_op_context(resources={"store": {"k": "v"}})) == "v"


def test_a_resource_definition_is_initialised_for_the_context() -> None:
    @op(required_resource_keys={"number"})
    def read(context):
        return context.resources.number

    context = build_op_context(resources={"number": ResourceDefinition.hardcoded_resource(7)})

    assert read(context) == 7


def test_a_decorated_resource_is_initialised_with_its_config() -> None:
    @resource(config_schema={"n": int})
    def number(init_context):
        return init_context.resource_config["n"] * 2

    @op(required_resource_keys={"number"})
    def read(context):
        return context.resources.number

    context = build_op_context(
        resources={"number": number}, resources_config={"number": {"config": {"n": 4}}}
    )

    assert read(context) == 8


def test_a_generator_resource_yields_its_value_to_the_op() -> None:
    @resource
    def connection(_init_context):
        yield "connected"

    @op(required_resource_keys={"conn"})
    def read(context):
        return context.resources.conn

    with build_op_context(resources={"conn": connection}) as context:
        assert read(context) == "connected"


def test_a_generator_resource_is_not_torn_down_while_the_context_is_open() -> None:
    steps: list[str] = []

    @resource
    def connection(_init_context):
        steps.append("open")
        yield "connected"
        steps.append("close")

    @op(required_resource_keys={"conn"})
    def read(context):
        return context.resources.conn

    with build_op_context(resources={"conn": connection}) as context:
        read(context)
        assert steps == ["open"]


def test_a_generator_resource_is_torn_down_when_the_context_exits() -> None:
    steps: list[str] = []

    @resource
    def connection(_init_context):
        steps.append("open")
        yield "connected"
        steps.append("close")

    @op(required_resource_keys={"conn"})
    def read(context):
        return context.resources.conn

    with build_op_context(resources={"conn": connection}) as context:
        read(context)

    assert steps == ["open", "close"]


def test_a_required_resource_missing_from_the_context_raises_naming_op_and_key() -> None:
    @op(required_resource_keys={"warehouse"})
    def read(context):
        return 1

    with pytest.raises(InvalidInvocationError) as caught:
        read(build_op_context())

    message = str(caught.value)
    assert "read" in message
    assert "warehouse" in message


def test_context_log_in_a_direct_call_does_not_raise() -> None:
    @op
    def chatty(context):
        context.log.debug("debug line")
        context.log.info("info line")
        context.log.warning("warning line")
        context.log.error("error line")
        return 1

    assert chatty(build_op_context()) == 1


def test_context_log_in_a_direct_call_writes_to_stderr_with_source_system(
    capsys: pytest.CaptureFixture[str],
) -> None:
    @op
    def chatty(context):
        context.log.error("something odd")

    chatty(build_op_context())

    err = capsys.readouterr().err
    assert "system - something odd" in err


def test_context_log_in_a_direct_call_follows_the_log_level_set_at_call_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    @op
    def chatty(context):
        context.log.info("informative")

    chatty(build_op_context())  # at the suite's ERROR level: not shown
    monkeypatch.setenv("DAGWRIGHT_LOG_LEVEL", "INFO")
    chatty(build_op_context())

    err = capsys.readouterr().err
    assert err.count("informative") == 1


# --------------------------------------------------------------------------
# What comes back


def test_a_returned_value_comes_back_as_is() -> None:
    @op
    def make_list():
        return [1, 2]

    assert make_list() == [1, 2]


def test_a_returned_output_comes_back_as_the_output_object() -> None:
    @op
    def five():
        return Output(5)

    result = five()

    assert isinstance(result, Output)
    assert result.value == 5
    assert result.output_name == "result"


def test_a_returned_output_with_an_undeclared_name_raises_naming_it() -> None:
    @op
    def five():
        return Output(5, "zzz")

    with pytest.raises(InvalidOutputError) as caught:
        five()

    message = str(caught.value)
    assert "five" in message
    assert "'zzz'" in message


def test_a_multi_output_op_returns_its_tuple() -> None:
    @op(out={"n": Out(int), "s": Out(str)})
    def pair():
        return 1, "one"

    assert pair() == (1, "one")


def test_a_multi_output_op_returning_a_non_tuple_raises_naming_the_op() -> None:
    @op(out={"n": Out(int), "s": Out(str)})
    def pair():
        return 1

    with pytest.raises(InvalidOutputError) as caught:
        pair()

    assert "pair" in str(caught.value)


def test_a_multi_output_op_returning_a_tuple_of_the_wrong_length_raises() -> None:
    @op(out={"n": Out(int), "s": Out(str)})
    def pair():
        return 1, "one", "extra"

    with pytest.raises(InvalidOutputError) as caught:
        pair()

    assert "pair" in str(caught.value)


def test_a_multi_output_op_checks_the_type_of_each_output() -> None:
    @op(out={"n": Out(int), "s": Out(str)})
    def pair():
        return 1, 2

    with pytest.raises(TypeCheckError) as caught:
        pair()

    assert "output 's'" in str(caught.value)


def test_a_generator_op_returns_a_generator() -> None:
    @op
    def gen():
        yield Output(1)

    assert inspect.isgenerator(gen())


def test_a_generator_op_body_runs_only_when_iterated() -> None:
    ran: list[str] = []

    @op
    def gen():
        ran.append("body")
        yield Output(1)

    outputs = gen()
    assert ran == []
    list(outputs)
    assert ran == ["body"]


def test_a_generator_op_yields_its_output_objects() -> None:
    @op(out={"a": Out(int), "b": Out(int)})
    def gen():
        yield Output(2, "b")
        yield Output(1, "a")

    outputs = list(gen())

    assert [(o.output_name, o.value) for o in outputs] == [("b", 2), ("a", 1)]


def test_a_generator_op_yielding_a_bare_value_raises_while_iterating() -> None:
    @op
    def gen():
        yield 1

    outputs = gen()

    with pytest.raises(InvalidOutputError) as caught:
        next(outputs)

    assert "gen" in str(caught.value)


def test_a_generator_op_yielding_a_wrong_type_raises_while_iterating() -> None:
    @op(out=Out(int))
    def gen():
        yield Output("one")

    outputs = gen()

    with pytest.raises(TypeCheckError) as caught:
        next(outputs)

    message = str(caught.value)
    assert "gen" in message
    assert "output 'result'" in message


def test_a_generator_op_yielding_an_output_twice_raises_while_iterating() -> None:
    @op
    def gen():
        yield Output(1)
        yield Output(2)

    outputs = gen()
    next(outputs)

    with pytest.raises(InvalidOutputError) as caught:
        next(outputs)

    assert "'result'" in str(caught.value)


def test_a_generator_op_missing_a_required_output_raises_at_the_end() -> None:
    @op(out={"a": Out(int), "b": Out(int)})
    def gen():
        yield Output(1, "a")

    outputs = gen()
    assert next(outputs).value == 1

    with pytest.raises(InvalidOutputError) as caught:
        next(outputs)

    assert "'b'" in str(caught.value)


def test_a_generator_op_may_leave_out_an_optional_output() -> None:
    @op(out={"a": Out(int), "b": Out(int, is_required=False)})
    def gen():
        yield Output(1, "a")

    assert [o.output_name for o in gen()] == ["a"]


def test_a_dynamic_out_op_returning_a_list_returns_the_list() -> None:
    @op(out=DynamicOut(int))
    def fan():
        return [DynamicOutput(1, mapping_key="a"), DynamicOutput(2, mapping_key="b")]

    result = fan()

    assert [(d.mapping_key, d.value) for d in result] == [("a", 1), ("b", 2)]


def test_a_dynamic_out_op_returning_plain_values_raises_naming_the_op() -> None:
    @op(out=DynamicOut())
    def fan():
        return [1, 2]

    with pytest.raises(InvalidOutputError) as caught:
        fan()

    assert "fan" in str(caught.value)


def test_a_dynamic_out_generator_yields_its_dynamic_outputs() -> None:
    @op(out=DynamicOut(int))
    def fan():
        for i in range(3):
            yield DynamicOutput(i, mapping_key=f"k{i}")

    assert [d.mapping_key for d in fan()] == ["k0", "k1", "k2"]


def test_a_dynamic_out_generator_repeating_a_mapping_key_raises() -> None:
    @op(out=DynamicOut())
    def fan():
        yield DynamicOutput(1, mapping_key="same")
        yield DynamicOutput(2, mapping_key="same")

    with pytest.raises(InvalidOutputError) as caught:
        list(fan())

    assert "same" in str(caught.value)


def test_an_async_op_returns_a_coroutine() -> None:
    @op
    async def fetch(x: int) -> int:
        return x + 1

    pending = fetch(1)

    assert inspect.iscoroutine(pending)
    assert asyncio.run(pending) == 2


def test_an_async_op_takes_a_context() -> None:
    @op
    async def fetch(context, x: int) -> int:
        return context.op_config["base"] + x

    assert asyncio.run(fetch(build_op_context(op_config={"base": 10}), 1)) == 11


def test_an_async_op_output_is_type_checked_when_awaited() -> None:
    @op
    async def fetch() -> int:
        return "one"  # type: ignore[return-value]

    pending = fetch()

    with pytest.raises(TypeCheckError) as caught:
        asyncio.run(pending)

    assert "fetch" in str(caught.value)


# --------------------------------------------------------------------------
# Type checks


def test_an_input_of_the_wrong_type_raises_type_check_error() -> None:
    with pytest.raises(TypeCheckError):
        add("one")


def test_an_input_type_error_names_op_input_and_both_types() -> None:
    with pytest.raises(TypeCheckError) as caught:
        add("one")

    message = str(caught.value)
    assert "add" in message
    assert "input 'x'" in message
    assert "int" in message
    assert "str" in message


def test_an_input_type_error_happens_before_the_body_runs() -> None:
    ran: list[int] = []

    @op
    def record(x: int):
        ran.append(x)

    with pytest.raises(TypeCheckError):
        record("one")

    assert ran == []


def test_an_output_of_the_wrong_type_raises_naming_op_output_and_both_types() -> None:
    @op
    def make_number() -> int:
        return "one"  # type: ignore[return-value]

    with pytest.raises(TypeCheckError) as caught:
        make_number()

    message = str(caught.value)
    assert "make_number" in message
    assert "output 'result'" in message
    assert "int" in message
    assert "str" in message


def test_a_default_value_is_type_checked_on_a_direct_call() -> None:
    # Builtin types check defaults when the op is defined; a custom type checks them on use.
    positive = DataType(lambda _, v: isinstance(v, int) and v > 0, name="Positive")

    @op(ins={"x": In(positive, default_value=0)})
    def echo(x):
        return x

    with pytest.raises(TypeCheckError):
        echo()


def test_a_returned_output_object_is_type_checked() -> None:
    @op(out=Out(int))
    def make_number():
        return Output("one")

    with pytest.raises(TypeCheckError):
        make_number()


def test_a_type_error_carries_its_fields() -> None:
    with pytest.raises(TypeCheckError) as caught:
        add(1, y="two")

    error: Any = caught.value
    assert (error.op, error.kind, error.name, error.expected, error.got) == (
        "add",
        "input",
        "y",
        "int",
        "str",
    )
