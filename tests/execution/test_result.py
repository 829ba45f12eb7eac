"""ExecuteInProcessResult: every property and method, including the error cases."""

from __future__ import annotations

import pytest

from dagwright import (
    DagwrightError,
    DynamicOut,
    DynamicOutput,
    Event,
    EventLogEntry,
    EventType,
    GraphOut,
    InvariantViolationError,
    JobDefinition,
    Out,
    Output,
    RetryPolicy,
    Run,
    RunStatus,
    graph,
    job,
    op,
)
from dagwright.errors import UnknownNodeError

# --------------------------------------------------------------------------
# Jobs shared by the tests (building them does not run anything)


@op
def one() -> int:
    return 1


@op
def inc(x: int) -> int:
    return x + 1


@graph(out={"result": GraphOut()})
def inner():
    return inc(one())


@op
def fails(x):
    raise ValueError("nope")


@op
def after_failure(x):
    return x


@op
def independent() -> int:
    return 10


@job
def mixed():
    """inner (a graph) succeeds, fails fails, after_failure is skipped, independent succeeds."""
    after_failure(fails(inner()))
    independent()


@pytest.fixture(scope="module")
def mixed_result():
    return mixed.execute_in_process(raise_on_error=False)


@pytest.fixture(scope="module")
def ok_result():
    @job
    def chain():
        inc(one())

    return chain.execute_in_process()


# --------------------------------------------------------------------------
# The run


def test_success_is_true_for_a_successful_run(ok_result) -> None:
    assert ok_result.success is True


def test_success_is_false_for_a_failed_run(mixed_result) -> None:
    assert mixed_result.success is False


def test_run_id_is_the_run_records_id(ok_result) -> None:
    assert isinstance(ok_result.run_id, str)
    assert ok_result.run_id == ok_result.dagster_run.run_id


def test_dagster_run_is_the_run_record(ok_result) -> None:
    run = ok_result.dagster_run
    assert isinstance(run, Run)
    assert run.job_name == "chain"
    assert run.status is RunStatus.SUCCESS


def test_run_is_an_alias_of_dagster_run(mixed_result) -> None:
    assert mixed_result.run == mixed_result.dagster_run
    assert mixed_result.run.status is RunStatus.FAILURE


def test_job_def_is_the_job_that_ran(mixed_result) -> None:
    assert mixed_result.job_def is mixed


def test_job_def_is_the_subset_job_for_an_op_selection() -> None:
    result = mixed.execute_in_process(op_selection=["independent"])

    assert isinstance(result.job_def, JobDefinition)
    assert result.job_def is not mixed
    assert result.job_def.name == "mixed"
    assert result.job_def.op_selection == ["independent"]


# --------------------------------------------------------------------------
# Events


def test_all_events_are_events_from_run_start_to_run_end(mixed_result) -> None:
    events = mixed_result.all_events
    assert all(isinstance(e, Event) for e in events)
    assert events[0].event_type == EventType.RUN_START
    assert events[-1].event_type == EventType.RUN_FAILURE


def test_all_events_leave_out_plain_log_lines() -> None:
    @op
    def talk(context):
        context.log.info("just a log line")

    @job
    def talking():
        talk()

    result = talking.execute_in_process()

    assert all(e.message != "just a log line" for e in result.all_events)


def test_entries_hold_every_event_and_log_line_in_order() -> None:
    @op
    def talk(context):
        context.log.info("just a log line")

    @job
    def talking():
        talk()

    result = talking.execute_in_process()

    assert all(isinstance(e, EventLogEntry) for e in result.entries)
    assert [e.dagster_event for e in result.entries if e.is_dagster_event] == result.all_events
    messages = [e.user_message for e in result.entries]
    start = messages.index('Started execution of step "talk".')
    assert messages.index("just a log line") == start + 1


def test_all_node_events_are_the_step_events(mixed_result) -> None:
    node_events = mixed_result.all_node_events

    assert node_events
    assert all(e.step_key is not None for e in node_events)
    assert {e.event_type for e in mixed_result.all_events} - {
        e.event_type for e in node_events
    } >= {EventType.RUN_START, EventType.RUN_FAILURE, EventType.ENGINE_EVENT}


def test_events_for_node_of_an_op_are_its_step_events(mixed_result) -> None:
    events = mixed_result.events_for_node("fails")

    assert [e.event_type for e in events] == [
        EventType.STEP_START,
        EventType.LOADED_INPUT,
        EventType.STEP_INPUT,
        EventType.STEP_FAILURE,
    ]


def test_events_for_node_of_a_graph_include_its_ops(mixed_result) -> None:
    events = mixed_result.events_for_node("inner")

    assert {e.step_key for e in events} == {"inner.one", "inner.inc"}


def test_events_for_node_accepts_a_dotted_path(mixed_result) -> None:
    events = mixed_result.events_for_node("inner.inc")

    assert events
    assert {e.step_key for e in events} == {"inner.inc"}


def test_events_for_node_does_not_match_a_name_prefix() -> None:
    @op
    def inc_more(x):
        return x

    @job
    def prefixed():
        inc_more(inc(one()))

    result = prefixed.execute_in_process()

    assert {e.step_key for e in result.events_for_node("inc")} == {"inc"}


def test_events_for_node_of_an_unknown_name_is_empty(mixed_result) -> None:
    assert mixed_result.events_for_node("zzz") == []


def test_filter_events_keeps_the_events_the_predicate_accepts(mixed_result) -> None:
    outputs = mixed_result.filter_events(lambda e: e.is_successful_output)

    assert outputs
    assert all(e.event_type == EventType.STEP_OUTPUT for e in outputs)
    assert len(outputs) == sum(1 for e in mixed_result.all_events if e.is_successful_output)


def test_get_step_success_events(mixed_result) -> None:
    keys = [e.step_key for e in mixed_result.get_step_success_events()]

    assert sorted(keys) == ["independent", "inner.inc", "inner.one"]


def test_get_step_failure_events(mixed_result) -> None:
    [failure] = mixed_result.get_step_failure_events()

    assert failure.step_key == "fails"
    assert failure.event_type == EventType.STEP_FAILURE


def test_get_step_skipped_events(mixed_result) -> None:
    [skipped] = mixed_result.get_step_skipped_events()

    assert skipped.step_key == "after_failure"


def test_get_failed_step_keys(mixed_result) -> None:
    assert mixed_result.get_failed_step_keys() == {"fails"}


def test_get_failed_step_keys_is_empty_for_a_successful_run(ok_result) -> None:
    assert ok_result.get_failed_step_keys() == set()


def test_get_run_success_event(ok_result) -> None:
    event = ok_result.get_run_success_event()

    assert event.event_type == EventType.RUN_SUCCESS


def test_get_run_success_event_raises_when_the_run_failed(mixed_result) -> None:
    with pytest.raises(DagwrightError, match="RUN_SUCCESS"):
        mixed_result.get_run_success_event()


def test_get_run_failure_event(mixed_result) -> None:
    event = mixed_result.get_run_failure_event()

    assert event.event_type == EventType.RUN_FAILURE


def test_get_run_failure_event_raises_when_the_run_succeeded(ok_result) -> None:
    with pytest.raises(DagwrightError, match="RUN_FAILURE"):
        ok_result.get_run_failure_event()


def test_get_job_success_event_is_an_alias(ok_result) -> None:
    assert ok_result.get_job_success_event() == ok_result.get_run_success_event()


def test_get_job_failure_event_is_an_alias(mixed_result) -> None:
    assert mixed_result.get_job_failure_event() == mixed_result.get_run_failure_event()


# --------------------------------------------------------------------------
# Node outcomes


def test_is_node_success(mixed_result) -> None:
    assert mixed_result.is_node_success("independent")
    assert not mixed_result.is_node_success("fails")


def test_is_node_success_of_a_graph_looks_inside_it(mixed_result) -> None:
    assert mixed_result.is_node_success("inner")


def test_is_node_failed(mixed_result) -> None:
    assert mixed_result.is_node_failed("fails")
    assert not mixed_result.is_node_failed("independent")


def test_is_node_skipped(mixed_result) -> None:
    assert mixed_result.is_node_skipped("after_failure")
    assert not mixed_result.is_node_skipped("fails")


def test_is_node_untouched_for_a_node_without_events() -> None:
    result = mixed.execute_in_process(op_selection=["independent"])

    assert result.is_node_untouched("fails")
    assert not result.is_node_untouched("independent")


def test_is_node_untouched_for_an_unknown_name(mixed_result) -> None:
    assert mixed_result.is_node_untouched("zzz")


def test_failure_data_for_node_of_a_failed_op(mixed_result) -> None:
    data = mixed_result.failure_data_for_node("fails")

    assert data is not None
    assert data.error.cls_name == "ValueError"
    assert "nope" in data.error.message


def test_failure_data_for_node_is_none_for_a_node_that_did_not_fail(mixed_result) -> None:
    assert mixed_result.failure_data_for_node("independent") is None


def test_retry_attempts_for_node_is_zero_without_retries(mixed_result) -> None:
    assert mixed_result.retry_attempts_for_node("fails") == 0


def test_retry_attempts_for_node_counts_the_retries() -> None:
    attempts = []

    @op(retry_policy=RetryPolicy(max_retries=2))
    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise ValueError("not yet")
        return len(attempts)

    @job
    def retrying():
        flaky()

    result = retrying.execute_in_process()

    assert result.retry_attempts_for_node("flaky") == 2
    assert result.output_for_node("flaky") == 3


# --------------------------------------------------------------------------
# output_for_node


def test_output_for_node_of_an_op(ok_result) -> None:
    assert ok_result.output_for_node("one") == 1
    assert ok_result.output_for_node("inc") == 2


def test_output_for_node_of_a_graph_resolves_its_output_mapping(mixed_result) -> None:
    assert mixed_result.output_for_node("inner") == 2


def test_output_for_node_of_a_nested_op_by_dotted_path(mixed_result) -> None:
    assert mixed_result.output_for_node("inner.one") == 1


def test_output_for_node_with_a_named_output() -> None:
    @op(out={"low": Out(), "high": Out()})
    def split():
        return 1, 9

    @job
    def splitting():
        split()

    result = splitting.execute_in_process()

    assert result.output_for_node("split", "high") == 9
    assert result.output_for_node("split", output_name="low") == 1


def test_output_for_node_of_an_unknown_node_raises_unknown_node_error(mixed_result) -> None:
    with pytest.raises(UnknownNodeError, match="zzz"):
        mixed_result.output_for_node("zzz")


def test_unknown_node_error_is_an_invariant_violation_and_a_key_error(mixed_result) -> None:
    with pytest.raises(InvariantViolationError):
        mixed_result.output_for_node("zzz")
    with pytest.raises(KeyError):
        mixed_result.output_for_node("inner.zzz")


def test_output_for_node_of_an_unknown_output_name_raises(ok_result) -> None:
    with pytest.raises(InvariantViolationError, match="nope"):
        ok_result.output_for_node("one", "nope")


def test_output_for_node_of_a_failed_step_raises(mixed_result) -> None:
    with pytest.raises(InvariantViolationError):
        mixed_result.output_for_node("fails")


def test_output_for_node_of_a_skipped_step_raises(mixed_result) -> None:
    with pytest.raises(InvariantViolationError):
        mixed_result.output_for_node("after_failure")


def test_output_for_node_of_an_optional_output_not_yielded_raises() -> None:
    @op(out={"maybe": Out(is_required=False), "sure": Out()})
    def partial():
        yield Output(1, "sure")

    @job
    def partial_job():
        partial()

    result = partial_job.execute_in_process()

    assert result.output_for_node("partial", "sure") == 1
    with pytest.raises(InvariantViolationError):
        result.output_for_node("partial", "maybe")


def test_output_for_node_of_a_mapped_op_is_a_dict_by_mapping_key() -> None:
    @op(out=DynamicOut())
    def fan():
        for i in range(3):
            yield DynamicOutput(i, mapping_key=f"k{i}")

    @op
    def double(x):
        return x * 2

    @op
    def total(xs):
        return sum(xs)

    @job
    def dynamic():
        total(fan().map(double).collect())

    result = dynamic.execute_in_process()

    assert result.output_for_node("fan") == {"k0": 0, "k1": 1, "k2": 2}
    assert result.output_for_node("double") == {"k0": 0, "k1": 2, "k2": 4}
    assert result.output_for_node("total") == 6


def test_output_for_node_of_a_mapped_op_leaves_out_failed_keys() -> None:
    @op(out=DynamicOut())
    def fan():
        for i in range(3):
            yield DynamicOutput(i, mapping_key=f"k{i}")

    @op
    def picky(x):
        if x == 1:
            raise ValueError("one is bad")
        return x

    @job
    def dynamic():
        fan().map(picky)

    result = dynamic.execute_in_process(raise_on_error=False)

    assert result.output_for_node("picky") == {"k0": 0, "k2": 2}
    assert result.get_failed_step_keys() == {"picky[k1]"}


# --------------------------------------------------------------------------
# output_value


def test_output_value_is_the_graphs_result_output() -> None:
    result = inner.execute_in_process()

    assert result.output_value() == 2


def test_output_value_by_name() -> None:
    @graph(out={"small": GraphOut(), "big": GraphOut()})
    def both():
        return {"small": one(), "big": inc(one())}

    result = both.execute_in_process()

    assert result.output_value("small") == 1
    assert result.output_value("big") == 2


def test_output_value_of_a_job_made_from_a_graph_with_outputs() -> None:
    result = inner.to_job(name="inner_job").execute_in_process()

    assert result.output_value() == 2


def test_output_value_of_a_job_without_outputs_raises(ok_result) -> None:
    with pytest.raises(InvariantViolationError, match="no outputs"):
        ok_result.output_value()


def test_output_value_of_an_unknown_name_raises() -> None:
    result = inner.execute_in_process()

    with pytest.raises(InvariantViolationError, match="nope"):
        result.output_value("nope")
