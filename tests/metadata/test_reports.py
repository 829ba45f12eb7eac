"""AssetMaterialization, AssetObservation and ExpectationResult, as built by users."""

from __future__ import annotations

import msgspec
import pytest

from dagwright import (
    AssetKey,
    AssetMaterialization,
    AssetObservation,
    ExpectationResult,
    InvalidAssetKeyError,
    InvalidInvocationError,
    InvalidMetadataError,
    MetadataValue,
)


@pytest.mark.parametrize("cls", [AssetMaterialization, AssetObservation])
def test_a_string_asset_key_is_a_user_string_split_on_slashes(cls: type) -> None:
    assert cls("warehouse/orders").asset_key == AssetKey(["warehouse", "orders"])


@pytest.mark.parametrize("cls", [AssetMaterialization, AssetObservation])
def test_a_list_asset_key_gives_the_parts(cls: type) -> None:
    assert cls(["warehouse", "orders"]).asset_key == AssetKey(["warehouse", "orders"])


@pytest.mark.parametrize("cls", [AssetMaterialization, AssetObservation])
def test_an_asset_key_is_kept(cls: type) -> None:
    key = AssetKey(["a.b"])

    assert cls(key).asset_key == key


@pytest.mark.parametrize("cls", [AssetMaterialization, AssetObservation])
def test_fields_are_kept_and_metadata_normalized(cls: type) -> None:
    event = cls(
        asset_key="orders",
        description="nightly load",
        metadata={"rows": 3, "link": MetadataValue.url("https://x.io")},
        partition="2024-01-01",
        tags={"source": "s3"},
    )

    assert event.description == "nightly load"
    assert event.metadata == {
        "rows": MetadataValue.int(3),
        "link": MetadataValue.url("https://x.io"),
    }
    assert event.partition == "2024-01-01"
    assert event.tags == {"source": "s3"}
    assert event.label == "orders"


def test_without_metadata_or_tags_they_are_empty() -> None:
    event = AssetMaterialization("orders")

    assert (event.metadata, event.tags, event.description, event.partition) == ({}, {}, None, None)


def test_bad_metadata_names_the_asset_and_the_key() -> None:
    with pytest.raises(
        InvalidMetadataError, match=r"AssetMaterialization of 'orders', metadata 'frame'"
    ):
        AssetMaterialization("orders", metadata={"frame": object()})


def test_an_asset_key_that_is_not_one_is_rejected_naming_the_class() -> None:
    with pytest.raises(InvalidAssetKeyError, match="given to AssetObservation"):
        AssetObservation(42)  # type: ignore[arg-type]


def test_an_empty_string_asset_key_is_rejected() -> None:
    with pytest.raises(InvalidAssetKeyError, match="no parts"):
        AssetMaterialization("/")


def test_tags_must_be_strings() -> None:
    with pytest.raises(InvalidInvocationError, match="tags must be a dict of str to str"):
        AssetMaterialization("orders", tags={"n": 1})  # type: ignore[dict-item]


def test_file_materialization_keys_the_asset_by_the_path_and_records_it() -> None:
    event = AssetMaterialization.file("/data/orders.csv")

    assert event.asset_key == AssetKey(["data", "orders.csv"])
    assert event.metadata == {"path": MetadataValue.path("/data/orders.csv")}


def test_an_expectation_result_keeps_its_fields_and_normalizes_metadata() -> None:
    result = ExpectationResult(False, "no_nulls", "3 nulls found", metadata={"nulls": 3})

    assert (result.success, result.label, result.description) == (
        False,
        "no_nulls",
        "3 nulls found",
    )
    assert result.metadata == {"nulls": MetadataValue.int(3)}


def test_an_expectation_result_success_must_be_a_bool() -> None:
    with pytest.raises(InvalidInvocationError, match="success must be a bool"):
        ExpectationResult("yes")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "report",
    [
        AssetMaterialization("a/b", "d", {"n": 1, "u": MetadataValue.url("x")}, "p", {"t": "v"}),
        AssetObservation(["a"], metadata={"j": {"x": [1]}}),
        ExpectationResult(True, "label", metadata={"m": MetadataValue.md("# ok")}),
    ],
    ids=lambda r: type(r).__name__,
)
def test_reports_round_trip_through_json(report: object) -> None:
    assert msgspec.json.decode(msgspec.json.encode(report), type=type(report)) == report


def test_reports_are_immutable() -> None:
    with pytest.raises(AttributeError):
        AssetMaterialization("a").description = "x"  # type: ignore[misc]
