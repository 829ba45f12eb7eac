"""Failure: an op failing on purpose, with a description and metadata, retried or not."""

from __future__ import annotations

import pytest

from dagwright import (
    EventLogEntry,
    Failure,
    MetadataValue,
    RetryPolicy,
    RetryRequested,
    job,
    op,
)


def _run_alone(op_def):
    @job
    def single():
        op_def()

    return single.execute_in_process(raise_on_error=False)


def _user_failure_data(result, node: str):
    failure = result.failure_data_for_node(node)
    assert failure is not None
    return failure.user_failure_data


def test_failure_description_and_metadata_reach_the_step_failure_event() -> None:
    @op
    def check_rows():
        raise Failure(description="too few rows", metadata={"rows": 3, "table": "orders"})

    data = _user_failure_data(_run_alone(check_rows), "check_rows")

    assert data is not None
    assert data.description == "too few rows"
    assert data.metadata == {"rows": MetadataValue.int(3), "table": MetadataValue.text("orders")}


def test_failure_without_arguments_has_empty_user_failure_data() -> None:
    @op
    def fails():
        raise Failure()

    data = _user_failure_data(_run_alone(fails), "fails")

    assert data is not None
    assert (data.description, data.metadata) == (None, {})


def test_a_plain_exception_has_no_user_failure_data() -> None:
    @op
    def fails():
        raise ValueError("boom")

    assert _user_failure_data(_run_alone(fails), "fails") is None


def test_failure_description_is_in_the_step_failure_message() -> None:
    @op
    def check_rows():
        raise Failure("too few rows")

    (failure,) = _run_alone(check_rows).get_step_failure_events()

    assert failure.message == 'Execution of step "check_rows" failed: too few rows.'


def test_failure_is_reported_as_an_error_of_the_users_code() -> None:
    @op
    def check_rows():
        raise Failure("too few rows")

    failure = _run_alone(check_rows).failure_data_for_node("check_rows")

    assert failure is not None
    assert failure.error is not None
    assert failure.error_source == "USER_CODE_ERROR"
    assert failure.error.cls_name == "Failure"
    assert any("raise Failure" in line for line in failure.error.stack)


def test_failure_metadata_round_trips_through_the_event_log_json() -> None:
    @op
    def check_rows():
        raise Failure("too few rows", metadata={"rows": 3, "columns": ["id", "total"]})

    result = _run_alone(check_rows)

    (entry,) = [e for e in result.entries if e.event is not None and e.event.is_step_failure]
    restored = EventLogEntry.from_json(entry.to_json())
    assert restored.event is not None
    data = restored.event.step_failure_data.user_failure_data
    assert data is not None
    assert data.metadata == {
        "rows": MetadataValue.int(3),
        "columns": MetadataValue.json(["id", "total"]),
    }


def test_failure_metadata_without_a_metadata_form_fails_the_step_naming_the_label() -> None:
    class Table:
        pass

    @op
    def check_rows():
        raise Failure("too few rows", metadata={"table": Table()})

    result = _run_alone(check_rows)

    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "'table'" in failure.step_failure_data.error.message


def test_execute_in_process_raises_the_ops_failure() -> None:
    @op
    def check_rows():
        raise Failure("too few rows", metadata={"rows": 3})

    @job
    def single():
        check_rows()

    with pytest.raises(Failure, match="too few rows") as raised:
        single.execute_in_process()

    assert raised.value.metadata == {"rows": MetadataValue.int(3)}


def test_a_failure_is_retried_by_the_ops_retry_policy() -> None:
    attempts = []

    @op(retry_policy=RetryPolicy(max_retries=2))
    def check_rows(context):
        attempts.append(context.retry_number)
        raise Failure("too few rows")

    _run_alone(check_rows)

    assert attempts == [0, 1, 2]


def test_a_failure_that_disallows_retries_skips_the_retry_policy() -> None:
    attempts = []

    @op(retry_policy=RetryPolicy(max_retries=2))
    def check_rows(context):
        attempts.append(context.retry_number)
        raise Failure("the data is wrong; retrying will not help", allow_retries=False)

    result = _run_alone(check_rows)

    assert attempts == [0]
    assert not any(e.is_step_up_for_retry for e in result.all_events)
    assert result.is_node_failed("check_rows")


def test_a_failure_that_disallows_retries_fails_a_later_attempt_at_once() -> None:
    attempts = []

    @op(retry_policy=RetryPolicy(max_retries=3))
    def check_rows(context):
        attempts.append(context.retry_number)
        if context.retry_number == 0:
            raise ConnectionError("the service is down")
        raise Failure("the data is wrong", allow_retries=False)

    _run_alone(check_rows)

    assert attempts == [0, 1]


def test_a_failure_behind_an_exhausted_retry_request_keeps_its_data() -> None:
    @op
    def check_rows():
        try:
            raise Failure("too few rows", metadata={"rows": 3})
        except Failure as failure:
            raise RetryRequested(max_retries=1) from failure

    data = _user_failure_data(_run_alone(check_rows), "check_rows")

    assert data is not None
    assert (data.description, data.metadata) == ("too few rows", {"rows": MetadataValue.int(3)})
