"""Metadata about outputs: ``Output(metadata=...)`` and ``context.add_output_metadata(...)``.

Both land, normalized to metadata values, on the output's STEP_OUTPUT event
(added metadata wins over the Output's own on a shared key).
"""

from __future__ import annotations

import pytest

from dagwright import (
    DynamicOut,
    DynamicOutput,
    EventLogEntry,
    InvalidMetadataError,
    MetadataValue,
    Out,
    Output,
    RetryPolicy,
    job,
    op,
)
from dagwright.errors import OutputMetadataError


def _run(op_def, **kwargs):
    @job
    def single():
        op_def()

    return single.execute_in_process(**kwargs)


def _output_metadata(result, node: str) -> dict:
    return {
        (
            e.step_output_data.output_name,
            e.step_output_data.mapping_key,
        ): e.step_output_data.metadata
        for e in result.events_for_node(node)
        if e.is_successful_output
    }


def test_output_metadata_lands_on_the_step_output_event_normalized() -> None:
    @op
    def emit():
        return Output(5, metadata={"rows": 5, "source": "s3"})

    result = _run(emit)

    assert _output_metadata(result, "emit") == {
        ("result", None): {"rows": MetadataValue.int(5), "source": MetadataValue.text("s3")}
    }


def test_an_output_without_metadata_has_empty_metadata_on_its_event() -> None:
    result = _run(op(lambda: 1, name="plain"))

    assert _output_metadata(result, "plain") == {("result", None): {}}


def test_output_metadata_is_normalized_when_the_output_is_built() -> None:
    assert Output(1, metadata={"n": 2}).metadata == {"n": MetadataValue.int(2)}


def test_an_output_with_metadata_that_has_no_form_fails_naming_the_output_and_key() -> None:
    @op
    def emit():
        return Output(5, metadata={"frame": object()})

    with pytest.raises(InvalidMetadataError, match=r"Output 'result', metadata 'frame'"):
        _run(emit)


def test_dynamic_output_metadata_lands_on_its_own_event() -> None:
    @op(out=DynamicOut())
    def fan():
        yield DynamicOutput(1, mapping_key="a", metadata={"n": 1})
        yield DynamicOutput(2, mapping_key="b")

    result = _run(fan)

    assert _output_metadata(result, "fan") == {
        ("result", "a"): {"n": MetadataValue.int(1)},
        ("result", "b"): {},
    }


def test_added_metadata_lands_on_the_step_output_event() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"rows": 3})
        return 3

    result = _run(emit)

    assert _output_metadata(result, "emit") == {("result", None): {"rows": MetadataValue.int(3)}}


def test_added_metadata_merges_with_the_outputs_own_and_wins_on_a_shared_key() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"rows": 4, "added": True})
        return Output(3, metadata={"rows": 3, "own": "yes"})

    result = _run(emit)

    assert _output_metadata(result, "emit")[("result", None)] == {
        "rows": MetadataValue.int(4),
        "own": MetadataValue.text("yes"),
        "added": MetadataValue.bool(True),
    }


def test_added_metadata_goes_to_the_output_it_names() -> None:
    @op(out={"a": Out(), "b": Out()})
    def two(context):
        context.add_output_metadata({"for": "b"}, output_name="b")
        yield Output(1, "a")
        yield Output(2, "b")

    result = _run(two)

    assert _output_metadata(result, "two") == {
        ("a", None): {},
        ("b", None): {"for": MetadataValue.text("b")},
    }


def test_added_metadata_goes_to_the_dynamic_value_of_its_mapping_key() -> None:
    @op(out=DynamicOut())
    def fan(context):
        context.add_output_metadata({"n": 2}, mapping_key="b")
        yield DynamicOutput(1, mapping_key="a")
        yield DynamicOutput(2, mapping_key="b")

    result = _run(fan)

    assert _output_metadata(result, "fan") == {
        ("result", "a"): {},
        ("result", "b"): {"n": MetadataValue.int(2)},
    }


def test_added_metadata_does_not_land_on_handled_output() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"rows": 3})
        return Output(3, metadata={"own": 1})

    result = _run(emit)

    (handled,) = [e for e in result.all_events if e.is_handled_output]
    assert handled.event_specific_data.metadata == {}


def test_the_step_output_event_with_metadata_round_trips_through_json() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"link": MetadataValue.url("https://x.io"), "n": None})
        return Output(3, metadata={"sample": [1, 2]})

    result = _run(emit)

    for entry in result.entries:
        assert EventLogEntry.from_json(entry.to_json()) == entry


# --------------------------------------------------------------------------
# Mistakes are clear errors


def test_adding_metadata_twice_for_one_output_merges_with_the_later_value_winning() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"a": 1, "b": 1})
        context.add_output_metadata({"b": 2})
        return 1

    assert _output_metadata(_run(emit), "emit") == {
        ("result", None): {"a": MetadataValue.int(1), "b": MetadataValue.int(2)}
    }


def test_adding_metadata_for_an_unknown_output_names_the_outputs_and_a_close_match() -> None:
    @op(out={"rows": Out(), "cols": Out()})
    def two(context):
        context.add_output_metadata({"a": 1}, output_name="row")
        yield Output(1, "rows")
        yield Output(2, "cols")

    with pytest.raises(
        OutputMetadataError,
        match=r"names output 'row', which the op does not have \(outputs: 'rows', 'cols'\)\. "
        r"Did you mean 'rows'\?",
    ):
        _run(two)


def test_adding_metadata_without_output_name_when_there_are_several_outputs_is_an_error() -> None:
    @op(out={"a": Out(), "b": Out()})
    def two(context):
        context.add_output_metadata({"x": 1})
        yield Output(1, "a")
        yield Output(2, "b")

    with pytest.raises(OutputMetadataError, match="without output_name, but the op has 2 outputs"):
        _run(two)


def test_adding_metadata_after_the_output_was_produced_is_an_error() -> None:
    @op
    def emit(context):
        yield Output(1)
        context.add_output_metadata({"late": True})

    with pytest.raises(OutputMetadataError, match="output 'result', which was already produced"):
        _run(emit)


def test_adding_metadata_after_a_dynamic_value_was_produced_is_an_error() -> None:
    @op(out=DynamicOut())
    def fan(context):
        yield DynamicOutput(1, mapping_key="a")
        context.add_output_metadata({"late": True}, mapping_key="a")

    with pytest.raises(OutputMetadataError, match=r"\(mapping key 'a'\), which was already"):
        _run(fan)


def test_adding_metadata_for_a_dynamic_output_needs_a_mapping_key() -> None:
    @op(out=DynamicOut())
    def fan(context):
        context.add_output_metadata({"n": 1})
        yield DynamicOutput(1, mapping_key="a")

    with pytest.raises(OutputMetadataError, match=r"is dynamic: .* no mapping_key was given"):
        _run(fan)


def test_a_mapping_key_for_an_output_that_is_not_dynamic_is_an_error() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"n": 1}, mapping_key="a")
        return 1

    with pytest.raises(OutputMetadataError, match="output 'result' is not dynamic"):
        _run(emit)


def test_added_metadata_with_no_metadata_form_names_the_op_output_and_key() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"frame": object()})
        return 1

    with pytest.raises(InvalidMetadataError, match=r"op 'emit', output 'result', metadata 'frame'"):
        _run(emit)


def test_metadata_added_in_a_failed_attempt_does_not_count_in_the_retry() -> None:
    attempts = []

    @op(retry_policy=RetryPolicy(max_retries=1))
    def flaky(context):
        context.add_output_metadata({"attempt": context.retry_number})
        attempts.append(context.retry_number)
        if context.retry_number == 0:
            raise RuntimeError("first attempt fails")
        return 1

    result = _run(flaky)

    assert attempts == [0, 1]
    assert _output_metadata(result, "flaky") == {
        ("result", None): {"attempt": MetadataValue.int(1)}
    }
