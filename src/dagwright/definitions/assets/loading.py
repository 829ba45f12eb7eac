"""Collecting the assets and asset checks defined in modules and packages.

``load_assets_from_modules([a, b])`` returns every asset definition, source
asset (and, with ``include_specs=True``, external ``AssetSpec``) found at the
top level of the modules, module-level lists of them included, each once,
ready for ``Definitions(assets=...)``. ``group_name`` puts them all in one
group; ``key_prefix`` prefixes their keys and the dependencies among them
(``source_key_prefix`` the keys of the source assets and of dependencies on
them). ``load_assets_from_package_module`` does the same for a package and
all its submodules, ``load_assets_from_current_module`` for the caller's
module. The ``load_asset_checks_from_*`` functions collect ``@asset_check``
definitions the same way.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from types import ModuleType
from typing import Any, TypedDict, Unpack

from ...errors import InvalidDefinitionError
from ...metadata import AssetKey
from .checks import AssetChecksDefinition
from .definition import AssetsDefinition
from .specs import AssetSpec, SourceAsset

__all__ = [
    "load_assets_from_modules",
    "load_assets_from_current_module",
    "load_assets_from_package_module",
    "load_assets_from_package_name",
    "load_asset_checks_from_modules",
    "load_asset_checks_from_current_module",
    "load_asset_checks_from_package_module",
    "load_asset_checks_from_package_name",
]

LoadedAsset = AssetsDefinition | SourceAsset | AssetSpec


def _objects_in(modules: Iterable[ModuleType], kinds: tuple[type, ...]) -> list[tuple[Any, str]]:
    """Each object of ``kinds`` at the top level of ``modules`` (or in a module-level list or
    tuple of them), once, with the name of the module defining it."""
    found: dict[int, tuple[Any, str]] = {}
    for module in modules:
        for value in list(vars(module).values()):
            items = value if isinstance(value, list | tuple) else (value,)
            for item in items:
                if isinstance(item, kinds) and id(item) not in found:
                    found[id(item)] = (item, _defined_in(item, module.__name__))
    return list(found.values())


def _defined_in(item: Any, found_in: str) -> str:
    """The module whose code defines ``item`` (its function's), else where it was found."""
    fn = getattr(item.node_def, "compute_fn", None) if isinstance(item, AssetsDefinition) else None
    return getattr(fn, "__module__", None) or found_in


def _keys_made(item: Any) -> Iterator[AssetKey]:
    if isinstance(item, AssetsDefinition):
        yield from item.keys
    else:
        yield item.key


def _check_unique(found: list[tuple[Any, str]]) -> None:
    """Two different objects defining one key: name both modules (a common slip when an asset
    is copied, or defined twice under one name)."""
    seen: dict[AssetKey, tuple[Any, str]] = {}
    for item, module in found:
        for key in _keys_made(item):
            if key in seen:
                other, other_module = seen[key]
                raise InvalidDefinitionError(
                    f"asset key '{key.to_user_string()}' is defined twice: {other!r} in module "
                    f"'{other_module}' and {item!r} in module '{module}'.",
                    where="load_assets_from_modules",
                    fix="rename one of them (@asset(name=...) or key_prefix=...), or remove "
                    "the copy.",
                )
            seen[key] = (item, module)


def _prefixed(key: AssetKey, prefix: Sequence[str]) -> AssetKey:
    return AssetKey([*prefix, *key.path])


def _as_prefix(prefix: str | Sequence[str] | None) -> list[str]:
    return [prefix] if isinstance(prefix, str) else list(prefix or [])


def load_assets_from_modules(
    modules: Iterable[ModuleType],
    group_name: str | None = None,
    key_prefix: str | Sequence[str] | None = None,
    source_key_prefix: str | Sequence[str] | None = None,
    include_specs: bool = False,
) -> list[LoadedAsset]:
    """The assets defined in ``modules`` (see the module docstring)."""
    kinds: tuple[type, ...] = (AssetsDefinition, SourceAsset)
    if include_specs:
        kinds += (AssetSpec,)
    found = _objects_in(modules, kinds)
    _check_unique(found)
    prefix, source_prefix = _as_prefix(key_prefix), _as_prefix(source_key_prefix)
    replace: dict[AssetKey, AssetKey] = {}
    for item, _ in found:
        if isinstance(item, AssetsDefinition) and prefix:
            replace.update({key: _prefixed(key, prefix) for key in item.keys})
        elif not isinstance(item, AssetsDefinition) and source_prefix:
            replace[item.key] = _prefixed(item.key, source_prefix)
    return [_with_attributes(item, replace, group_name) for item, _ in found]


def _with_attributes(
    item: LoadedAsset, replace: dict[AssetKey, AssetKey], group_name: str | None
) -> LoadedAsset:
    if isinstance(item, AssetsDefinition):
        if not replace and group_name is None:
            return item
        groups = dict.fromkeys(item.keys, group_name) if group_name is not None else None
        return item.with_attributes(group_names_by_key=groups, asset_key_replacements=replace)
    key = replace.get(item.key, item.key)
    group = group_name if group_name is not None else item.group_name
    if isinstance(item, SourceAsset):
        if key == item.key and group == item.group_name:
            return item
        return item.with_attributes(key=key, group_name=group)
    deps = [replace.get(d, d) for d in item.deps]
    return item.replace_attributes(key=key, group_name=group, deps=deps)


def _caller_module(depth: int = 2) -> ModuleType:
    name = sys._getframe(depth).f_globals["__name__"]
    return sys.modules[name]


def _package_modules(package: ModuleType) -> list[ModuleType]:
    """``package`` and every module under it, imported."""
    modules = [package]
    path = getattr(package, "__path__", None)
    if path is None:  # a plain module, not a package
        return modules
    for info in pkgutil.walk_packages(path, prefix=f"{package.__name__}."):
        modules.append(importlib.import_module(info.name))
    return modules


class LoadOptions(TypedDict, total=False):
    """What the ``load_assets_from_*`` functions take besides where to look (see
    :func:`load_assets_from_modules`)."""

    group_name: str | None
    key_prefix: str | Sequence[str] | None
    source_key_prefix: str | Sequence[str] | None
    include_specs: bool


def load_assets_from_current_module(**options: Unpack[LoadOptions]) -> list[LoadedAsset]:
    """The assets defined in the module that calls this."""
    return load_assets_from_modules([_caller_module()], **options)


def load_assets_from_package_module(
    package_module: ModuleType, **options: Unpack[LoadOptions]
) -> list[LoadedAsset]:
    """The assets defined in a package and all its submodules (imported to find them)."""
    return load_assets_from_modules(_package_modules(package_module), **options)


def load_assets_from_package_name(
    package_name: str, **options: Unpack[LoadOptions]
) -> list[LoadedAsset]:
    """Like :func:`load_assets_from_package_module`, given the package's import name."""
    return load_assets_from_package_module(importlib.import_module(package_name), **options)


def load_asset_checks_from_modules(
    modules: Iterable[ModuleType], asset_key_prefix: str | Sequence[str] | None = None
) -> list[AssetChecksDefinition]:
    """The ``@asset_check`` definitions in ``modules``; ``asset_key_prefix`` prefixes the keys
    of the assets they check (as ``key_prefix`` did to the assets)."""
    prefix = _as_prefix(asset_key_prefix)
    checks = [item for item, _ in _objects_in(modules, (AssetChecksDefinition,))]
    return [c.with_asset_key(_prefixed(c.asset_key, prefix)) if prefix else c for c in checks]


def load_asset_checks_from_current_module(
    asset_key_prefix: str | Sequence[str] | None = None,
) -> list[AssetChecksDefinition]:
    """The ``@asset_check`` definitions in the module that calls this."""
    return load_asset_checks_from_modules([_caller_module()], asset_key_prefix)


def load_asset_checks_from_package_module(
    package_module: ModuleType, asset_key_prefix: str | Sequence[str] | None = None
) -> list[AssetChecksDefinition]:
    """The ``@asset_check`` definitions in a package and all its submodules."""
    return load_asset_checks_from_modules(_package_modules(package_module), asset_key_prefix)


def load_asset_checks_from_package_name(
    package_name: str, asset_key_prefix: str | Sequence[str] | None = None
) -> list[AssetChecksDefinition]:
    """Like :func:`load_asset_checks_from_package_module`, given the package's import name."""
    return load_asset_checks_from_package_module(
        importlib.import_module(package_name), asset_key_prefix
    )
