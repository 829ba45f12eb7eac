"""Partition mappings: which partitions of an upstream asset a partitioned asset reads, as a
run for one partition loads them from storage."""

from __future__ import annotations

from typing import Any

import pytest

from dagwright import (
    AllPartitionMapping,
    AssetDep,
    AssetIn,
    DailyPartitionsDefinition,
    HourlyPartitionsDefinition,
    IdentityPartitionMapping,
    Instance,
    InvalidDefinitionError,
    IOManager,
    LastPartitionMapping,
    PartitionMappingError,
    SpecificPartitionsPartitionMapping,
    StaticPartitionMapping,
    StaticPartitionsDefinition,
    TimeWindowPartitionMapping,
    asset,
    define_asset_job,
    materialize,
    materialize_to_memory,
)

regions = StaticPartitionsDefinition(["eu", "us"])
days = DailyPartitionsDefinition(start_date="2024-01-01")


@asset(partitions_def=regions)
def sales(context):
    return f"sales of {context.partition_key}"


@asset(partitions_def=days)
def events(context):
    return f"events of {context.partition_key}"


@asset(
    partitions_def=days,
    ins={"events": AssetIn(partition_mapping=TimeWindowPartitionMapping(-1, -1))},
)
def yesterday(events):
    """Reads the previous day's partition of ``events``."""
    return events


def _fill(instance: Instance, assets: list[Any], keys: list[str]) -> None:
    for key in keys:
        materialize(assets, partition_key=key, instance=instance)


def _value_of(target: Any, upstream: Any, instance: Instance, partition_key: str | None) -> Any:
    """What ``target`` returns when materialized alone, reading ``upstream`` from storage."""
    result = materialize(
        [upstream, target], selection=[target], partition_key=partition_key, instance=instance
    )
    return result.output_for_node(target.node_def.name)


def test_an_unpartitioned_asset_reads_every_partition_of_its_upstream_as_a_dict(
    persistent_instance: Instance,
) -> None:
    @asset
    def report(sales):
        return sales

    _fill(persistent_instance, [sales], ["eu", "us"])
    result = materialize([sales, report], selection=[report], instance=persistent_instance)

    assert result.output_for_node("report") == {"eu": "sales of eu", "us": "sales of us"}


def test_assets_of_one_partitioning_read_the_same_partition_by_default(
    persistent_instance: Instance,
) -> None:
    @asset(partitions_def=regions)
    def sales_summary(sales):
        return sales.upper()

    _fill(persistent_instance, [sales], ["eu", "us"])
    assert _value_of(sales_summary, sales, persistent_instance, "us") == "SALES OF US"


def test_a_time_window_mapping_with_offsets_reads_the_previous_window(
    persistent_instance: Instance,
) -> None:
    _fill(persistent_instance, [events], ["2024-01-01", "2024-01-02"])
    assert _value_of(yesterday, events, persistent_instance, "2024-01-02") == "events of 2024-01-01"


def test_a_window_spanning_several_upstream_partitions_reads_them_as_a_dict(
    persistent_instance: Instance,
) -> None:
    @asset(
        partitions_def=days,
        ins={"events": AssetIn(partition_mapping=TimeWindowPartitionMapping(start_offset=-1))},
    )
    def two_days(events):
        return events

    _fill(persistent_instance, [events], ["2024-01-01", "2024-01-02"])
    assert _value_of(two_days, events, persistent_instance, "2024-01-02") == {
        "2024-01-01": "events of 2024-01-01",
        "2024-01-02": "events of 2024-01-02",
    }


def test_a_daily_asset_reads_the_hours_of_its_day_from_an_hourly_upstream(
    persistent_instance: Instance,
) -> None:
    @asset(partitions_def=HourlyPartitionsDefinition(start_date="2024-01-01-00:00"))
    def readings(context):
        return context.partition_key[-5:-3]

    @asset(partitions_def=days)
    def daily_readings(readings):
        return sorted(readings.values())

    hours = [f"2024-01-01-{hour:02d}:00" for hour in range(24)]
    _fill(persistent_instance, [readings], hours)
    assert _value_of(daily_readings, readings, persistent_instance, "2024-01-01") == [
        f"{h:02d}" for h in range(24)
    ]


def test_a_mapping_to_partitions_that_do_not_exist_names_them_and_the_input(
    persistent_instance: Instance,
) -> None:
    with pytest.raises(PartitionMappingError) as raised:
        materialize(
            [events, yesterday],
            selection=[yesterday],
            partition_key="2024-01-01",
            instance=persistent_instance,
        )

    message = str(raised.value)
    assert "asset 'events'" in message
    assert "input 'events' of step 'yesterday'" in message
    assert "allow_nonexistent_upstream_partitions=True" in message


def test_allowing_nonexistent_upstream_partitions_leaves_them_out(
    persistent_instance: Instance,
) -> None:
    mapping = TimeWindowPartitionMapping(
        start_offset=-1, allow_nonexistent_upstream_partitions=True
    )

    @asset(partitions_def=days, ins={"events": AssetIn(partition_mapping=mapping)})
    def two_days(events):
        return events

    _fill(persistent_instance, [events], ["2024-01-01"])
    assert _value_of(two_days, events, persistent_instance, "2024-01-01") == "events of 2024-01-01"


def test_last_partition_mapping_reads_the_latest_upstream_partition(
    persistent_instance: Instance,
) -> None:
    @asset(ins={"sales": AssetIn(partition_mapping=LastPartitionMapping())})
    def latest(sales):
        return sales

    _fill(persistent_instance, [sales], ["eu", "us"])
    result = materialize([sales, latest], selection=[latest], instance=persistent_instance)

    assert result.output_for_node("latest") == "sales of us"


def test_static_partition_mapping_reads_the_upstream_keys_mapped_to_the_partition(
    persistent_instance: Instance,
) -> None:
    @asset(partitions_def=StaticPartitionsDefinition(["eu-north", "eu-south", "us-east"]))
    def stores(context):
        return context.partition_key

    mapping = StaticPartitionMapping({"eu-north": "eu", "eu-south": "eu", "us-east": "us"})

    @asset(partitions_def=regions, ins={"stores": AssetIn(partition_mapping=mapping)})
    def region_stores(stores):
        return sorted(stores)

    _fill(persistent_instance, [stores], ["eu-north", "eu-south", "us-east"])
    assert _value_of(region_stores, stores, persistent_instance, "eu") == ["eu-north", "eu-south"]


def test_specific_partitions_mapping_reads_the_partitions_listed(
    persistent_instance: Instance,
) -> None:
    mapping = SpecificPartitionsPartitionMapping(["eu"])

    @asset(partitions_def=regions, ins={"sales": AssetIn(partition_mapping=mapping)})
    def compared_to_eu(context, sales):
        return f"{context.partition_key} vs {sales}"

    _fill(persistent_instance, [sales], ["eu"])
    assert _value_of(compared_to_eu, sales, persistent_instance, "us") == "us vs sales of eu"


def test_a_deps_mapping_is_what_the_context_reports_for_the_input() -> None:
    seen = {}

    @asset(
        partitions_def=days,
        deps=[AssetDep(events, partition_mapping=TimeWindowPartitionMapping(-2, -1))],
    )
    def lagged(context):
        seen["keys"] = context.asset_partition_keys_for_input("events")
        seen["window"] = context.partition_time_window
        return 1

    materialize_to_memory([events, lagged], selection=[lagged], partition_key="2024-01-05")

    assert seen["keys"] == ["2024-01-03", "2024-01-04"]
    assert seen["window"].start.day == 5
    assert seen["window"].end.day == 6


def test_a_custom_io_manager_sees_the_upstream_partitions_an_input_reads() -> None:
    seen: dict[str, Any] = {}

    class Recording(IOManager):
        def handle_output(self, context, obj):
            seen["output"] = context.asset_partition_key

        def load_input(self, context):
            seen["input"] = context.asset_partition_keys
            return 0

    @asset(
        partitions_def=days,
        ins={"events": AssetIn(partition_mapping=TimeWindowPartitionMapping(-1, 0))},
    )
    def recent(events):
        return events

    materialize(
        [events, recent],
        selection=[recent],
        partition_key="2024-01-03",
        resources={"io_manager": Recording()},
    )

    assert seen == {"input": ["2024-01-02", "2024-01-03"], "output": "2024-01-03"}


def test_an_unpartitioned_asset_in_a_partitioned_run_is_materialized_whole(
    persistent_instance: Instance,
) -> None:
    @asset
    def regions_list():
        return ["eu", "us"]

    result = materialize([sales, regions_list], partition_key="eu", instance=persistent_instance)

    by_key = {e.asset_key.to_user_string(): e for e in result.get_asset_materialization_events()}
    assert by_key["sales"].partition == "eu"
    assert by_key["regions_list"].partition is None


def test_reading_another_partition_made_in_memory_in_the_same_run_is_refused() -> None:
    with pytest.raises(InvalidDefinitionError, match="keeps values in memory"):
        materialize_to_memory([events, yesterday], partition_key="2024-01-02")


def test_a_time_window_mapping_between_non_time_partitions_is_a_definition_error() -> None:
    @asset(
        partitions_def=regions,
        ins={"sales": AssetIn(partition_mapping=TimeWindowPartitionMapping())},
    )
    def timed(sales):
        return sales

    with pytest.raises(InvalidDefinitionError, match="TimeWindowPartitionMapping maps time"):
        materialize_to_memory([sales, timed], partition_key="eu")


def test_a_job_of_assets_with_different_partitions_is_a_definition_error() -> None:
    from dagwright import Definitions

    with pytest.raises(InvalidDefinitionError, match="different partitions"):
        Definitions(assets=[sales, events], jobs=[define_asset_job("mixed")]).get_job_def("mixed")


def test_definitions_may_hold_assets_of_different_partitions() -> None:
    from dagwright import Definitions

    defs = Definitions(assets=[sales, events], jobs=[define_asset_job("eu", selection=[sales])])

    assert defs.get_job_def("eu").partitions_def == regions


def test_equal_time_partitionings_defined_apart_make_one_job() -> None:
    @asset(partitions_def=DailyPartitionsDefinition(start_date="2024-01-01"))
    def other_events(events):
        return events

    result = materialize_to_memory([events, other_events], partition_key="2024-01-03")

    assert result.output_for_node("other_events") == "events of 2024-01-03"


def test_partition_mappings_compare_by_their_settings() -> None:
    assert TimeWindowPartitionMapping(-1, 0) == TimeWindowPartitionMapping(-1, 0)
    assert TimeWindowPartitionMapping(-1, 0) != TimeWindowPartitionMapping(-2, 0)
    assert IdentityPartitionMapping() == IdentityPartitionMapping()
    assert AllPartitionMapping() != LastPartitionMapping()


def test_a_mapping_whose_window_starts_after_it_ends_is_refused() -> None:
    with pytest.raises(InvalidDefinitionError, match="start_offset"):
        TimeWindowPartitionMapping(start_offset=1, end_offset=0)


def test_assets_definition_reports_its_partition_mappings() -> None:
    mapping = LastPartitionMapping()

    @asset(ins={"sales": AssetIn(partition_mapping=mapping)})
    def latest(sales):
        return sales

    assert latest.partition_mappings == {sales.key: mapping}


def test_the_lineage_points_at_the_upstream_partition_the_mapping_read(
    persistent_instance: Instance,
) -> None:
    _fill(persistent_instance, [events], ["2024-01-01", "2024-01-02"])
    read = persistent_instance.get_materialization_history("events", partition="2024-01-01")[0]
    _value_of(yesterday, events, persistent_instance, "2024-01-02")

    lineage = persistent_instance.get_asset_lineage("yesterday", partition="2024-01-02")
    assert lineage is not None
    (upstream,) = lineage.upstream
    assert upstream.storage_id == read.storage_id
