"""Asset checks: @asset_check and check_specs, recorded results, blocking checks."""

from __future__ import annotations

from typing import Any

import pytest

from dagwright import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetOut,
    AssetsDefinition,
    EventType,
    InvalidDefinitionError,
    Output,
    asset,
    asset_check,
    graph,
    graph_asset,
    graph_multi_asset,
    materialize,
    multi_asset,
    op,
)


@asset
def orders() -> list[Any]:
    return [1, None, 3]


@asset
def summary(orders: list[Any]) -> int:
    return len(orders)


def started(result: Any) -> list[str]:
    return [e.step_key for e in result.all_events if e.event_type is EventType.STEP_START]


def skipped(result: Any) -> list[str]:
    return [e.step_key for e in result.all_events if e.event_type is EventType.STEP_SKIPPED]


def evaluations(result: Any) -> dict[str, Any]:
    return {
        e.event_specific_data.check_name: e.event_specific_data
        for e in result.all_events
        if e.event_type is EventType.ASSET_CHECK_EVALUATION
    }


def test_an_asset_check_reads_its_asset_and_records_its_result() -> None:
    @asset_check(asset=orders)
    def no_nulls(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=None not in orders, metadata={"nulls": orders.count(None)})

    result = materialize([orders, no_nulls])

    evaluation = evaluations(result)["no_nulls"]
    assert evaluation.asset_key == AssetKey("orders")
    assert evaluation.passed is False
    assert evaluation.result.metadata["nulls"].value == 1


def test_a_check_that_does_not_read_its_asset_runs_after_it() -> None:
    @asset_check(asset=orders)
    def checked_later() -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    result = materialize([orders, checked_later])

    assert started(result) == ["orders", "orders_checked_later"]
    assert evaluations(result)["checked_later"].passed is True


def test_a_failed_non_blocking_check_does_not_stop_downstream_assets() -> None:
    @asset_check(asset=orders)
    def no_nulls(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.WARN)

    result = materialize([orders, no_nulls, summary])

    assert result.success
    assert result.output_for_node("summary") == 3


def test_a_failed_blocking_check_stops_the_assets_downstream_of_its_asset() -> None:
    @asset_check(asset=orders, blocking=True)
    def no_nulls(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=None not in orders)

    result = materialize([orders, no_nulls, summary], raise_on_error=False)

    assert not result.success
    (skipped,) = [e for e in result.all_events if e.event_type is EventType.STEP_SKIPPED]
    assert skipped.step_key == "summary"
    assert [m.asset_key for m in result.asset_materializations_for_node("orders")] == [
        AssetKey("orders")
    ]
    assert evaluations(result)["no_nulls"].blocking is True


def test_a_passed_blocking_check_lets_downstream_assets_run() -> None:
    @asset_check(asset=orders, blocking=True)
    def has_rows(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=len(orders) > 0)

    result = materialize([orders, has_rows, summary])

    assert result.output_for_node("summary") == 3


def test_a_failed_blocking_check_holds_back_a_multi_asset_with_several_assets_downstream() -> None:
    @asset_check(asset=orders, blocking=True)
    def complete(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=None not in orders)

    @multi_asset(outs={"rows": AssetOut(), "nulls": AssetOut()})
    def split(orders: list[Any]) -> Any:
        return len(orders), orders.count(None)

    result = materialize([orders, complete, split], raise_on_error=False)

    assert skipped(result) == ["split"]


def test_an_asset_reports_its_own_check_specs() -> None:
    @asset(check_specs=[AssetCheckSpec("positive", asset="total")])
    def total(orders: list[Any]) -> Any:
        value = sum(x or 0 for x in orders)
        yield Output(value)
        yield AssetCheckResult(passed=value > 0)

    result = materialize([orders, total])

    evaluation = evaluations(result)["positive"]
    assert (evaluation.asset_key, evaluation.passed) == (AssetKey("total"), True)


def test_a_failed_blocking_check_spec_of_an_asset_fails_its_step_after_it_materializes() -> None:
    @asset(check_specs=[AssetCheckSpec("positive", asset="total", blocking=True)])
    def total(orders: list[Any]) -> Any:
        yield Output(0)
        yield AssetCheckResult(passed=False)

    @asset
    def report(total: int) -> int:
        return total

    result = materialize([orders, total, report], raise_on_error=False)

    assert [m.asset_key for m in result.asset_materializations_for_node("total")] == [
        AssetKey("total")
    ]
    failure = next(e for e in result.all_events if e.event_type is EventType.STEP_FAILURE)
    assert failure.step_key == "total"
    assert "blocking asset check total:positive failed" in failure.message
    assert any(e.event_type is EventType.STEP_SKIPPED for e in result.all_events)


def test_a_check_of_an_asset_that_is_not_there_is_a_definition_error() -> None:
    @asset_check(asset="missing")
    def orphan() -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    with pytest.raises(InvalidDefinitionError) as raised:
        materialize([orders, orphan])

    assert "asset check 'orphan' checks asset 'missing'" in str(raised.value)


def test_two_checks_with_one_name_on_one_asset_are_a_definition_error() -> None:
    @asset_check(asset=orders, name="fresh")
    def first() -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    @asset_check(asset=orders, name="fresh")
    def second() -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    with pytest.raises(InvalidDefinitionError) as raised:
        materialize([orders, first, second])

    assert "two asset checks named 'fresh' of asset 'orders'" in str(raised.value)


def test_an_asset_check_needs_the_asset_it_checks() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:

        @asset_check
        def lonely() -> AssetCheckResult:
            return AssetCheckResult(passed=True)

    assert "@asset_check(asset=my_asset)" in str(raised.value)


def test_calling_a_check_directly_runs_its_function() -> None:
    @asset_check(asset=orders)
    def no_nulls(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=None not in orders)

    assert no_nulls([1, 2]).passed is True


def test_checks_are_recorded_by_the_instance() -> None:
    from dagwright import Instance

    @asset_check(asset=orders)
    def no_nulls(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=False)

    with Instance.ephemeral() as instance:
        materialize([orders, no_nulls], instance=instance)
        stored = [
            e
            for e in instance.all_logs(instance.get_runs()[0].run_id)
            if e.event_type is EventType.ASSET_CHECK_EVALUATION
        ]

    assert [e.event.event_specific_data.check_name for e in stored] == ["no_nulls"]  # type: ignore[union-attr]


# --------------------------------------------------------------------------
# Blocking checks and graph-backed assets


@op
def count(orders: list[Any]) -> int:
    return len(orders)


@op
def double(n: int) -> int:
    return 2 * n


@op
def five() -> int:
    return 5


@graph
def doubled(n: int) -> int:
    return double(n)


@graph_asset
def graph_summary(orders: list[Any]) -> int:
    return double(count(orders))


@graph_multi_asset(outs={"counted": AssetOut(), "constant": AssetOut()})
def graph_pair(orders: list[Any]) -> Any:
    # a nested graph, an op used twice (once under an alias), an op with no input
    return doubled(count(orders)), double.alias("double_five")(five())


@graph
def summary_graph(orders: list[Any]) -> int:
    return double(count(orders))


from_graph = AssetsDefinition.from_graph(
    summary_graph, keys_by_output_name={"result": AssetKey("graph_total")}
)


@pytest.mark.parametrize(
    ("downstream", "steps"),
    [
        (graph_summary, ["graph_summary.count", "graph_summary.double"]),
        (
            graph_pair,
            [
                "graph_pair.count",
                "graph_pair.double_five",
                "graph_pair.doubled.double",
                "graph_pair.five",
            ],
        ),
        (from_graph, ["summary_graph.count", "summary_graph.double"]),
    ],
    ids=["graph_asset", "graph_multi_asset", "from_graph"],
)
def test_a_failed_blocking_check_holds_back_every_step_of_a_graph_backed_downstream_asset(
    downstream: AssetsDefinition, steps: list[str]
) -> None:
    @asset_check(asset=orders, blocking=True)
    def complete(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=None not in orders)

    result = materialize([orders, complete, downstream], raise_on_error=False)

    assert started(result) == ["orders", "orders_complete"]
    assert sorted(skipped(result)) == steps
    assert [e.asset_key for e in result.get_asset_materialization_events()] == [AssetKey("orders")]
