"""What ops report in a run: asset materializations and observations, expectation results.

Each becomes an event of the step (yielded or passed to ``context.log_event``),
carrying the report whole; results and events have accessors for them.
"""

from __future__ import annotations

import pytest

from dagwright import (
    AssetKey,
    AssetMaterialization,
    AssetObservation,
    EventLogEntry,
    EventType,
    ExpectationResult,
    InvalidInvocationError,
    MetadataValue,
    Out,
    Output,
    TableSchema,
    graph,
    job,
    op,
)
from dagwright.errors import InvalidOutputError

E = EventType


def _run(op_def, **kwargs):
    @job
    def single():
        op_def()

    return single.execute_in_process(**kwargs)


# --------------------------------------------------------------------------
# Yielded or logged reports become events


def test_a_yielded_materialization_is_an_asset_materialization_event_of_the_step() -> None:
    @op(out={})
    def write_orders():
        yield AssetMaterialization("orders", description="nightly", metadata={"rows": 3})

    result = _run(write_orders)

    (event,) = result.get_asset_materialization_events()
    assert event.event_type == E.ASSET_MATERIALIZATION
    assert (event.step_key, event.node_handle) == ("write_orders", "write_orders")
    assert event.step_materialization_data.materialization == AssetMaterialization(
        "orders", description="nightly", metadata={"rows": MetadataValue.int(3)}
    )
    assert event.message == "Materialized value orders."


def test_a_materialization_passed_to_log_event_is_recorded_while_the_op_returns_a_value() -> None:
    @op
    def write_orders(context):
        context.log_event(AssetMaterialization(["db", "orders"]))
        return 5

    result = _run(write_orders)

    assert result.asset_materializations_for_node("write_orders") == [
        AssetMaterialization(AssetKey(["db", "orders"]))
    ]
    assert result.output_for_node("write_orders") == 5


def test_an_observation_is_an_asset_observation_event() -> None:
    @op
    def look(context):
        context.log_event(AssetObservation("orders", metadata={"rows": 10}))

    result = _run(look)

    (event,) = result.get_asset_observation_events()
    assert event.event_type == E.ASSET_OBSERVATION
    assert event.asset_observation_data.asset_observation.metadata == {
        "rows": MetadataValue.int(10)
    }
    assert result.asset_observations_for_node("look")[0].asset_key == AssetKey("orders")


def test_an_expectation_result_is_a_step_expectation_result_event_saying_pass_or_fail() -> None:
    @op(out={})
    def check():
        yield ExpectationResult(True, "has_rows")
        yield ExpectationResult(False, "no_nulls", metadata={"nulls": 2})

    result = _run(check)

    events = [e for e in result.all_events if e.is_expectation_result]
    assert [e.message for e in events] == [
        "Expectation has_rows passed.",
        "Expectation no_nulls failed.",
    ]
    assert [r.success for r in result.expectation_results_for_node("check")] == [True, False]
    assert events[1].step_expectation_result_data.expectation_result.metadata == {
        "nulls": MetadataValue.int(2)
    }


def test_a_failed_expectation_does_not_fail_the_step() -> None:
    @op(out={})
    def check():
        yield ExpectationResult(False, "no_nulls")

    assert _run(check).success


def test_reports_are_recorded_in_order_with_the_outputs() -> None:
    @op(out={"a": Out(), "b": Out()})
    def two(context):
        context.log_event(AssetMaterialization("first"))
        yield Output(1, "a")
        yield AssetObservation("second")
        yield Output(2, "b")
        context.log_event(ExpectationResult(True, "third"))

    result = _run(two)

    kinds = [
        e.event_type
        for e in result.events_for_node("two")
        if e.event_type
        in (E.STEP_OUTPUT, E.ASSET_MATERIALIZATION, E.ASSET_OBSERVATION, E.STEP_EXPECTATION_RESULT)
    ]
    assert kinds == [
        E.ASSET_MATERIALIZATION,
        E.STEP_OUTPUT,
        E.ASSET_OBSERVATION,
        E.STEP_OUTPUT,
        E.STEP_EXPECTATION_RESULT,
    ]


def test_an_async_generator_op_can_yield_reports() -> None:
    @op(out={})
    async def write():
        yield AssetMaterialization("orders")

    assert len(_run(write).asset_materializations_for_node("write")) == 1


def test_log_event_with_something_that_is_not_a_report_fails_the_step_naming_the_op() -> None:
    @op
    def chatty(context):
        context.log_event("done")

    with pytest.raises(
        InvalidInvocationError, match=r"op 'chatty': context.log_event was given str"
    ):
        _run(chatty)


def test_yielding_something_that_is_neither_an_output_nor_a_report_names_both() -> None:
    @op(out={})
    def odd():
        yield 3

    with pytest.raises(InvalidOutputError, match="may yield AssetMaterialization"):
        _run(odd)


# --------------------------------------------------------------------------
# Reading them back


def test_reports_of_ops_inside_a_graph_are_found_by_the_graph_name_and_the_op_path() -> None:
    @op
    def write(context):
        context.log_event(AssetMaterialization("orders"))

    @graph
    def load():
        write()

    @job
    def nightly():
        load()

    result = nightly.execute_in_process()

    assert len(result.asset_materializations_for_node("load")) == 1
    assert len(result.asset_materializations_for_node("load.write")) == 1
    assert result.asset_materializations_for_node("other") == []


def test_event_accessors_give_the_asset_key_and_partition() -> None:
    @op
    def write(context):
        context.log_event(AssetMaterialization("orders", partition="2024-01-01"))
        context.log_event(AssetObservation(["raw", "orders"]))

    result = _run(write)

    materialized, observed = [e for e in result.all_events if e.asset_key is not None]
    assert materialized.is_step_materialization
    assert materialized.is_asset_materialization
    assert (materialized.asset_key, materialized.partition) == (AssetKey("orders"), "2024-01-01")
    assert observed.is_asset_observation
    assert (observed.asset_key, observed.partition) == (AssetKey(["raw", "orders"]), None)


def test_other_events_have_no_asset_key_and_no_report_data() -> None:
    result = _run(op(lambda: 1, name="plain"))

    start = result.all_events[0]
    assert start.asset_key is None
    assert start.partition is None
    with pytest.raises(ValueError, match="no materialization data"):
        start.step_materialization_data
    with pytest.raises(ValueError, match="no asset observation data"):
        start.asset_observation_data
    with pytest.raises(ValueError, match="no expectation result data"):
        start.step_expectation_result_data


def test_log_entries_give_the_materialization_or_observation_they_record() -> None:
    @op
    def write(context):
        context.log_event(AssetMaterialization("orders"))
        context.log_event(AssetObservation("orders"))

    result = _run(write)

    materializations = [e.asset_materialization for e in result.entries if e.asset_materialization]
    observations = [e.asset_observation for e in result.entries if e.asset_observation]
    assert materializations == [AssetMaterialization("orders")]
    assert observations == [AssetObservation("orders")]


# --------------------------------------------------------------------------
# JSON


def test_report_events_round_trip_through_json_with_typed_metadata() -> None:
    metadata = {
        "rows": 3,
        "ratio": 0.5,
        "ok": True,
        "owner": "data",
        "sample": {"ids": [1, 2]},
        "link": MetadataValue.url("https://x.io"),
        "upstream": AssetKey("raw"),
        "nothing": None,
        "schema": TableSchema.from_name_type_dict({"id": "int"}),
    }

    @op(out={})
    def report():
        yield AssetMaterialization("orders", "d", metadata, "p", {"t": "v"})
        yield AssetObservation("orders", metadata=metadata)
        yield ExpectationResult(True, "ok", metadata=metadata)

    result = _run(report)

    entries = [e for e in result.entries if e.event and e.event.step_key == "report"]
    assert len(entries) == 5  # start, three reports, success
    for entry in entries:
        assert EventLogEntry.from_json(entry.to_json()) == entry
    assert b'"rows":{"type":"int","value":3}' in entries[1].to_json()
