"""Calling an op directly (in a unit test) that reports about assets or adds output metadata."""

from __future__ import annotations

import pytest

from dagwright import (
    AssetMaterialization,
    AssetObservation,
    DynamicOut,
    DynamicOutput,
    ExpectationResult,
    InvalidInvocationError,
    MetadataValue,
    Output,
    build_op_context,
    op,
)
from dagwright.errors import OutputMetadataError


def test_a_generator_op_called_directly_yields_its_reports_with_its_outputs() -> None:
    @op
    def write():
        yield AssetMaterialization("orders")
        yield ExpectationResult(True, "has_rows")
        yield Output(3)

    assert list(write()) == [
        AssetMaterialization("orders"),
        ExpectationResult(True, "has_rows"),
        Output(3),
    ]


def test_reports_passed_to_log_event_are_kept_on_the_context() -> None:
    @op
    def write(context):
        context.log_event(AssetMaterialization("orders"))
        context.log_event(AssetObservation("raw"))
        return 1

    context = build_op_context()

    assert write(context) == 1
    assert context.get_events() == [AssetMaterialization("orders"), AssetObservation("raw")]


def test_log_event_with_something_that_is_not_a_report_raises_naming_the_op() -> None:
    @op
    def chatty(context):
        context.log_event({"done": True})

    with pytest.raises(InvalidInvocationError, match=r"op 'chatty': context.log_event was given"):
        chatty(build_op_context())


def test_added_output_metadata_is_read_back_from_the_context() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"rows": 3})
        return 3

    context = build_op_context()
    emit(context)

    assert context.get_output_metadata("result") == {"rows": MetadataValue.int(3)}


def test_added_metadata_for_a_dynamic_value_is_read_back_by_mapping_key() -> None:
    @op(out=DynamicOut())
    def fan(context):
        context.add_output_metadata({"n": 1}, mapping_key="a")
        yield DynamicOutput(1, mapping_key="a")

    context = build_op_context()
    list(fan(context))

    assert context.get_output_metadata("result", mapping_key="a") == {"n": MetadataValue.int(1)}
    assert context.get_output_metadata("result") is None


def test_adding_output_metadata_twice_merges_with_the_later_value_winning() -> None:
    @op
    def emit(context):
        context.add_output_metadata({"a": 1, "b": 1})
        context.add_output_metadata({"b": 2})
        return 1

    context = build_op_context()
    emit(context)
    assert context.get_output_metadata("result") == {
        "a": MetadataValue.int(1),
        "b": MetadataValue.int(2),
    }


def test_adding_output_metadata_after_yielding_the_output_raises() -> None:
    @op
    def emit(context):
        yield Output(1)
        context.add_output_metadata({"late": True})

    with pytest.raises(OutputMetadataError, match="already produced"):
        list(emit(build_op_context()))


def test_a_second_call_with_the_same_context_starts_afresh() -> None:
    @op
    def emit(context):
        context.log_event(AssetMaterialization("orders"))
        context.add_output_metadata({"rows": 3})
        return 3

    context = build_op_context()
    emit(context)
    emit(context)

    assert context.get_events() == [AssetMaterialization("orders")]
    assert context.get_output_metadata("result") == {"rows": MetadataValue.int(3)}
