"""MaterializeResult: an asset that stores its data itself reports the materialization."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dagwright import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetKey,
    AssetOut,
    DataVersion,
    EventType,
    Instance,
    MaterializeResult,
    asset,
    materialize,
    multi_asset,
)


def test_an_asset_returning_a_materialize_result_records_its_metadata_and_stores_nothing() -> None:
    written: list[int] = []

    @asset
    def table() -> MaterializeResult:
        written.append(3)
        return MaterializeResult(metadata={"rows": 3})

    with Instance.local_temp() as instance:
        result = materialize([table], instance=instance)

        (materialization,) = result.asset_materializations_for_node("table")
        assert materialization.metadata["rows"].value == 3
        assert not [e for e in result.all_events if e.event_type is EventType.HANDLED_OUTPUT]
        assert instance.get_latest_materialization_event("table") is not None


def test_a_multi_asset_yields_one_materialize_result_per_asset() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def both() -> Iterator[MaterializeResult]:
        yield MaterializeResult(asset_key="b", metadata={"n": 2})
        yield MaterializeResult(asset_key="a", metadata={"n": 1})

    result = materialize([both])

    found = {
        m.asset_key: m.metadata["n"].value for m in result.asset_materializations_for_node("both")
    }
    assert found == {AssetKey("a"): 1, AssetKey("b"): 2}


def test_a_materialize_result_naming_another_asset_is_an_error() -> None:
    @multi_asset(outs={"a": AssetOut(), "b": AssetOut()})
    def both() -> Iterator[MaterializeResult]:
        yield MaterializeResult(asset_key="c")

    with pytest.raises(Exception, match="names none of its assets"):
        materialize([both])


def test_a_materialize_result_carries_its_data_version_and_check_results() -> None:
    @asset(check_specs=[AssetCheckSpec("rows_ok", asset="table")])
    def table() -> MaterializeResult:
        return MaterializeResult(
            data_version=DataVersion("v7"),
            check_results=[AssetCheckResult(passed=True)],
            tags={"source": "crm"},
        )

    result = materialize([table])

    (materialization,) = result.asset_materializations_for_node("table")
    assert materialization.tags["dagster/data_version"] == "v7"
    assert materialization.tags["source"] == "crm"
    checks = [e for e in result.all_events if e.event_type is EventType.ASSET_CHECK_EVALUATION]
    assert [e.event_specific_data.check_name for e in checks] == ["rows_ok"]  # type: ignore[union-attr]


def test_calling_such_an_asset_directly_returns_its_result() -> None:
    @asset
    def table() -> Any:
        return MaterializeResult(metadata={"rows": 1})

    assert table().metadata == {"rows": 1}


def test_a_materialize_result_naming_another_key_than_its_asset_is_an_error() -> None:
    @asset
    def table() -> MaterializeResult:
        return MaterializeResult(asset_key="elsewhere")

    with pytest.raises(Exception, match="MaterializeResult for asset 'elsewhere'"):
        materialize([table])
