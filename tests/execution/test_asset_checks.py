"""Asset checks: @asset_check and check_specs, recorded results, blocking checks, selecting
checks."""

from __future__ import annotations

from typing import Any

import pytest

from dagwright import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetIn,
    AssetKey,
    AssetOut,
    AssetsDefinition,
    AssetSelection,
    Config,
    ConfigurableResource,
    Definitions,
    EventType,
    Instance,
    InvalidDefinitionError,
    Output,
    asset,
    asset_check,
    define_asset_job,
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


class Warehouse(ConfigurableResource):
    nulls_allowed: int


def test_a_check_with_only_a_typed_resource_parameter_gets_it_and_waits_for_its_asset() -> None:
    @asset_check(asset=orders)
    def few_nulls(context: Any, warehouse: Warehouse) -> AssetCheckResult:
        return AssetCheckResult(passed=warehouse.nulls_allowed > 0)

    result = materialize([orders, few_nulls], resources={"warehouse": Warehouse(nulls_allowed=1)})

    assert started(result) == ["orders", "orders_few_nulls"]
    assert evaluations(result)["few_nulls"].passed is True


def test_a_check_reads_its_asset_beside_a_typed_resource_parameter() -> None:
    @asset_check(asset=orders)
    def few_nulls(warehouse: Warehouse, rows: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=rows.count(None) <= warehouse.nulls_allowed)

    result = materialize([orders, few_nulls], resources={"warehouse": Warehouse(nulls_allowed=1)})

    assert evaluations(result)["few_nulls"].passed is True


def test_a_check_taking_only_config_gets_its_config() -> None:
    class Threshold(Config):
        least: int

    @asset_check(asset=orders)
    def big_enough(config: Threshold) -> AssetCheckResult:
        return AssetCheckResult(passed=config.least <= 3)

    result = materialize(
        [orders, big_enough],
        run_config={"ops": {"orders_big_enough": {"config": {"least": 2}}}},
    )

    assert evaluations(result)["big_enough"].passed is True


def test_a_check_reads_other_assets_through_additional_ins() -> None:
    @asset_check(asset=orders, additional_ins={"count": AssetIn("summary")})
    def counted(orders: list[Any], count: int) -> AssetCheckResult:
        return AssetCheckResult(passed=len(orders) == count)

    result = materialize([orders, summary, counted])

    assert started(result)[-1] == "orders_counted"
    assert evaluations(result)["counted"].passed is True


def test_a_check_reads_its_asset_through_the_parameter_named_after_it_in_any_place() -> None:
    @asset_check(asset=orders, additional_ins={"summary": AssetIn()})
    def counted(summary: int, orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=isinstance(orders, list) and summary == 3)

    result = materialize([orders, summary, counted])

    assert evaluations(result)["counted"].passed is True


def test_a_check_run_without_the_assets_it_reads_loads_them_from_storage() -> None:
    @asset_check(asset=orders, additional_ins={"count": AssetIn("summary")})
    def counted(orders: list[Any], count: int) -> AssetCheckResult:
        return AssetCheckResult(passed=len(orders) == count)

    with Instance.local_temp() as instance:
        materialize([orders, summary], instance=instance)
        result = materialize(
            [orders, summary, counted],
            selection=AssetSelection.checks(counted),
            instance=instance,
        )

    assert started(result) == ["orders_counted"]
    assert evaluations(result)["counted"].passed is True


def test_a_check_with_two_parameters_none_named_after_its_asset_is_a_definition_error() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:

        @asset_check(asset=orders)
        def ambiguous(rows: list[Any], other: list[Any]) -> AssetCheckResult:
            return AssetCheckResult(passed=True)

    text = str(raised.value)
    assert "parameters 'rows', 'other' read no asset" in text
    assert "additional_ins" in text


def test_additional_ins_naming_no_parameter_is_a_definition_error() -> None:
    with pytest.raises(InvalidDefinitionError, match="additional_ins names 'count'"):

        @asset_check(asset=orders, additional_ins={"count": AssetIn("summary")})
        def counted(orders: list[Any]) -> AssetCheckResult:
            return AssetCheckResult(passed=True)


def test_a_check_reading_an_asset_nobody_defines_is_a_definition_error() -> None:
    @asset_check(asset=orders, additional_ins={"limits": AssetIn()})
    def within(orders: list[Any], limits: int) -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    with pytest.raises(InvalidDefinitionError) as raised:
        materialize([orders, within])

    assert "asset check 'within' depends on asset 'limits', which none of" in str(raised.value)


def test_a_check_waiting_for_an_asset_nobody_defines_waits_for_an_external_asset() -> None:
    @asset_check(asset=orders, additional_deps=["lake/limits"])
    def within(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    result = materialize([orders, within])

    assert evaluations(result)["within"].passed is True


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


def test_a_check_spec_key_is_an_asset_check_key() -> None:
    @asset_check(asset=orders)
    def no_nulls(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=True)

    assert no_nulls.check_key == AssetCheckKey(AssetKey("orders"), "no_nulls")
    assert AssetCheckSpec("fresh", asset="orders").key == AssetCheckKey(AssetKey("orders"), "fresh")


# --------------------------------------------------------------------------
# Selecting checks


@asset_check(asset=orders)
def no_nulls(orders: list[Any]) -> AssetCheckResult:
    return AssetCheckResult(passed=None not in orders, metadata={"rows": len(orders)})


@asset_check(asset=orders)
def has_rows() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


def test_a_job_of_checks_for_assets_runs_the_checks_on_the_stored_asset_without_materializing() -> (
    None
):
    defs = Definitions(
        assets=[orders],
        asset_checks=[no_nulls, has_rows],
        jobs=[define_asset_job("checks", selection=AssetSelection.checks_for_assets(orders))],
    )
    with Instance.local_temp() as instance:
        materialize([orders], instance=instance)
        result = defs.get_job_def("checks").execute_in_process(instance=instance)

    assert sorted(started(result)) == ["orders_has_rows", "orders_no_nulls"]
    assert result.get_asset_materialization_events() == []
    assert evaluations(result)["no_nulls"].result.metadata["rows"].value == 3


def test_a_job_of_all_asset_checks_runs_those_that_run_alone_not_those_of_assets() -> None:
    @asset(check_specs=[AssetCheckSpec("ok", asset="audited")])
    def audited():
        yield Output(1)
        yield AssetCheckResult(passed=True)

    defs = Definitions(
        assets=[orders, audited],
        asset_checks=[no_nulls],
        jobs=[define_asset_job("checks", selection=AssetSelection.all_asset_checks())],
    )
    with Instance.local_temp() as instance:
        materialize([orders], instance=instance)
        result = defs.get_job_def("checks").execute_in_process(instance=instance)

    assert started(result) == ["orders_no_nulls"]


def test_an_asset_job_without_checks_materializes_the_asset_and_runs_no_check() -> None:
    defs = Definitions(
        assets=[orders],
        asset_checks=[no_nulls, has_rows],
        jobs=[define_asset_job("bare", selection=AssetSelection.assets(orders).without_checks())],
    )

    result = defs.get_job_def("bare").execute_in_process()

    assert started(result) == ["orders"]
    assert evaluations(result) == {}


def test_materialize_with_a_check_selection_runs_only_that_check() -> None:
    with Instance.local_temp() as instance:
        materialize([orders], instance=instance)
        result = materialize(
            [orders, no_nulls, has_rows],
            instance=instance,
            selection=AssetSelection.checks(has_rows),
        )

    assert started(result) == ["orders_has_rows"]
    assert list(evaluations(result)) == ["has_rows"]


def test_a_failed_blocking_check_run_without_its_asset_holds_back_a_selected_downstream_asset() -> (
    None
):
    @asset_check(asset=orders, blocking=True)
    def complete(orders: list[Any]) -> AssetCheckResult:
        return AssetCheckResult(passed=None not in orders)

    selection = AssetSelection.checks_for_assets(orders) | AssetSelection.assets(summary)
    with Instance.local_temp() as instance:
        materialize([orders], instance=instance)
        result = materialize(
            [orders, complete, summary],
            instance=instance,
            selection=selection,
            raise_on_error=False,
        )

    assert started(result) == ["orders_complete"]
    assert skipped(result) == ["summary"]


def test_a_check_declared_on_its_asset_cannot_be_selected_without_the_asset() -> None:
    @asset(check_specs=[AssetCheckSpec("positive", asset="total")])
    def total() -> Any:
        yield Output(1)
        yield AssetCheckResult(passed=True)

    with pytest.raises(InvalidDefinitionError) as raised:
        materialize([total], selection=AssetSelection.checks_for_assets(total))

    assert "takes asset check 'total:positive' without asset 'total'" in str(raised.value)


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


def test_the_result_lists_each_check_evaluation_with_its_outcome() -> None:
    @asset_check(asset=orders)
    def few_nulls(orders):
        nulls = sum(o is None for o in orders)
        return AssetCheckResult(
            passed=nulls == 0, severity=AssetCheckSeverity.WARN, metadata={"nulls": nulls}
        )

    result = materialize([orders, few_nulls])

    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.asset_check_key == AssetCheckKey(orders.key, "few_nulls")
    assert evaluation.passed is False
    assert evaluation.severity == AssetCheckSeverity.WARN
    assert evaluation.metadata["nulls"].value == 1
