"""Asset jobs: define_asset_job in Definitions and @repository, what their runs materialize
and record, subsets that read earlier materializations, multi-asset subsets, graph-backed
assets (and subsets of them, which run only the ops the selection needs), source assets,
and an asset job run on the multiprocess executor."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    AssetIn,
    AssetKey,
    AssetNotLoadableError,
    AssetOut,
    AssetSelection,
    AssetSpec,
    ConfigurableResource,
    Definitions,
    EventType,
    GraphOut,
    In,
    InputManager,
    Instance,
    InvalidDefinitionError,
    IOManager,
    MetadataValue,
    Nothing,
    Out,
    Output,
    SourceAsset,
    StaticPartitionsDefinition,
    UnknownAssetKeyError,
    asset,
    define_asset_job,
    graph,
    graph_asset,
    graph_multi_asset,
    in_process_executor,
    job,
    materialize,
    multi_asset,
    multiprocess_executor,
    op,
    reconstructable,
    repository,
)
from dagwright.errors import InvalidOutputError


def _materialized(result: Any) -> list[str]:
    """The asset keys a run materialized, in event order, as user strings."""
    return [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()]


@asset
def asset1():
    return [1, 2, 3]


@asset
def asset2(asset1):
    return [*asset1, 4]


@asset(group_name="reports")
def asset3(asset2):
    return len(asset2)


class KeyedIOManager(IOManager):
    """Keeps values by asset key, and records the asset keys its contexts carried."""

    def __init__(self, stored: dict[tuple[str, ...], Any] | None = None) -> None:
        self.stored = dict(stored or {})
        self.handled: list[list[str]] = []
        self.loaded: list[list[str]] = []

    def handle_output(self, context, obj):
        self.handled.append(context.get_asset_identifier())
        self.stored[tuple(context.asset_key.path)] = obj

    def load_input(self, context):
        self.loaded.append(list(context.asset_key.path))
        return self.stored[tuple(context.asset_key.path)]


# --------------------------------------------------------------------------
# define_asset_job in Definitions and @repository


def test_a_job_without_a_selection_materializes_every_asset_in_dependency_order() -> None:
    defs = Definitions(assets=[asset3, asset2, asset1], jobs=[define_asset_job("all_assets")])

    result = defs.get_job_def("all_assets").execute_in_process()

    assert result.success
    assert _materialized(result) == ["asset1", "asset2", "asset3"]
    assert result.output_for_node("asset3") == 4


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ("asset2", ["asset2"]),
        ("*asset2", ["asset1", "asset2"]),
        ("asset2+", ["asset2", "asset3"]),
        ("group:reports", ["asset3"]),
        (["asset1", "asset3"], ["asset1", "asset3"]),
        (AssetSelection.assets(asset1, asset2), ["asset1", "asset2"]),
        (AssetSelection.keys("asset3").upstream(), ["asset1", "asset2", "asset3"]),
        (AssetSelection.groups("reports"), ["asset3"]),
    ],
)
def test_the_selection_says_which_assets_the_job_materializes(
    selection: Any, expected: list[str], persistent_instance: Instance
) -> None:
    materialize([asset1, asset2, asset3], instance=persistent_instance)
    defs = Definitions(assets=[asset1, asset2, asset3], jobs=[define_asset_job("j", selection)])

    result = defs.get_job_def("j").execute_in_process(instance=persistent_instance)

    assert _materialized(result) == expected


def test_an_asset_job_in_a_repository_is_built_against_the_repositorys_assets() -> None:
    @repository
    def repo():
        return [asset1, asset2, define_asset_job("first", selection="asset1")]

    result = repo.get_job("first").execute_in_process()

    assert repo.job_names == ["first"]
    assert _materialized(result) == ["asset1"]


def test_definitions_hold_asset_jobs_and_op_jobs_side_by_side() -> None:
    @op
    def ping():
        return 1

    @job
    def ops_job():
        ping()

    defs = Definitions(assets=[asset1], jobs=[ops_job, define_asset_job("assets_job")])

    assert sorted(defs.job_names) == ["assets_job", "ops_job"]
    assert defs.get_job_def("ops_job").execute_in_process().success


def test_a_selection_of_only_external_assets_is_an_error_saying_what_to_select() -> None:
    with pytest.raises(InvalidDefinitionError, match="no asset to materialize") as caught:
        Definitions(assets=[AssetSpec("raw")], jobs=[define_asset_job("j", "raw")])

    assert "asset job 'j'" in str(caught.value)


def test_an_unknown_asset_in_a_selection_is_an_error_suggesting_the_nearest_one() -> None:
    with pytest.raises(UnknownAssetKeyError, match=r"names asset 'asset22'.*Did you mean 'asset2'"):
        Definitions(assets=[asset1, asset2], jobs=[define_asset_job("j", "asset22")])


def test_an_unknown_job_name_suggests_the_nearest_one() -> None:
    defs = Definitions(assets=[asset1], jobs=[define_asset_job("all_assets")])

    with pytest.raises(InvalidDefinitionError, match="Did you mean 'all_assets'"):
        defs.get_job_def("all_asets")


def test_the_implicit_asset_job_materializes_every_asset() -> None:
    defs = Definitions(assets=[asset1, asset2])

    result = defs.get_implicit_global_asset_job_def().execute_in_process()

    assert _materialized(result) == ["asset1", "asset2"]


def test_config_and_tags_of_define_asset_job_reach_the_run() -> None:
    @asset(config_schema={"factor": int})
    def scaled(context):
        return context.op_config["factor"] * 2

    job_def = define_asset_job(
        "j", config={"ops": {"scaled": {"config": {"factor": 5}}}}, tags={"team": "data"}
    )
    defs = Definitions(assets=[scaled], jobs=[job_def])

    result = defs.get_job_def("j").execute_in_process()

    assert result.output_for_node("scaled") == 10
    assert result.run.tags["team"] == "data"


# --------------------------------------------------------------------------
# Resources and executor from Definitions


class Warehouse(ConfigurableResource):
    url: str


def test_definitions_resources_are_bound_to_asset_jobs() -> None:
    @asset
    def orders(warehouse: Warehouse):
        return warehouse.url

    defs = Definitions(
        assets=[orders],
        jobs=[define_asset_job("j")],
        resources={"warehouse": Warehouse(url="db://prod")},
    )

    assert defs.get_job_def("j").execute_in_process().output_for_node("orders") == "db://prod"


def test_a_resource_an_op_job_binds_itself_wins_over_the_definitions_one() -> None:
    @op(required_resource_keys={"name"})
    def hello(context):
        return context.resources.name

    @job(resource_defs={"name": "job"})
    def greet():
        hello()

    defs = Definitions(jobs=[greet], resources={"name": "definitions"})

    assert defs.get_job_def("greet").execute_in_process().output_for_node("hello") == "job"


def test_the_definitions_executor_is_bound_to_every_job_naming_none() -> None:
    defs = Definitions(
        assets=[asset1],
        jobs=[
            define_asset_job("default"),
            define_asset_job("own", executor_def=in_process_executor),
        ],
        executor=multiprocess_executor,
    )

    assert defs.get_job_def("default").executor_def is multiprocess_executor
    assert defs.get_job_def("own").executor_def is in_process_executor


def test_an_asset_needing_a_resource_nobody_binds_is_an_error_naming_it_and_the_fix() -> None:
    @asset(required_resource_keys={"slack"})
    def orders():
        return 1

    with pytest.raises(InvalidDefinitionError) as caught:
        Definitions(assets=[orders], jobs=[define_asset_job("j")])

    text = str(caught.value)
    assert "asset job 'j': op 'orders' requires resource 'slack'" in text
    assert "Definitions(resources={'slack': ...})" in text


# --------------------------------------------------------------------------
# ASSET_MATERIALIZATION events


def test_each_asset_output_is_followed_by_its_materialization_event() -> None:
    result = materialize([asset1])

    kinds = [
        e.event_type
        for e in result.events_for_node("asset1")
        if e.event_type
        in (EventType.STEP_OUTPUT, EventType.HANDLED_OUTPUT, EventType.ASSET_MATERIALIZATION)
    ]
    assert kinds == [
        EventType.STEP_OUTPUT,
        EventType.HANDLED_OUTPUT,
        EventType.ASSET_MATERIALIZATION,
    ]
    (event,) = result.get_asset_materialization_events()
    assert event.asset_key == AssetKey("asset1")
    assert event.step_key == "asset1"
    assert event.message == "Materialized value asset1."


def test_result_gives_an_assets_materializations_and_value_by_node() -> None:
    result = materialize([asset1, asset2])

    (materialization,) = result.asset_materializations_for_node("asset2")
    assert materialization.asset_key == AssetKey("asset2")
    assert result.output_for_node("asset2") == [1, 2, 3, 4]


def test_output_metadata_is_on_the_materialization() -> None:
    @asset
    def orders():
        return Output([1, 2], metadata={"rows": 2})

    (materialization,) = materialize([orders]).asset_materializations_for_node("orders")

    assert materialization.metadata == {"rows": MetadataValue.int(2)}


def test_metadata_added_through_the_context_is_on_the_materialization() -> None:
    @asset
    def orders(context):
        context.add_output_metadata({"rows": 3, "source": "api"})
        return [1, 2, 3]

    (materialization,) = materialize([orders]).asset_materializations_for_node("orders")

    assert materialization.metadata == {
        "rows": MetadataValue.int(3),
        "source": MetadataValue.text("api"),
    }


def test_the_filesystem_io_manager_stores_an_asset_under_its_key_and_records_the_path(
    persistent_instance: Instance,
) -> None:
    @asset(key_prefix=["warehouse"])
    def orders():
        return [1]

    (materialization,) = materialize(
        [orders], instance=persistent_instance
    ).asset_materializations_for_node("warehouse__orders")

    path = Path(materialization.metadata["path"].value)
    assert path == Path(persistent_instance.storage_directory()) / "warehouse" / "orders"
    assert path.exists()


def test_a_partitioned_asset_is_materialized_for_the_runs_partition(
    persistent_instance: Instance,
) -> None:
    @asset(partitions_def=StaticPartitionsDefinition(["eu", "us"]))
    def sales(context):
        return context.partition_key

    result = materialize([sales], partition_key="us", instance=persistent_instance)

    (event,) = result.get_asset_materialization_events()
    assert event.partition == "us"
    path = Path(event.step_materialization_data.materialization.metadata["path"].value)
    assert path.parts[-2:] == ("sales", "us")


def test_io_manager_contexts_carry_the_asset_key() -> None:
    manager = KeyedIOManager()

    @asset(key_prefix="wh", io_manager_key="keyed")
    def orders():
        return [1]

    @asset(ins={"orders": AssetIn(key=["wh", "orders"])})
    def total(orders):
        return sum(orders)

    materialize([orders, total], resources={"keyed": manager})

    assert manager.handled == [["wh", "orders"]]
    assert manager.loaded == [["wh", "orders"]]


def test_an_asset_returning_none_records_a_materialization_and_stores_nothing(
    persistent_instance: Instance,
) -> None:
    @asset
    def table() -> None:
        pass  # writes the table itself

    @asset(deps=[table])
    def report() -> None:
        pass

    result = materialize([table, report], instance=persistent_instance)

    assert _materialized(result) == ["table", "report"]
    assert not (Path(persistent_instance.storage_directory()) / "table").exists()


def test_an_optional_asset_not_produced_records_nothing_and_skips_what_reads_it() -> None:
    @asset(output_required=False)
    def maybe():
        if False:
            yield Output(1)

    @asset
    def after(maybe):
        return maybe

    result = materialize([maybe, after])

    assert result.success
    assert _materialized(result) == []
    assert [e.event_type for e in result.events_for_node("after")] == [EventType.STEP_SKIPPED]


def test_a_job_of_partitioned_assets_takes_their_partitions() -> None:
    partitions = StaticPartitionsDefinition(["eu", "us"])

    @asset(partitions_def=partitions)
    def sales(context):
        return context.partition_key

    defs = Definitions(assets=[sales], jobs=[define_asset_job("daily")])

    job_def = defs.get_job_def("daily")
    result = job_def.execute_in_process(partition_key="us")

    assert job_def.partitions_def is partitions
    assert result.get_asset_materialization_events()[0].partition == "us"


def test_a_failed_asset_records_no_materialization() -> None:
    @asset
    def broken():
        raise ValueError("no data")

    result = materialize([broken], raise_on_error=False)

    assert not result.success
    assert result.get_asset_materialization_events() == []


# --------------------------------------------------------------------------
# A subset reads the other upstream assets from their last materialization


def test_a_subset_reads_an_unselected_upstream_from_its_last_materialization(
    persistent_instance: Instance,
) -> None:
    defs = Definitions(
        assets=[asset1, asset2], jobs=[define_asset_job("all"), define_asset_job("two", "asset2")]
    )
    defs.get_job_def("all").execute_in_process(instance=persistent_instance)

    result = defs.get_job_def("two").execute_in_process(instance=persistent_instance)

    assert _materialized(result) == ["asset2"]
    assert result.output_for_node("asset2") == [1, 2, 3, 4]


def test_a_subset_reads_the_newest_materialization_of_its_upstream(
    persistent_instance: Instance,
) -> None:
    @asset(config_schema={"value": int})
    def source(context):
        return context.op_config["value"]

    @asset
    def doubled(source):
        return source * 2

    for value in (1, 5):
        run_config = {"ops": {"source": {"config": {"value": value}}}}
        materialize([source, doubled], instance=persistent_instance, run_config=run_config)

    result = materialize([source, doubled], instance=persistent_instance, selection="doubled")

    assert result.output_for_node("doubled") == 10


def test_a_subset_reads_an_upstream_through_the_io_manager_that_stored_it() -> None:
    manager = KeyedIOManager({("orders",): [4, 5]})

    @asset(io_manager_key="keyed")
    def orders():
        return [1]

    @asset
    def total(orders):
        return sum(orders)

    result = materialize([orders, total], resources={"keyed": manager}, selection="total")

    assert result.output_for_node("total") == 9
    assert manager.loaded == [["orders"]]


def test_a_subset_reads_an_upstream_through_the_inputs_own_input_manager() -> None:
    class Loader(InputManager):
        def load_input(self, context):
            return f"loaded {context.asset_key.to_user_string()}"

    @asset(ins={"asset1": AssetIn(input_manager_key="loader")})
    def described(asset1):
        return asset1

    result = materialize([asset1, described], resources={"loader": Loader()}, selection="described")

    assert result.output_for_node("described") == "loaded asset1"


def test_a_subset_on_an_ephemeral_instance_fails_naming_the_unloadable_asset_and_the_fix() -> None:
    defs = Definitions(assets=[asset1, asset2], jobs=[define_asset_job("two", "asset2")])

    with pytest.raises(AssetNotLoadableError) as caught:
        defs.get_job_def("two").execute_in_process()

    text = str(caught.value)
    assert "input 'asset1' of step 'asset2' reads asset 'asset1'" in text
    assert "IO manager 'io_manager' keeps values in memory only" in text
    assert "select the upstream asset too, or run on a persistent instance" in text


def test_a_subset_before_any_materialization_fails_saying_nothing_was_stored(
    persistent_instance: Instance,
) -> None:
    result = materialize(
        [asset1, asset2], instance=persistent_instance, selection="asset2", raise_on_error=False
    )

    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type == EventType.STEP_FAILURE]
    assert "no stored materialization of asset 'asset1'" in failure.message
    assert "materialize it first (or select it in this run)" in failure.message


# --------------------------------------------------------------------------
# Multi-assets in jobs


@asset
def raw():
    return 10


@multi_asset(outs={"low": AssetOut(), "high": AssetOut()}, can_subset=True)
def split(context, raw):
    for name in sorted(context.selected_output_names):
        yield Output(raw + (1 if name == "low" else 100), name)


@asset
def report(high):
    return high * 2


def test_a_whole_multi_asset_materializes_every_asset_it_makes() -> None:
    result = materialize([raw, split, report])

    assert sorted(_materialized(result)) == ["high", "low", "raw", "report"]
    assert result.output_for_node("split", "high") == 110


def test_a_subsettable_multi_asset_is_asked_only_for_the_selected_outputs(
    persistent_instance: Instance,
) -> None:
    materialize([raw], instance=persistent_instance)

    result = materialize([raw, split, report], instance=persistent_instance, selection="high+")

    assert _materialized(result) == ["high", "report"]
    assert result.output_for_node("report") == 220


def test_selected_asset_keys_names_the_assets_the_run_asks_for(
    persistent_instance: Instance,
) -> None:
    seen = []

    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()}, can_subset=True)
    def pair(context):
        seen.append((context.selected_output_names, context.selected_asset_keys))
        for name in context.selected_output_names:
            yield Output(1, name)

    materialize([pair], selection="b")
    materialize([pair])

    assert seen == [
        (frozenset({"b"}), frozenset({AssetKey("b")})),
        (frozenset({"a", "b"}), frozenset({AssetKey("a"), AssetKey("b")})),
    ]


def test_a_subset_multi_asset_yielding_an_unselected_output_fails_naming_it() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()}, can_subset=True)
    def pair():
        yield Output(1, "a")
        yield Output(2, "b")

    with pytest.raises(InvalidOutputError) as caught:
        materialize([pair], selection="b")

    text = str(caught.value)
    assert "output 'a', whose asset this run did not select" in text
    assert "context.selected_output_names" in text


def test_splitting_a_multi_asset_that_cannot_subset_is_an_error_naming_it_and_the_fix() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def pair():
        return 1, 2

    with pytest.raises(InvalidDefinitionError) as caught:
        Definitions(assets=[pair], jobs=[define_asset_job("j", "b")])

    text = str(caught.value)
    assert "op 'pair', which makes a, b together and cannot make a subset (left out: a)" in text
    assert "required_multi_asset_neighbors()" in text
    assert "can_subset=True" in text


def test_a_multi_asset_made_from_specs_that_returns_nothing_materializes_every_spec() -> None:
    @multi_asset(specs=[AssetSpec("orders"), AssetSpec("refunds", deps=["orders"])])
    def load():
        pass  # writes both tables itself

    assert sorted(_materialized(materialize([load]))) == ["orders", "refunds"]


def test_a_subset_of_a_spec_multi_asset_materializes_only_the_selected_spec() -> None:
    @multi_asset(specs=[AssetSpec("orders"), AssetSpec("refunds")], can_subset=True)
    def load():
        pass

    assert _materialized(materialize([load], selection="refunds")) == ["refunds"]


# --------------------------------------------------------------------------
# Graph-backed assets in jobs


@op
def add_one(x):
    return x + 1


@graph_asset
def bumped(raw):
    return add_one(add_one(raw))


def test_a_graph_asset_is_materialized_by_the_op_making_the_graphs_output() -> None:
    result = materialize([raw, bumped])

    (event,) = [e for e in result.get_asset_materialization_events() if e.step_key != "raw"]
    assert event.asset_key == AssetKey("bumped")
    assert event.step_key == "bumped.add_one_2"
    assert result.output_for_node("bumped") == 12
    assert [m.asset_key for m in result.asset_materializations_for_node("bumped")] == [
        AssetKey("bumped")
    ]


def test_a_graph_asset_reads_an_unselected_upstream_from_its_last_materialization(
    persistent_instance: Instance,
) -> None:
    materialize([raw], instance=persistent_instance)

    result = materialize([raw, bumped], instance=persistent_instance, selection="bumped")

    assert _materialized(result) == ["bumped"]
    assert result.output_for_node("bumped") == 12


def test_a_graph_multi_asset_materializes_each_graph_output() -> None:
    @op(out={"x": Out(), "y": Out()})
    def two(value):
        return value, value * 2

    @graph_multi_asset(outs={"first": AssetOut(), "second": AssetOut()})
    def pair(raw):
        x, y = two(raw)
        return {"first": x, "second": y}

    @asset
    def total(first, second):
        return first + second

    result = materialize([raw, pair, total])

    assert sorted(_materialized(result)) == ["first", "raw", "second", "total"]
    assert result.output_for_node("total") == 30


def _steps_with_events(result: Any) -> set[str]:
    return {e.step_key for e in result.all_events if e.step_key}


@op
def fetch_values():
    return [3, 1, 2]


@op
def smallest(values):
    return min(values)


@op
def largest(values):
    return max(values)


@graph_multi_asset(outs={"low": AssetOut(), "high": AssetOut()}, can_subset=True)
def extremes():
    values = fetch_values()
    return {"low": smallest(values), "high": largest(values)}


def test_a_subset_of_a_graph_multi_asset_runs_only_the_ops_its_selected_assets_need() -> None:
    result = materialize([extremes], selection="high")

    assert _steps_with_events(result) == {"extremes.fetch_values", "extremes.largest"}
    assert result.output_for_node("extremes", "high") == 3


def test_a_graph_multi_asset_subset_keeps_what_kept_ops_wait_on_in_nested_graphs() -> None:
    @op
    def warm_up():
        pass

    @op(ins={"after": In(Nothing)})
    def first(values):
        return values[0]

    @graph(out={"head": GraphOut(), "low": GraphOut()})
    def inner(values):
        return {"head": first(values, after=warm_up()), "low": smallest(values)}

    @graph_multi_asset(outs={"head": AssetOut(), "low": AssetOut()}, can_subset=True)
    def summary():
        head, low = inner(fetch_values())
        return {"head": head, "low": low}

    result = materialize([summary], selection="head")

    assert _steps_with_events(result) == {
        "summary.fetch_values",
        "summary.inner.warm_up",
        "summary.inner.first",
    }


def test_a_graph_multi_asset_subset_loads_no_upstream_only_left_out_ops_read() -> None:
    manager = KeyedIOManager({("prices",): [5, 7]})
    prices = SourceAsset("prices", io_manager_key="vendor_io")

    @op
    def cheapest(prices):
        return min(prices)

    @graph_multi_asset(outs={"low": AssetOut(), "cheap": AssetOut()}, can_subset=True)
    def lows(prices):
        return {"low": smallest(fetch_values()), "cheap": cheapest(prices)}

    result = materialize([prices, lows], selection="low", resources={"vendor_io": manager})

    assert _materialized(result) == ["low"]
    assert manager.loaded == []


def test_an_op_in_a_graph_multi_asset_subset_is_asked_for_the_outputs_it_needs() -> None:
    asked = []

    @op(out={"low": Out(is_required=False), "rest": Out(is_required=False)})
    def split_lowest(context, values):
        asked.append(context.selected_output_names)
        ordered = sorted(values)
        if "low" in context.selected_output_names:
            yield Output(ordered[0], "low")
        if "rest" in context.selected_output_names:
            yield Output(ordered[1:], "rest")

    @graph_multi_asset(outs={"lowest": AssetOut(), "second": AssetOut()}, can_subset=True)
    def ranks():
        low, rest = split_lowest(fetch_values())
        return {"lowest": low, "second": smallest(rest)}

    result = materialize([ranks], selection="second")

    assert asked == [frozenset({"rest"})]
    assert _materialized(result) == ["second"]
    assert result.output_for_node("ranks", "second") == 2


# --------------------------------------------------------------------------
# Source assets


def test_a_source_asset_is_read_through_its_io_manager() -> None:
    manager = KeyedIOManager({("vendor", "prices"): {"apple": 2}})
    prices = SourceAsset(["vendor", "prices"], io_manager_key="vendor_io")

    @asset(ins={"prices": AssetIn(key=["vendor", "prices"])})
    def apple_price(prices):
        return prices["apple"]

    result = materialize([prices, apple_price], resources={"vendor_io": manager})

    assert result.output_for_node("apple_price") == 2
    assert manager.loaded == [["vendor", "prices"]]
    assert _materialized(result) == ["apple_price"]


def test_a_source_asset_whose_io_manager_nobody_binds_is_an_error_naming_both() -> None:
    prices = SourceAsset("prices", io_manager_key="vendor_io")

    @asset
    def apple_price(prices):
        return prices["apple"]

    with pytest.raises(InvalidDefinitionError) as caught:
        Definitions(assets=[prices, apple_price], jobs=[define_asset_job("j")])

    text = str(caught.value)
    assert "asset 'prices' (read by op 'apple_price' through its IO manager)" in text
    assert "requires resource 'vendor_io'" in text
    assert "Definitions(resources={'vendor_io': ...})" in text


def test_a_source_asset_is_read_from_the_default_io_managers_storage(
    persistent_instance: Instance,
) -> None:
    @asset(key="prices")
    def made_elsewhere():
        return {"apple": 3}

    materialize([made_elsewhere], instance=persistent_instance)

    @asset
    def apple_price(prices):
        return prices["apple"]

    result = materialize([SourceAsset("prices"), apple_price], instance=persistent_instance)

    assert result.output_for_node("apple_price") == 3


def test_an_external_asset_spec_orders_but_feeds_no_value() -> None:
    @asset(deps=[AssetSpec("raw_table")])
    def cleaned():
        return "ok"

    result = materialize([AssetSpec("raw_table"), cleaned])

    assert _materialized(result) == ["cleaned"]


# --------------------------------------------------------------------------
# The multiprocess executor

module_defs = Definitions(assets=[asset1, asset2], jobs=[define_asset_job("both")])


def test_reconstructable_points_at_the_module_level_definitions_holding_an_asset_job() -> None:
    rebuilt = reconstructable(module_defs.get_job_def("both"))

    assert rebuilt.pointer.attribute == "module_defs"
    assert rebuilt.pointer.job_name == "both"
    assert rebuilt.pointer.get_definition() is module_defs.get_job_def("both")


_ASSET_JOBS_MODULE = """
import os
from dagwright import Definitions, asset, define_asset_job, multiprocess_executor


@asset
def numbers():
    return [1, 2, 3]


@asset
def total(numbers):
    return (sum(numbers), os.getpid())


defs = Definitions(
    assets=[numbers, total],
    jobs=[define_asset_job("all_assets"), define_asset_job("only_total", "total")],
    executor=multiprocess_executor,
)


if __name__ == "__main__":
    import sys
    from dagwright import Instance, execute_job, reconstructable

    with Instance.local_temp(sys.argv[1]) as instance:
        for name in ("all_assets", "only_total"):
            with execute_job(reconstructable(defs.get_job_def(name)), instance) as result:
                materialized = [
                    e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
                ]
                value, pid = result.output_for_node("total")
                print(name, result.success, materialized, value, pid != os.getpid())
"""


def test_an_asset_job_of_a_module_level_definitions_runs_on_the_multiprocess_executor(
    tmp_path: Path,
) -> None:
    script = tmp_path / "asset_jobs.py"
    script.write_text(textwrap.dedent(_ASSET_JOBS_MODULE))

    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "all_assets True ['numbers', 'total'] 6 True",
        "only_total True ['total'] 6 True",
    ]
