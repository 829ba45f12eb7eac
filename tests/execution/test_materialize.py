"""materialize and materialize_to_memory: running assets in this process, as tests and
scripts do, and what the instance records."""

from __future__ import annotations

from pathlib import Path

import pytest

from dagwright import (
    AssetKey,
    AssetNotLoadableError,
    AssetSelection,
    AssetSpec,
    Config,
    ConfigurableResource,
    Instance,
    InvalidDefinitionError,
    InvalidInvocationError,
    IOManager,
    StaticPartitionsDefinition,
    asset,
    fs_io_manager,
    materialize,
    materialize_to_memory,
)


@asset
def numbers():
    return [1, 2, 3]


@asset
def total(numbers):
    return sum(numbers)


class Multiplier(ConfigurableResource):
    factor: int


@asset
def scaled(numbers, multiplier: Multiplier):
    return [n * multiplier.factor for n in numbers]


# --------------------------------------------------------------------------
# materialize


def test_materialize_runs_the_assets_and_returns_the_result() -> None:
    result = materialize([numbers, total])

    assert result.success
    assert result.output_for_node("total") == 6
    keys = [e.asset_key for e in result.get_asset_materialization_events()]
    assert keys == [AssetKey("numbers"), AssetKey("total")]


def test_materialize_binds_the_resources_given() -> None:
    result = materialize([numbers, scaled], resources={"multiplier": Multiplier(factor=10)})

    assert result.output_for_node("scaled") == [10, 20, 30]


def test_materialize_without_a_required_resource_is_an_error_naming_it() -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        materialize([numbers, scaled])

    text = str(caught.value)
    assert "op 'scaled' requires resource 'multiplier'" in text
    assert "materialize(..., resources={'multiplier': ...})" in text


def test_materialize_passes_run_config_to_the_assets() -> None:
    class Limit(Config):
        top: int

    @asset
    def first(config: Limit, numbers):
        return numbers[: config.top]

    result = materialize([numbers, first], run_config={"ops": {"first": {"config": {"top": 2}}}})

    assert result.output_for_node("first") == [1, 2]


def test_materialize_runs_the_partition_given() -> None:
    @asset(partitions_def=StaticPartitionsDefinition(["eu", "us"]))
    def sales(context):
        return f"sales of {context.partition_key}"

    result = materialize([sales], partition_key="eu")

    assert result.output_for_node("sales") == "sales of eu"
    (event,) = result.get_asset_materialization_events()
    assert event.partition == "eu"


def test_materialize_with_a_selection_materializes_only_the_selected_assets(
    persistent_instance: Instance,
) -> None:
    materialize([numbers], instance=persistent_instance)

    result = materialize([numbers, total], selection=["total"], instance=persistent_instance)

    keys = [e.asset_key for e in result.get_asset_materialization_events()]
    assert keys == [AssetKey("total")]
    assert result.output_for_node("total") == 6


def test_materialize_takes_an_asset_selection_object() -> None:
    result = materialize([numbers, total], selection=AssetSelection.assets(numbers))

    keys = [e.asset_key for e in result.get_asset_materialization_events()]
    assert keys == [AssetKey("numbers")]


def test_materialize_with_an_upstream_missing_is_an_error_naming_it() -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        materialize([total])

    text = str(caught.value)
    assert "asset 'total' depends on asset 'numbers', which none of the definitions makes" in text
    assert text.startswith("materialize:")


def test_materialize_runs_an_asset_whose_deps_none_of_the_assets_makes() -> None:
    @asset(deps=["raw/events"])
    def events_count():
        return 3

    result = materialize([events_count])

    assert result.asset_value("events_count") == 3


def test_materialize_with_an_external_asset_runs_what_depends_on_it() -> None:
    @asset(deps=["raw/events"])
    def events_count():
        return 3

    result = materialize([AssetSpec("raw/events"), events_count])

    assert result.output_for_node("events_count") == 3


def test_materialize_without_raise_on_error_returns_a_failed_result() -> None:
    @asset
    def broken():
        raise ValueError("no data")

    result = materialize([broken], raise_on_error=False)

    assert not result.success


def test_materialize_tags_the_run() -> None:
    result = materialize([numbers], tags={"team": "data"})

    assert result.run.tags["team"] == "data"


# --------------------------------------------------------------------------
# What the instance records


def test_the_instance_records_the_latest_materialization_of_each_asset(
    persistent_instance: Instance,
) -> None:
    first = materialize([numbers, total], instance=persistent_instance)
    second = materialize([numbers], instance=persistent_instance)

    latest_numbers = persistent_instance.get_latest_materialization_event(AssetKey("numbers"))
    latest_total = persistent_instance.get_latest_materialization_event(AssetKey("total"))

    assert latest_numbers is not None
    assert latest_numbers.run_id == second.run_id
    assert latest_total is not None
    assert latest_total.run_id == first.run_id
    assert latest_total.asset_materialization.asset_key == AssetKey("total")


def test_the_instance_records_a_partitioned_materialization_by_partition(
    persistent_instance: Instance,
) -> None:
    @asset(partitions_def=StaticPartitionsDefinition(["eu", "us"]))
    def sales(context):
        return context.partition_key

    materialize([sales], partition_key="eu", instance=persistent_instance)

    key = AssetKey("sales")
    event = persistent_instance.get_latest_materialization_event(key, partition="eu")
    assert event is not None
    assert event.asset_materialization.partition == "eu"
    assert persistent_instance.get_latest_materialization_event(key, partition="us") is None


def test_a_persistent_instance_stores_each_asset_as_a_file_under_its_key(
    persistent_instance: Instance,
) -> None:
    materialize([numbers], instance=persistent_instance)

    assert (Path(persistent_instance.storage_directory()) / "numbers").is_file()


def test_an_ephemeral_instance_records_the_materialization_while_it_lives() -> None:
    instance = Instance.ephemeral()

    materialize([numbers], instance=instance)

    assert instance.get_latest_materialization_event(AssetKey("numbers")) is not None


# --------------------------------------------------------------------------
# materialize_to_memory


def test_materialize_to_memory_runs_the_assets_with_resources() -> None:
    result = materialize_to_memory(
        [numbers, scaled], resources={"multiplier": Multiplier(factor=2)}
    )

    assert result.output_for_node("scaled") == [2, 4, 6]


def test_materialize_to_memory_refuses_an_io_manager_in_resources() -> None:
    with pytest.raises(InvalidInvocationError) as caught:
        materialize_to_memory([numbers], resources={"io_manager": fs_io_manager})

    text = str(caught.value)
    assert "IO manager key 'io_manager'" in text
    assert "use materialize(...)" in text


def test_materialize_to_memory_refuses_a_binding_for_an_assets_own_io_manager_key() -> None:
    class Keeper(IOManager):
        def handle_output(self, context, obj):
            pass

        def load_input(self, context):
            return None

    @asset(io_manager_key="warehouse")
    def stored():
        return 1

    with pytest.raises(InvalidInvocationError, match="'warehouse'"):
        materialize_to_memory([stored], resources={"warehouse": Keeper()})


def test_materialize_to_memory_keeps_assets_with_their_own_io_manager_key_in_memory() -> None:
    @asset(io_manager_key="warehouse")
    def stored():
        return 1

    @asset
    def read(stored):
        return stored + 1

    assert materialize_to_memory([stored, read]).output_for_node("read") == 2


def test_materialize_to_memory_writes_no_files_on_a_persistent_instance(
    persistent_instance: Instance,
) -> None:
    result = materialize_to_memory([numbers, total], instance=persistent_instance)

    assert result.output_for_node("total") == 6
    assert not (Path(persistent_instance.storage_directory()) / "numbers").exists()
    assert persistent_instance.get_latest_materialization_event(AssetKey("total")) is not None


def test_materialize_to_memory_of_a_subset_cannot_read_the_unselected_upstream() -> None:
    with pytest.raises(AssetNotLoadableError, match="reads asset 'numbers'"):
        materialize_to_memory([numbers, total], selection="total")
