"""Records: run records, run statuses, event types and error info."""

from __future__ import annotations

import pytest

from dagwright import ErrorInfo, EventType, Run, RunStatus

# --------------------------------------------------------------------------
# Run


def test_new_run_record_is_not_started() -> None:
    run = Run(run_id="r1", job_name="j")

    assert run.status is RunStatus.NOT_STARTED
    assert run.tags == {}
    assert run.run_config == {}
    assert run.op_selection is None


def test_with_status_returns_a_new_record_with_that_status() -> None:
    run = Run(run_id="r1", job_name="j", tags={"a": "b"})

    done = run.with_status(RunStatus.SUCCESS)

    assert done.status is RunStatus.SUCCESS
    assert (done.run_id, done.job_name, done.tags) == ("r1", "j", {"a": "b"})


def test_with_status_leaves_the_original_unchanged() -> None:
    run = Run(run_id="r1", job_name="j")

    run.with_status(RunStatus.FAILURE)

    assert run.status is RunStatus.NOT_STARTED


def test_run_record_is_immutable() -> None:
    run = Run(run_id="r1", job_name="j")

    with pytest.raises(AttributeError):
        run.status = RunStatus.SUCCESS  # type: ignore[misc]


@pytest.mark.parametrize("status", [RunStatus.SUCCESS, RunStatus.FAILURE, RunStatus.CANCELED])
def test_is_finished_for_final_statuses(status: RunStatus) -> None:
    assert Run(run_id="r1", job_name="j", status=status).is_finished is True


@pytest.mark.parametrize(
    "status",
    [
        RunStatus.QUEUED,
        RunStatus.NOT_STARTED,
        RunStatus.STARTING,
        RunStatus.STARTED,
        RunStatus.CANCELING,
    ],
)
def test_is_finished_is_false_before_the_end(status: RunStatus) -> None:
    assert Run(run_id="r1", job_name="j", status=status).is_finished is False


def test_is_success_and_is_failure_follow_the_status() -> None:
    success = Run(run_id="r1", job_name="j", status=RunStatus.SUCCESS)
    failure = Run(run_id="r2", job_name="j", status=RunStatus.FAILURE)

    assert (success.is_success, success.is_failure) == (True, False)
    assert (failure.is_success, failure.is_failure) == (False, True)


def test_run_records_with_equal_fields_are_equal() -> None:
    assert Run(run_id="r1", job_name="j") == Run(run_id="r1", job_name="j")
    assert Run(run_id="r1", job_name="j") != Run(run_id="r2", job_name="j")


# --------------------------------------------------------------------------
# RunStatus and EventType


def test_run_status_values_equal_their_names() -> None:
    for status in RunStatus:
        assert status.value == status.name


def test_run_status_has_dagsters_statuses() -> None:
    assert {s.name for s in RunStatus} >= {
        "QUEUED",
        "NOT_STARTED",
        "STARTING",
        "STARTED",
        "SUCCESS",
        "FAILURE",
        "CANCELING",
        "CANCELED",
    }


def test_run_status_compares_equal_to_its_string() -> None:
    assert RunStatus.SUCCESS == "SUCCESS"
    assert RunStatus("FAILURE") is RunStatus.FAILURE


def test_event_type_values_equal_their_names() -> None:
    for event_type in EventType:
        assert event_type.value == event_type.name


def test_run_event_types_use_run_names_not_pipeline_names() -> None:
    assert EventType.RUN_START.value == "RUN_START"
    assert EventType.RUN_SUCCESS.value == "RUN_SUCCESS"
    assert EventType.RUN_FAILURE.value == "RUN_FAILURE"
    assert not [t for t in EventType if "PIPELINE" in t.value]


def test_event_type_is_built_from_its_value() -> None:
    assert EventType("STEP_SUCCESS") is EventType.STEP_SUCCESS


def test_event_type_has_the_events_a_run_emits() -> None:
    assert {t.name for t in EventType} >= {
        "RUN_START",
        "RUN_SUCCESS",
        "RUN_FAILURE",
        "ENGINE_EVENT",
        "STEP_START",
        "STEP_INPUT",
        "STEP_OUTPUT",
        "STEP_SUCCESS",
        "STEP_FAILURE",
        "STEP_SKIPPED",
        "STEP_UP_FOR_RETRY",
        "STEP_RESTARTED",
        "LOADED_INPUT",
        "HANDLED_OUTPUT",
        "RESOURCE_INIT_STARTED",
        "RESOURCE_INIT_SUCCESS",
        "RESOURCE_INIT_FAILURE",
        "HOOK_COMPLETED",
        "HOOK_ERRORED",
        "HOOK_SKIPPED",
    }


# --------------------------------------------------------------------------
# ErrorInfo


def _raise_value_error() -> None:
    raise ValueError("boom")


def _caught(fn) -> BaseException:
    try:
        fn()
    except Exception as exc:
        return exc
    raise AssertionError("fn did not raise")


def _explicit_chain() -> None:
    try:
        _raise_value_error()
    except ValueError as exc:
        raise RuntimeError("wrapped") from exc


def _implicit_chain() -> None:
    try:
        _raise_value_error()
    except ValueError:
        raise RuntimeError("while handling")  # noqa: B904 - implicit chaining on purpose


def _suppressed_chain() -> None:
    try:
        _raise_value_error()
    except ValueError:
        raise RuntimeError("clean") from None


def test_from_exception_records_class_and_message() -> None:
    info = ErrorInfo.from_exception(_caught(_raise_value_error))

    assert info.cls_name == "ValueError"
    assert info.message.rstrip("\n") == "ValueError: boom"


def test_from_exception_message_of_a_non_builtin_names_its_module() -> None:
    class LocalError(Exception):
        pass

    def raise_local() -> None:
        raise LocalError("custom")

    info = ErrorInfo.from_exception(_caught(raise_local))

    assert info.cls_name == "LocalError"
    assert "LocalError: custom" in info.message
    assert __name__ in info.message


def test_from_exception_stack_holds_the_raising_frames() -> None:
    info = ErrorInfo.from_exception(_caught(_raise_value_error))

    stack = "".join(info.stack)
    assert "in _raise_value_error" in stack
    assert 'raise ValueError("boom")' in stack


def test_from_exception_of_an_exception_never_raised_has_an_empty_stack() -> None:
    info = ErrorInfo.from_exception(KeyError("k"))

    assert info.stack == []
    assert info.cls_name == "KeyError"
    assert info.cause is None
    assert info.context is None


def test_from_exception_follows_raise_from_into_cause() -> None:
    info = ErrorInfo.from_exception(_caught(_explicit_chain))

    assert info.cls_name == "RuntimeError"
    assert info.cause is not None
    assert info.cause.cls_name == "ValueError"
    assert "boom" in info.cause.message
    assert info.context is None


def test_cause_has_its_own_stack() -> None:
    info = ErrorInfo.from_exception(_caught(_explicit_chain))

    assert info.cause is not None
    assert "in _raise_value_error" in "".join(info.cause.stack)


def test_from_exception_follows_a_longer_cause_chain() -> None:
    def three_deep() -> None:
        try:
            _explicit_chain()
        except RuntimeError as exc:
            raise KeyError("outermost") from exc

    info = ErrorInfo.from_exception(_caught(three_deep))

    chain = []
    node: ErrorInfo | None = info
    while node is not None:
        chain.append(node.cls_name)
        node = node.cause
    assert chain == ["KeyError", "RuntimeError", "ValueError"]


def test_from_exception_follows_implicit_chaining_into_context() -> None:
    info = ErrorInfo.from_exception(_caught(_implicit_chain))

    assert info.cause is None
    assert info.context is not None
    assert info.context.cls_name == "ValueError"


def test_from_exception_drops_a_suppressed_context() -> None:
    info = ErrorInfo.from_exception(_caught(_suppressed_chain))

    assert info.cause is None
    assert info.context is None


def test_to_string_shows_traceback_and_message() -> None:
    text = ErrorInfo.from_exception(_caught(_raise_value_error)).to_string()

    assert "in _raise_value_error" in text
    assert text.rstrip("\n").endswith("ValueError: boom")


def test_to_string_of_a_cause_chain_shows_both_errors_linked() -> None:
    text = ErrorInfo.from_exception(_caught(_explicit_chain)).to_string()

    assert "ValueError: boom" in text
    assert "RuntimeError: wrapped" in text
    assert "The above exception was the direct cause of the following exception" in text


def test_to_string_of_a_cause_chain_reads_like_python_cause_first() -> None:
    text = ErrorInfo.from_exception(_caught(_explicit_chain)).to_string()

    link = text.index("direct cause")
    assert text.index("ValueError: boom") < link < text.index("RuntimeError: wrapped")


def test_to_string_of_an_implicit_chain_says_during_handling() -> None:
    text = ErrorInfo.from_exception(_caught(_implicit_chain)).to_string()

    assert "During handling of the above exception, another exception occurred" in text
    assert text.index("ValueError: boom") < text.index("RuntimeError: while handling")


def test_error_info_is_immutable() -> None:
    info = ErrorInfo.from_exception(_caught(_raise_value_error))

    with pytest.raises(AttributeError):
        info.message = "changed"  # type: ignore[misc]
