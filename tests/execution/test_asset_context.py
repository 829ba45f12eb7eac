"""What an asset function's context says: its asset key, the keys the run selected, the assets
of its outputs and inputs, its definition, its partition, metadata for its materialization and
the provenance of an asset; in a run and on a direct call."""

from __future__ import annotations

from typing import Any

import pytest

from dagwright import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetOut,
    DataVersion,
    Instance,
    InvalidInvocationError,
    Output,
    PartitionKeyRange,
    StaticPartitionsDefinition,
    asset,
    build_asset_context,
    materialize,
    multi_asset,
    op,
)


def test_an_asset_context_names_the_asset_key() -> None:
    seen: list[AssetKey] = []

    @asset(key_prefix="warehouse")
    def orders(context: AssetExecutionContext) -> int:
        seen.append(context.asset_key)
        assert context.has_assets_def
        return 1

    materialize([orders])

    assert seen == [AssetKey(["warehouse", "orders"])]


def test_a_multi_asset_context_has_no_single_asset_key() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def both(context: AssetExecutionContext):
        assert context.selected_asset_keys == {AssetKey("a"), AssetKey("b")}
        with pytest.raises(InvalidInvocationError, match="selected_asset_keys"):
            _ = context.asset_key
        yield Output(1, "a")
        yield Output(2, "b")

    assert materialize([both]).success


def test_build_asset_context_passes_the_asset_config() -> None:
    @asset(config_schema={"rows": int})
    def sized(context: AssetExecutionContext) -> int:
        return context.op_config["rows"]

    assert sized(build_asset_context(asset_config={"rows": 3})) == 3


def test_the_result_gives_an_assets_value_by_key() -> None:
    @asset(key_prefix="warehouse")
    def orders() -> list[int]:
        return [1, 2]

    result = materialize([orders])

    assert result.asset_value("warehouse/orders") == [1, 2]
    assert result.asset_value(AssetKey(["warehouse", "orders"])) == [1, 2]


def test_asking_the_result_for_an_asset_it_did_not_make_names_it() -> None:
    @asset
    def orders() -> int:
        return 1

    result = materialize([orders])

    with pytest.raises(Exception, match="no asset 'nothing'"):
        result.asset_value("nothing")


# --------------------------------------------------------------------------
# In a run


def test_asset_key_for_output_defaults_to_the_assets_one_output() -> None:
    seen: list[AssetKey] = []

    @asset(key_prefix="warehouse")
    def orders(context: AssetExecutionContext) -> int:
        seen.append(context.asset_key_for_output())
        return 1

    materialize([orders])

    assert seen == [AssetKey(["warehouse", "orders"])]


def test_asset_key_for_output_names_the_asset_of_each_output_of_a_multi_asset() -> None:
    seen: list[AssetKey] = []

    @multi_asset(outs={"paid": AssetOut(key_prefix="sales"), "refunded": AssetOut()})
    def split(context: AssetExecutionContext):
        seen.extend(
            [context.asset_key_for_output("paid"), context.asset_key_for_output("refunded")]
        )
        yield Output(1, "paid")
        yield Output(2, "refunded")

    materialize([split])

    assert seen == [AssetKey(["sales", "paid"]), AssetKey("refunded")]


def test_asset_key_for_input_names_the_upstream_asset_an_input_reads() -> None:
    seen: list[AssetKey] = []

    @asset(key_prefix="warehouse")
    def orders() -> list[int]:
        return [1, 2]

    @asset(ins={"rows": AssetIn(key=["warehouse", "orders"])})
    def total(context: AssetExecutionContext, rows: list[int]) -> int:
        seen.append(context.asset_key_for_input("rows"))
        return sum(rows)

    materialize([orders, total])

    assert seen == [AssetKey(["warehouse", "orders"])]


def test_asset_key_for_an_input_that_reads_no_asset_is_an_error_naming_it() -> None:
    @asset
    def orders(context: AssetExecutionContext) -> int:
        with pytest.raises(InvalidInvocationError, match="input 'rows' reads no asset"):
            context.asset_key_for_input("rows")
        return 1

    assert materialize([orders]).success


def test_the_context_gives_the_asset_definition_it_computes() -> None:
    seen: list[Any] = []

    @asset
    def orders(context: AssetExecutionContext) -> int:
        seen.append(context.assets_def)
        return 1

    materialize([orders])

    assert seen == [orders]


def test_a_partitioned_run_gives_its_key_as_a_list_and_as_a_range_of_one() -> None:
    regions = StaticPartitionsDefinition(["eu", "us"])
    seen: list[Any] = []

    @asset(partitions_def=regions)
    def sales(context: AssetExecutionContext) -> int:
        seen.extend(
            [
                context.partitions_def,
                context.partition_keys,
                context.has_partition_key_range,
                context.partition_key_range,
            ]
        )
        return 1

    materialize([sales], partition_key="eu")

    assert seen == [regions, ["eu"], False, PartitionKeyRange("eu", "eu")]


def test_the_op_execution_context_of_an_asset_context_is_itself() -> None:
    seen: list[bool] = []

    @asset
    def orders(context: AssetExecutionContext) -> int:
        seen.append(context.op_execution_context is context)
        return 1

    materialize([orders])

    assert seen == [True]


def test_add_asset_metadata_puts_metadata_on_the_assets_materialization() -> None:
    @asset
    def orders(context: AssetExecutionContext) -> list[int]:
        context.add_asset_metadata({"rows": 2})
        return [1, 2]

    (materialization,) = materialize([orders]).asset_materializations_for_node("orders")

    assert materialization.metadata["rows"].value == 2


def test_add_asset_metadata_names_one_asset_of_a_multi_asset() -> None:
    @multi_asset(outs={"paid": AssetOut(), "refunded": AssetOut()})
    def split(context: AssetExecutionContext):
        context.add_asset_metadata({"rows": 5}, asset_key="refunded")
        yield Output(1, "paid")
        yield Output(2, "refunded")

    found = {
        m.asset_key.to_user_string(): dict(m.metadata)
        for m in materialize([split]).asset_materializations_for_node("split")
    }

    assert "rows" not in found["paid"]
    assert found["refunded"]["rows"].value == 5


def test_add_asset_metadata_for_an_asset_the_op_does_not_make_is_an_error() -> None:
    @asset
    def orders(context: AssetExecutionContext) -> int:
        with pytest.raises(InvalidInvocationError, match="does not materialize asset 'other'"):
            context.add_asset_metadata({"rows": 1}, asset_key="other")
        return 1

    assert materialize([orders]).success


@asset
def raw() -> Output[int]:
    return Output(1, data_version=DataVersion("v1"))


@asset(code_version="3")
def cleaned(raw: int) -> int:
    return raw


def provenance_seen_by_a_run(instance: Instance, *assets: Any, key: str) -> Any:
    """What context.get_asset_provenance(key) gives an asset run after ``assets``."""
    seen: list[Any] = []

    @asset(deps=list(assets))
    def audit(context: AssetExecutionContext) -> int:
        seen.append(context.get_asset_provenance(key))
        return 1

    materialize([*assets, audit], selection="audit", instance=instance)
    return seen[0]


def test_get_asset_provenance_gives_the_code_and_upstream_versions_of_the_newest_one() -> None:
    with Instance.local_temp() as instance:
        materialize([raw], instance=instance)
        (raw_record,) = instance.get_materialization_history("raw")
        materialize([raw, cleaned], selection="cleaned", instance=instance)

        provenance = provenance_seen_by_a_run(instance, raw, cleaned, key="cleaned")

    assert provenance.code_version == "3"
    assert provenance.input_data_versions == {AssetKey("raw"): DataVersion("v1")}
    assert provenance.input_storage_ids == {AssetKey("raw"): raw_record.storage_id}
    assert provenance.is_user_provided is False


def test_get_asset_provenance_of_an_asset_never_materialized_is_none() -> None:
    with Instance.local_temp() as instance:
        assert provenance_seen_by_a_run(instance, raw, key="raw") is None


def test_a_data_version_the_asset_gives_itself_is_user_provided_in_its_provenance() -> None:
    with Instance.local_temp() as instance:
        materialize([raw], instance=instance)

        assert provenance_seen_by_a_run(instance, raw, key="raw").is_user_provided is True


# --------------------------------------------------------------------------
# On a direct call


def test_a_context_passed_to_an_asset_called_directly_names_the_assets_key() -> None:
    @asset(key_prefix="warehouse")
    def orders(context: AssetExecutionContext) -> AssetKey:
        return context.asset_key

    assert orders(build_asset_context()) == AssetKey(["warehouse", "orders"])


def test_a_direct_context_bound_to_an_asset_gives_its_definition_and_keys() -> None:
    @asset(ins={"rows": AssetIn(key="raw")})
    def orders(context: AssetExecutionContext, rows: int) -> list[Any]:
        return [
            context.assets_def,
            context.asset_key_for_output(),
            context.asset_key_for_input("rows"),
            context.selected_asset_keys,
        ]

    found = orders(build_asset_context(), 1)

    assert found == [orders, AssetKey("orders"), AssetKey("raw"), {AssetKey("orders")}]


def test_add_asset_metadata_on_a_direct_call_is_read_back_as_output_metadata() -> None:
    @asset
    def orders(context: AssetExecutionContext) -> int:
        context.add_asset_metadata({"rows": 2})
        return 1

    context = build_asset_context()
    orders(context)

    found = context.get_output_metadata("result")
    assert found is not None
    assert found["rows"].value == 2


def test_a_direct_context_not_passed_to_an_asset_has_no_asset_key() -> None:
    with pytest.raises(InvalidInvocationError, match="not bound to an asset"):
        _ = build_asset_context().asset_key


def test_a_direct_context_passed_to_a_plain_op_after_an_asset_forgets_the_asset() -> None:
    @asset
    def orders(context: AssetExecutionContext) -> int:
        return 1

    @op
    def plain(context: Any) -> bool:
        return context.has_assets_def

    context = build_asset_context()
    orders(context)

    assert plain(context) is False
