"""What an asset function's context says: its asset key, the keys the run selected."""

from __future__ import annotations

import pytest

from dagwright import (
    AssetExecutionContext,
    AssetKey,
    AssetOut,
    InvalidInvocationError,
    Output,
    asset,
    build_asset_context,
    materialize,
    multi_asset,
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
