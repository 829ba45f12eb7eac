"""Observable source assets: observing external data records its version; downstream staleness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagwright import (
    AssetKey,
    ConfigurableResource,
    DataVersion,
    Instance,
    InvalidDefinitionError,
    InvalidInvocationError,
    ObserveResult,
    asset,
    materialize,
    observable_source_asset,
    observe,
)


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with Instance.local_temp(tmp_path / "home") as instance:
        yield instance


def source_file(path: Path) -> Any:
    @observable_source_asset
    def raw_file() -> DataVersion:
        return DataVersion(path.read_text())

    return raw_file


def test_observing_records_the_data_version(instance: Instance, tmp_path: Path) -> None:
    path = tmp_path / "raw.txt"
    path.write_text("v1")

    observe([source_file(path)], instance=instance)

    entry = instance.get_latest_observation_event("raw_file")
    assert entry is not None
    observation = entry.asset_observation
    assert observation is not None
    assert observation.asset_key == AssetKey("raw_file")
    assert observation.tags["dagster/data_version"] == "v1"


def test_an_observe_result_carries_metadata(instance: Instance) -> None:
    @observable_source_asset(key=["lake", "events"])
    def events(context: Any) -> ObserveResult:
        return ObserveResult(data_version=DataVersion("7"), metadata={"rows": 7})

    observe([events], instance=instance)

    entry = instance.get_latest_observation_event(["lake", "events"])
    assert entry is not None
    assert entry.asset_observation is not None
    assert entry.asset_observation.metadata["rows"].value == 7


def test_an_asset_computed_from_an_observed_source_is_stale_once_the_source_changes(
    instance: Instance, tmp_path: Path
) -> None:
    path = tmp_path / "raw.txt"
    path.write_text("v1")
    raw = source_file(path)

    @asset(deps=[raw], code_version="1")
    def counted() -> int:
        return 1

    observe([raw], instance=instance)
    materialize([raw, counted], instance=instance)
    assert instance.get_stale_assets([raw, counted]) == {}

    path.write_text("v2")
    observe([raw], instance=instance)

    stale = instance.get_stale_assets([raw, counted])
    assert [cause.reason for cause in stale[AssetKey("counted")]] == [
        "upstream 'raw_file' has a newer version than the one it was computed from"
    ]


def test_observe_without_observable_assets_is_an_error() -> None:
    @asset
    def plain() -> int:
        return 1

    with pytest.raises(InvalidInvocationError) as raised:
        observe([plain])

    assert "@observable_source_asset" in str(raised.value)


class Lake(ConfigurableResource):
    version: str


def test_an_observation_function_gets_its_typed_resource_parameters(instance: Instance) -> None:
    @observable_source_asset
    def events(context: Any, lake: Lake) -> DataVersion:
        return DataVersion(lake.version)

    observe([events], instance=instance, resources={"lake": Lake(version="9")})

    entry = instance.get_latest_observation_event("events")
    assert entry is not None
    assert entry.asset_observation is not None
    assert entry.asset_observation.tags["dagster/data_version"] == "9"


def test_a_typed_resource_parameter_is_a_required_resource_of_the_source() -> None:
    @observable_source_asset
    def events(lake: Lake) -> DataVersion:
        return DataVersion(lake.version)

    assert events.required_resource_keys == {"lake"}


def test_an_observation_function_taking_a_parameter_that_is_no_resource_is_an_error() -> None:
    with pytest.raises(InvalidDefinitionError, match="'path', which is neither the context"):

        @observable_source_asset
        def events(path: str) -> DataVersion:
            return DataVersion(path)
