"""The events of a run: their order, their data, error info, JSON form and properties."""

from __future__ import annotations

import json
import os

import pytest

import dagwright
from dagwright import (
    ErrorInfo,
    Event,
    EventLogEntry,
    EventType,
    In,
    Nothing,
    Out,
    Output,
    failure_hook,
    graph,
    job,
    op,
    resource,
    success_hook,
)

PACKAGE_DIR = os.path.dirname(os.path.abspath(dagwright.__file__))

E = EventType


@op
def return_five():
    return 5


@op
def add_one(arg):
    return arg + 1


@job
def do_stuff():
    add_one(return_five())


def _types(events: list[Event]) -> list[EventType]:
    return [e.event_type for e in events]


def _types_for(result, step_key: str) -> list[EventType]:
    return [e.event_type for e in result.all_events if e.step_key == step_key]


def _is_dagwright_frame(line: str) -> bool:
    return PACKAGE_DIR in line


# --------------------------------------------------------------------------
# Order


def test_two_op_job_emits_events_in_dagster_order() -> None:
    result = do_stuff.execute_in_process()

    assert [(e.event_type, e.step_key) for e in result.all_events] == [
        (E.RUN_START, None),
        (E.ENGINE_EVENT, None),
        (E.STEP_START, "return_five"),
        (E.STEP_OUTPUT, "return_five"),
        (E.HANDLED_OUTPUT, "return_five"),
        (E.STEP_SUCCESS, "return_five"),
        (E.STEP_START, "add_one"),
        (E.LOADED_INPUT, "add_one"),
        (E.STEP_INPUT, "add_one"),
        (E.STEP_OUTPUT, "add_one"),
        (E.HANDLED_OUTPUT, "add_one"),
        (E.STEP_SUCCESS, "add_one"),
        (E.ENGINE_EVENT, None),
        (E.RUN_SUCCESS, None),
    ]


def test_event_messages_of_a_two_op_job() -> None:
    result = do_stuff.execute_in_process()

    messages = {(e.event_type, e.step_key): e.message for e in result.all_events}
    assert messages[(E.RUN_START, None)] == 'Started execution of run for "do_stuff".'
    assert messages[(E.STEP_START, "add_one")] == 'Started execution of step "add_one".'
    assert messages[(E.LOADED_INPUT, "add_one")] == (
        'Loaded input "arg" using input manager "io_manager", from output "result" of step '
        '"return_five"'
    )
    assert messages[(E.RUN_SUCCESS, None)] == 'Finished execution of run for "do_stuff".'


def test_job_without_ops_emits_only_run_and_engine_events() -> None:
    @job
    def empty():
        pass

    result = empty.execute_in_process()

    assert _types(result.all_events) == [
        E.RUN_START,
        E.ENGINE_EVENT,
        E.ENGINE_EVENT,
        E.RUN_SUCCESS,
    ]


def test_resource_init_events_come_after_the_first_engine_event() -> None:
    @resource
    def thing(_init_context):
        return 1

    @op(required_resource_keys={"thing"})
    def use(context):
        return context.resources.thing

    @job(resource_defs={"thing": thing})
    def using():
        use()

    result = using.execute_in_process()

    assert _types(result.all_events)[:5] == [
        E.RUN_START,
        E.ENGINE_EVENT,
        E.RESOURCE_INIT_STARTED,
        E.RESOURCE_INIT_SUCCESS,
        E.STEP_START,
    ]


def test_loaded_input_comes_before_step_input() -> None:
    result = do_stuff.execute_in_process()

    types = _types_for(result, "add_one")
    assert types.index(E.LOADED_INPUT) < types.index(E.STEP_INPUT)


def test_fan_in_input_loads_once_per_upstream_output_then_one_step_input() -> None:
    @op
    def total(xs):
        return sum(xs)

    @job
    def fan_in():
        total([return_five(), return_five()])

    result = fan_in.execute_in_process()

    assert _types_for(result, "total")[:4] == [
        E.STEP_START,
        E.LOADED_INPUT,
        E.LOADED_INPUT,
        E.STEP_INPUT,
    ]


def test_input_from_a_default_value_has_only_a_step_input_event() -> None:
    @op(ins={"x": In(int, default_value=1)})
    def with_default(x):
        return x

    @job
    def defaulted():
        with_default()

    result = defaulted.execute_in_process()

    types = _types_for(result, "with_default")
    assert E.STEP_INPUT in types
    assert E.LOADED_INPUT not in types


def test_input_from_run_config_has_only_a_step_input_event() -> None:
    @job
    def configured():
        add_one()

    result = configured.execute_in_process(run_config={"ops": {"add_one": {"inputs": {"arg": 1}}}})

    types = _types_for(result, "add_one")
    assert E.STEP_INPUT in types
    assert E.LOADED_INPUT not in types


def test_input_from_input_values_has_only_a_step_input_event() -> None:
    @graph
    def adding(x):
        add_one(x)

    result = adding.execute_in_process(input_values={"x": 1})

    types = _types_for(result, "add_one")
    assert E.STEP_INPUT in types
    assert E.LOADED_INPUT not in types


def test_nothing_input_has_no_input_events() -> None:
    @op(ins={"start": In(Nothing)})
    def after():
        return 1

    @job
    def ordered():
        after(start=return_five())

    result = ordered.execute_in_process()

    types = _types_for(result, "after")
    assert E.STEP_INPUT not in types
    assert E.LOADED_INPUT not in types


def test_step_input_data_names_the_input_and_its_type_check() -> None:
    result = do_stuff.execute_in_process()

    [step_input] = [e for e in result.all_events if e.event_type == E.STEP_INPUT]
    assert step_input.step_input_data.input_name == "arg"
    assert step_input.step_input_data.type_check.success is True


def test_step_output_data_names_the_output_and_its_type_check() -> None:
    result = do_stuff.execute_in_process()

    output = next(e for e in result.all_events if e.is_successful_output)
    assert output.step_output_data.output_name == "result"
    assert output.step_output_data.type_check.success is True


def test_failed_output_type_check_still_emits_step_output_then_step_failure() -> None:
    @op(out=Out(int))
    def wrong():
        return "x"

    @job
    def typed():
        wrong()

    result = typed.execute_in_process(raise_on_error=False)

    types = _types_for(result, "wrong")
    assert types == [E.STEP_START, E.STEP_OUTPUT, E.STEP_FAILURE]
    output = next(e for e in result.all_events if e.is_successful_output)
    assert output.step_output_data.type_check.success is False
    assert "Type check failed" in output.message


def test_failed_run_ends_with_step_failure_engine_event_and_run_failure() -> None:
    @op
    def bad():
        raise ValueError("boom")

    @job
    def failing():
        bad()

    result = failing.execute_in_process(raise_on_error=False)

    assert _types(result.all_events)[-3:] == [E.STEP_FAILURE, E.ENGINE_EVENT, E.RUN_FAILURE]
    assert result.all_events[-1].message == (
        "Execution of run for \"failing\" failed. Steps failed: ['bad']."
    )


def test_skipped_step_data_says_which_upstream_step_failed() -> None:
    @op
    def bad():
        raise ValueError("boom")

    @job
    def failing():
        add_one(bad())

    result = failing.execute_in_process(raise_on_error=False)

    [skipped] = result.get_step_skipped_events()
    assert skipped.step_key == "add_one"
    assert "upstream step 'bad' failed" in skipped.event_specific_data.reason


# --------------------------------------------------------------------------
# Error info of failures


def _helper_that_raises():
    raise ValueError("boom from helper")


@op
def calls_helper():
    _helper_that_raises()


@job
def helper_job():
    calls_helper()


def _failure_error(result) -> ErrorInfo:
    [failure] = result.get_step_failure_events()
    return failure.step_failure_data.error


def test_step_failure_carries_error_info_with_class_and_message() -> None:
    error = _failure_error(helper_job.execute_in_process(raise_on_error=False))

    assert isinstance(error, ErrorInfo)
    assert error.cls_name == "ValueError"
    assert "boom from helper" in error.message


def test_step_failure_stack_holds_the_users_frames() -> None:
    error = _failure_error(helper_job.execute_in_process(raise_on_error=False))

    stack = "".join(error.stack)
    assert "in calls_helper" in stack
    assert "in _helper_that_raises" in stack
    assert stack.index("in calls_helper") < stack.index("in _helper_that_raises")


def test_step_failure_stack_has_no_dagwright_frames() -> None:
    error = _failure_error(helper_job.execute_in_process(raise_on_error=False))

    assert error.stack
    assert not [line for line in error.stack if _is_dagwright_frame(line)]


def test_step_failure_error_source_is_user_code() -> None:
    result = helper_job.execute_in_process(raise_on_error=False)

    [failure] = result.get_step_failure_events()
    assert failure.step_failure_data.error_source == "USER_CODE_ERROR"


def test_step_failure_error_to_string_shows_the_traceback_and_message() -> None:
    text = _failure_error(helper_job.execute_in_process(raise_on_error=False)).to_string()

    assert "_helper_that_raises()" in text
    assert 'raise ValueError("boom from helper")' in text
    assert "ValueError: boom from helper" in text
    assert PACKAGE_DIR not in text


def test_type_check_error_info_has_no_dagwright_frames() -> None:
    @op(out=Out(int))
    def wrong():
        return "x"

    @job
    def typed():
        wrong()

    error = _failure_error(typed.execute_in_process(raise_on_error=False))

    assert error.cls_name == "TypeCheckError"
    assert not [line for line in error.stack if _is_dagwright_frame(line)]
    assert PACKAGE_DIR not in error.to_string()


def test_type_check_error_info_message_names_the_output_and_types() -> None:
    @op(out=Out(int))
    def wrong():
        return "x"

    @job
    def typed():
        wrong()

    error = _failure_error(typed.execute_in_process(raise_on_error=False))

    assert "result" in error.message
    assert "int" in error.message
    assert "str" in error.message


def test_type_check_failure_error_source_is_framework() -> None:
    @op(out=Out(int))
    def wrong():
        return "x"

    @job
    def typed():
        wrong()

    result = typed.execute_in_process(raise_on_error=False)

    [failure] = result.get_step_failure_events()
    assert failure.step_failure_data.error_source == "FRAMEWORK_ERROR"


def test_error_info_of_a_failure_raised_from_another_keeps_the_cause() -> None:
    @op
    def wraps():
        try:
            {}["missing"]
        except KeyError as exc:
            raise RuntimeError("lookup failed") from exc

    @job
    def wrapping():
        wraps()

    error = _failure_error(wrapping.execute_in_process(raise_on_error=False))

    assert error.cls_name == "RuntimeError"
    assert error.cause is not None
    assert error.cause.cls_name == "KeyError"


def test_run_failure_event_names_the_failed_steps() -> None:
    result = helper_job.execute_in_process(raise_on_error=False)

    data = result.get_run_failure_event().event_specific_data
    assert data.failed_steps == ["calls_helper"]


# --------------------------------------------------------------------------
# JSON round trip


def test_every_entry_of_a_successful_run_round_trips_through_json() -> None:
    result = do_stuff.execute_in_process()

    for entry in result.entries:
        assert EventLogEntry.from_json(entry.to_json()) == entry


def test_every_entry_of_a_failed_run_round_trips_through_json() -> None:
    @resource
    def thing(_init_context):
        return 1

    @success_hook
    def noted(context):
        context.log.info("hook ran")

    @failure_hook
    def alerted(context):
        raise RuntimeError("alert failed")

    @op(required_resource_keys={"thing"}, out={"a": Out(), "b": Out(is_required=False)})
    def splits(context):
        context.log.warning("about to split")
        yield Output(1, "a", metadata={"rows": 3})

    @op
    def consume(x):
        return x

    @op
    def bad(x):
        raise ValueError("boom")

    @job(resource_defs={"thing": thing}, hooks={noted, alerted})
    def everything():
        a, b = splits()
        consume(b)
        add_one(bad(a))

    result = everything.execute_in_process(raise_on_error=False)

    kinds = {e.event_type for e in result.entries if e.is_dagster_event}
    assert {E.STEP_FAILURE, E.STEP_SKIPPED, E.HOOK_ERRORED, E.RUN_FAILURE} <= kinds
    for entry in result.entries:
        assert EventLogEntry.from_json(entry.to_json()) == entry


def test_entry_json_is_a_json_object_holding_the_run_id_and_event_type() -> None:
    result = do_stuff.execute_in_process()

    data = json.loads(result.entries[0].to_json())
    assert data["run_id"] == result.run_id
    assert "RUN_START" in json.dumps(data)


def test_from_json_accepts_str() -> None:
    result = do_stuff.execute_in_process()

    entry = result.entries[-1]
    raw = entry.to_json()
    text = raw.decode() if isinstance(raw, bytes) else raw
    assert EventLogEntry.from_json(text) == entry


def test_round_tripped_failure_keeps_its_error_info() -> None:
    result = helper_job.execute_in_process(raise_on_error=False)

    entry = next(e for e in result.entries if e.event_type == E.STEP_FAILURE)
    copy = EventLogEntry.from_json(entry.to_json())
    assert copy.dagster_event.step_failure_data.error == entry.dagster_event.step_failure_data.error
    assert isinstance(copy.dagster_event.step_failure_data.error, ErrorInfo)


# --------------------------------------------------------------------------
# Event properties


@graph
def nested():
    add_one(return_five())


@job
def outer():
    nested()


@pytest.fixture(scope="module")
def nested_result():
    return outer.execute_in_process()


def test_node_handle_of_a_nested_step_is_dotted(nested_result) -> None:
    start = next(e for e in nested_result.all_events if e.is_step_start)

    assert start.node_handle == "nested.return_five"
    assert start.step_key == "nested.return_five"


def test_node_name_is_the_leaf_name(nested_result) -> None:
    start = next(e for e in nested_result.all_events if e.is_step_start)

    assert start.node_name == "return_five"


def test_event_type_is_the_enum_and_event_type_value_the_string(nested_result) -> None:
    event = nested_result.all_events[0]

    assert event.event_type is EventType.RUN_START
    assert event.event_type_value == "RUN_START"
    assert isinstance(event.event_type_value, str)


def test_run_events_have_no_step_key(nested_result) -> None:
    event = nested_result.all_events[0]

    assert event.step_key is None
    assert event.node_handle is None


def test_events_carry_the_job_name_and_pid(nested_result) -> None:
    for event in nested_result.all_events:
        assert event.job_name == "outer"
        assert event.pid == os.getpid()


def test_is_step_start_is_true_only_for_step_start(nested_result) -> None:
    flagged = [e.event_type for e in nested_result.all_events if e.is_step_start]

    assert flagged == [E.STEP_START, E.STEP_START]


def test_is_step_success_is_true_only_for_step_success(nested_result) -> None:
    flagged = [e.event_type for e in nested_result.all_events if e.is_step_success]

    assert flagged == [E.STEP_SUCCESS, E.STEP_SUCCESS]


def test_is_step_failure_is_true_only_for_step_failure() -> None:
    result = helper_job.execute_in_process(raise_on_error=False)

    flagged = [e.event_type for e in result.all_events if e.is_step_failure]
    assert flagged == [E.STEP_FAILURE]


def test_is_step_skipped_is_true_only_for_step_skipped() -> None:
    @op
    def bad():
        raise ValueError("boom")

    @job
    def failing():
        add_one(bad())

    result = failing.execute_in_process(raise_on_error=False)

    flagged = [(e.event_type, e.step_key) for e in result.all_events if e.is_step_skipped]
    assert flagged == [(E.STEP_SKIPPED, "add_one")]


def test_is_step_event_is_true_for_step_events_only(nested_result) -> None:
    for event in nested_result.all_events:
        assert event.is_step_event is (event.step_key is not None)


def test_step_failure_data_raises_on_other_events(nested_result) -> None:
    success = nested_result.get_step_success_events()[0]

    with pytest.raises(Exception, match="STEP_SUCCESS"):
        success.step_failure_data


def test_step_output_data_raises_on_other_events(nested_result) -> None:
    start = nested_result.all_events[0]

    with pytest.raises(Exception, match="RUN_START"):
        start.step_output_data


def test_entry_fields_of_a_step_event(nested_result) -> None:
    entry = next(e for e in nested_result.entries if e.event_type == E.STEP_START)

    assert entry.run_id == nested_result.run_id
    assert entry.job_name == "outer"
    assert entry.step_key == "nested.return_five"
    assert entry.is_dagster_event
    assert entry.dagster_event is entry.event
    assert entry.user_message == entry.dagster_event.message
    assert isinstance(entry.timestamp, float)


def test_failure_events_are_logged_at_error_and_others_at_debug() -> None:
    result = helper_job.execute_in_process(raise_on_error=False)

    levels = {e.event_type: e.level for e in result.entries if e.is_dagster_event}
    assert levels[E.STEP_FAILURE] == 40
    assert levels[E.RUN_FAILURE] == 40
    assert levels[E.STEP_START] == 10
    assert levels[E.RUN_START] == 10
