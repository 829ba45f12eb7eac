"""load_assets_from_* and load_asset_checks_from_*: collecting the assets a code base defines
in its modules, as Definitions(assets=...) takes them."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from dagwright import (
    AssetKey,
    AssetsDefinition,
    Definitions,
    InvalidDefinitionError,
    SourceAsset,
    load_asset_checks_from_modules,
    load_asset_checks_from_package_module,
    load_assets_from_current_module,
    load_assets_from_modules,
    load_assets_from_package_module,
    load_assets_from_package_name,
    materialize_to_memory,
)

WAREHOUSE = {
    "warehouse/__init__.py": "",
    "warehouse/raw.py": """
        from dagwright import SourceAsset, asset

        vendors = SourceAsset("vendors")

        @asset
        def orders():
            return [1, 2, 3]
    """,
    "warehouse/marts/__init__.py": "",
    "warehouse/marts/sales.py": """
        from dagwright import AssetCheckResult, asset, asset_check
        from warehouse.raw import orders  # imported: loaded once, from raw

        @asset(group_name="sales")
        def revenue(orders):
            return sum(orders)

        @asset_check(asset=revenue)
        def revenue_positive(revenue):
            return AssetCheckResult(passed=revenue > 0)
    """,
}

Loader = Callable[[str], ModuleType]


@pytest.fixture
def code(tmp_path: Path) -> Iterator[Loader]:
    """Writes the warehouse package under tmp_path; returns an importer of its modules."""
    for name, text in WAREHOUSE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    sys.path.insert(0, str(tmp_path))
    yield importlib.import_module
    sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n == "warehouse" or n.startswith("warehouse.")]:
        del sys.modules[name]


def keys(assets: list) -> set[str]:
    found: set[str] = set()
    for item in assets:
        made = item.keys if isinstance(item, AssetsDefinition) else {item.key}
        found |= {k.to_user_string() for k in made}
    return found


def test_assets_of_modules_are_each_loaded_once(code: Loader) -> None:
    modules = [code("warehouse.raw"), code("warehouse.marts.sales")]

    loaded = load_assets_from_modules(modules)

    assert keys(loaded) == {"vendors", "orders", "revenue"}
    assert len(loaded) == 3


def test_a_package_module_loads_the_assets_of_all_its_submodules(code: Loader) -> None:
    loaded = load_assets_from_package_module(code("warehouse"))

    assert keys(loaded) == {"vendors", "orders", "revenue"}


def test_a_package_is_loaded_by_its_import_name(code: Loader) -> None:
    assert keys(load_assets_from_package_name("warehouse")) == {"vendors", "orders", "revenue"}


def test_a_group_name_puts_every_loaded_asset_in_that_group(code: Loader) -> None:
    loaded = load_assets_from_package_module(code("warehouse"), group_name="warehouse")

    groups = {}
    for item in loaded:
        if isinstance(item, AssetsDefinition):
            groups.update({k.to_user_string(): g for k, g in item.group_names_by_key.items()})
        else:
            groups[item.key.to_user_string()] = item.group_name
    assert groups == dict.fromkeys(["vendors", "orders", "revenue"], "warehouse")


def test_a_key_prefix_prefixes_the_assets_and_the_dependencies_among_them(code: Loader) -> None:
    loaded = load_assets_from_package_module(code("warehouse"), key_prefix="wh")

    assert keys(loaded) == {"vendors", "wh/orders", "wh/revenue"}
    result = materialize_to_memory([a for a in loaded if isinstance(a, AssetsDefinition)])
    assert result.asset_value(AssetKey(["wh", "revenue"])) == 6


def test_a_source_key_prefix_prefixes_the_source_assets(code: Loader) -> None:
    loaded = load_assets_from_modules([code("warehouse.raw")], source_key_prefix="ext")

    (vendors,) = [a for a in loaded if isinstance(a, SourceAsset)]
    assert vendors.key == AssetKey(["ext", "vendors"])


def test_the_current_module_is_the_callers() -> None:
    loaded = load_assets_from_current_module()

    assert loaded == []  # this test module defines no asset at its top level


def test_two_assets_of_one_key_in_two_modules_are_an_error_naming_both(
    code: Loader, tmp_path: Path
) -> None:
    (tmp_path / "warehouse" / "copy.py").write_text(
        "from dagwright import asset\n\n@asset\ndef orders():\n    return []\n"
    )

    with pytest.raises(InvalidDefinitionError) as raised:
        load_assets_from_package_module(code("warehouse"))

    assert "'orders' is defined twice" in str(raised.value)
    assert "warehouse.copy" in str(raised.value)
    assert "warehouse.raw" in str(raised.value)


def test_asset_checks_are_loaded_from_a_package_and_run_with_their_asset(code: Loader) -> None:
    checks = load_asset_checks_from_package_module(code("warehouse"))
    assets = load_assets_from_package_module(code("warehouse"))

    assert [c.spec.name for c in checks] == ["revenue_positive"]
    defs = Definitions(assets=assets, asset_checks=checks)
    result = defs.get_implicit_global_asset_job_def().execute_in_process()
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed


def test_an_asset_key_prefix_moves_the_checks_to_the_prefixed_assets(code: Loader) -> None:
    checks = load_asset_checks_from_modules([code("warehouse.marts.sales")], asset_key_prefix="wh")

    assert [c.asset_key for c in checks] == [AssetKey(["wh", "revenue"])]
