"""Definitions.load_asset_value and get_asset_value_loader: reading stored assets outside a
run, as a notebook or a test does."""

from __future__ import annotations

from typing import Any

import pytest

from dagwright import (
    AssetKey,
    Definitions,
    Instance,
    InvalidInvocationError,
    IOManager,
    StaticPartitionsDefinition,
    asset,
    io_manager,
    materialize,
)


@asset
def numbers():
    return [1, 2, 3]


@asset(partitions_def=StaticPartitionsDefinition(["eu", "us"]))
def sales(context):
    return f"sales of {context.partition_key}"


def test_the_last_materialization_is_loaded_by_key(persistent_instance: Instance) -> None:
    materialize([numbers], instance=persistent_instance)

    value = Definitions(assets=[numbers]).load_asset_value("numbers", instance=persistent_instance)

    assert value == [1, 2, 3]


def test_a_partition_is_loaded_by_its_key(persistent_instance: Instance) -> None:
    for key in ("eu", "us"):
        materialize([sales], partition_key=key, instance=persistent_instance)

    value = Definitions(assets=[sales]).load_asset_value(
        AssetKey("sales"), partition_key="us", instance=persistent_instance
    )

    assert value == "sales of us"


def test_a_partitioned_asset_needs_a_partition_key(persistent_instance: Instance) -> None:
    with pytest.raises(InvalidInvocationError, match="partition_key"):
        Definitions(assets=[sales]).load_asset_value("sales", instance=persistent_instance)


def test_an_unknown_key_is_an_error_listing_the_assets() -> None:
    with pytest.raises(InvalidInvocationError, match="use one of: numbers"):
        Definitions(assets=[numbers]).load_asset_value("numbrs")


def test_without_an_instance_or_a_bound_io_manager_the_error_says_what_to_bind() -> None:
    with pytest.raises(InvalidInvocationError, match="IO manager 'io_manager' is not bound"):
        Definitions(assets=[numbers]).load_asset_value("numbers")


class Table(IOManager):
    def handle_output(self, context, obj):
        raise AssertionError("nothing is stored while loading")

    def load_input(self, context):
        return {
            "asset": context.asset_key.to_user_string(),
            "metadata": dict(context.definition_metadata),
        }


def test_the_io_manager_bound_in_the_definitions_loads_it_with_the_metadata_given() -> None:
    defs = Definitions(assets=[numbers], resources={"io_manager": Table()})

    value = defs.load_asset_value("numbers", metadata={"columns": ["n"]})

    assert value == {"asset": "numbers", "metadata": {"columns": ["n"]}}


def test_a_loader_opens_each_io_manager_once_for_many_reads() -> None:
    opened: list[Any] = []

    @io_manager
    def counted(_):
        opened.append(1)
        return Table()

    @asset
    def letters():
        return "abc"

    defs = Definitions(assets=[numbers, letters], resources={"io_manager": counted})
    with defs.get_asset_value_loader() as loader:
        read = [loader.load_asset_value(k)["asset"] for k in ("numbers", "letters")]

    assert read == ["numbers", "letters"]
    assert len(opened) == 1
