"""Asset history, lineage, data versions and staleness, recorded by a persistent instance."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dagwright import AssetKey, DataVersion, Definitions, Instance, Output, asset, materialize


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with Instance.local_temp(tmp_path / "home") as instance:
        yield instance


def chain(a_version: str = "1", b_version: str | None = "1") -> list[Any]:
    """a -> b -> c: a and b with code versions, c without."""

    @asset(code_version=a_version)
    def a() -> int:
        return 1

    @asset(code_version=b_version)
    def b(a: int) -> int:
        return a + 1

    @asset
    def c(b: int) -> int:
        return b * 10

    return [a, b, c]


def stale(instance: Instance, assets: Any) -> dict[str, list[str]]:
    found = instance.get_stale_assets(assets)
    return {
        key.to_user_string(): [cause.reason for cause in causes] for key, causes in found.items()
    }


def statuses(instance: Instance, assets: Any) -> dict[str, str]:
    return {
        k.to_user_string(): v.status.value for k, v in instance.get_stale_status(assets).items()
    }


def tags_of(instance: Instance, key: str) -> dict[str, str]:
    entry = instance.get_latest_materialization_event(key)
    assert entry is not None
    return dict(entry.asset_materialization.tags)  # type: ignore[union-attr]


def report_by_an_op(instance: Instance, key: str) -> None:
    """Record a materialization of ``key`` without a data version, as a plain op reports it."""
    from dagwright import AssetMaterialization, job, op

    @op
    def report(context: Any) -> None:
        context.log_event(AssetMaterialization(asset_key=key))

    @job
    def reporter():
        report()

    reporter.execute_in_process(instance=instance)


def test_assets_never_materialized_are_missing(instance: Instance) -> None:
    assert statuses(instance, chain()) == {"a": "MISSING", "b": "MISSING", "c": "MISSING"}


def test_assets_just_materialized_are_fresh(instance: Instance) -> None:
    assets = chain()
    materialize(assets, instance=instance)

    assert statuses(instance, assets) == {"a": "FRESH", "b": "FRESH", "c": "FRESH"}


def test_a_changed_code_version_makes_the_asset_and_its_downstream_stale(
    instance: Instance,
) -> None:
    materialize(chain(a_version="1"), instance=instance)

    assert stale(instance, chain(a_version="2")) == {
        "a": ["its code version changed from '1' to '2'"],
        "b": ["upstream 'a' is stale"],
        "c": ["upstream 'b' is stale"],
    }


def test_rematerializing_an_upstream_makes_its_direct_downstream_stale(
    instance: Instance,
) -> None:
    assets = chain(b_version=None)
    materialize(assets, instance=instance)
    materialize(assets, instance=instance, selection="b")  # no code version: a new version

    assert stale(instance, assets) == {
        "c": ["upstream 'b' has a newer version than the one it was computed from"]
    }


def test_rematerializing_unchanged_code_on_unchanged_inputs_keeps_the_data_version(
    instance: Instance,
) -> None:
    assets = chain()
    materialize(assets, instance=instance)
    first = tags_of(instance, "b")["dagster/data_version"]

    materialize(assets, instance=instance, selection="a or b")

    assert tags_of(instance, "b")["dagster/data_version"] == first
    assert "c" not in stale(instance, assets)


def test_staleness_is_read_for_the_assets_of_a_definitions(instance: Instance) -> None:
    assets = chain()
    materialize(assets, instance=instance)

    assert stale(instance, Definitions(assets=chain(a_version="2"))).keys() == {"a", "b", "c"}


def test_a_materialization_records_its_code_version_and_upstream_data_versions(
    instance: Instance,
) -> None:
    materialize(chain(), instance=instance)

    a_tags, b_tags = tags_of(instance, "a"), tags_of(instance, "b")
    assert b_tags["dagster/code_version"] == "1"
    assert b_tags["dagster/input_data_version/a"] == a_tags["dagster/data_version"]


def test_the_lineage_names_the_run_and_the_upstream_read_from_the_instance(
    instance: Instance,
) -> None:
    assets = chain()
    materialize(assets, instance=instance, selection="a")
    a_record = instance.get_materialization_history("a", limit=1)[0]

    result = materialize(assets, instance=instance, selection="b")

    lineage = instance.get_asset_lineage("b")
    assert lineage is not None
    assert lineage.run_id == result.run_id
    (upstream,) = lineage.upstream
    assert upstream.key == AssetKey("a")
    assert upstream.storage_id == a_record.storage_id
    assert upstream.data_version == tags_of(instance, "a")["dagster/data_version"]


def test_the_lineage_of_an_asset_never_materialized_is_none(instance: Instance) -> None:
    assert instance.get_asset_lineage("nothing") is None


def test_the_history_lists_every_materialization_newest_first(instance: Instance) -> None:
    assets = chain()
    runs = [materialize(assets, instance=instance, selection="a").run_id for _ in range(3)]

    history = instance.get_materialization_history("a")

    assert [record.run_id for record in history] == list(reversed(runs))


def test_the_history_pages_with_a_cursor(instance: Instance) -> None:
    assets = chain()
    runs = [materialize(assets, instance=instance, selection="a").run_id for _ in range(3)]

    first = instance.get_materialization_history("a", limit=2)
    rest = instance.get_materialization_history("a", limit=2, before_cursor=first[-1].storage_id)

    assert [r.run_id for r in first + rest] == list(reversed(runs))


def test_an_upstream_reported_without_a_data_version_makes_its_downstream_stale(
    instance: Instance,
) -> None:
    assets = chain(b_version=None)
    materialize(assets, instance=instance)

    report_by_an_op(instance, "b")

    assert stale(instance, assets) == {
        "c": ["upstream 'b' has a newer version than the one it was computed from"]
    }


def test_an_upstream_named_only_in_deps_makes_its_downstream_stale_when_reported(
    instance: Instance,
) -> None:
    @asset(deps=["lake"])
    def mart() -> int:
        return 1

    materialize([mart], instance=instance)
    assert statuses(instance, [mart]) == {"mart": "FRESH"}

    report_by_an_op(instance, "lake")

    assert stale(instance, [mart]) == {
        "mart": ["upstream 'lake' has a newer version than the one it was computed from"]
    }


def test_an_output_gives_its_asset_the_data_version_and_tags_it_names(instance: Instance) -> None:
    @asset
    def table():
        return Output([1, 2], data_version=DataVersion("rows-2"), tags={"source": "crm"})

    materialize([table], instance=instance)

    tags = tags_of(instance, "table")
    assert tags["dagster/data_version"] == "rows-2"
    assert tags["source"] == "crm"
    assert Definitions(assets=[table]).load_asset_value("table", instance=instance) == [1, 2]
