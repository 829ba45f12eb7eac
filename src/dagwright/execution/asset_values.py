"""Reading stored asset values outside a run: ``Definitions.load_asset_value``.

A notebook or a test reads an asset as a downstream asset would: the
asset's IO manager (bound in the ``Definitions``; on a persistent instance
an unbound ``io_manager`` is the filesystem one) loads its last
materialization by key and partition. :class:`AssetValueLoader` opens the
IO managers once for many reads and tears them down when closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..definitions.outputs import DEFAULT_IO_MANAGER_KEY
from ..definitions.resources import resource_defs_from
from ..definitions.types import resolve_type
from ..errors import InvalidInvocationError
from ..metadata import AssetKey
from .io_managers import InputContext, OutputContext
from .output_loader import with_dependencies
from .resources import ResourceSet, open_resources

if TYPE_CHECKING:
    from ..definitions.repository import Definitions
    from ..storage.instance import Instance

__all__ = ["AssetValueLoader"]


class AssetValueLoader:
    """Loads stored asset values of a ``Definitions`` through their IO managers (each IO manager
    opened on first use, all closed by :meth:`close` or the ``with`` block)."""

    def __init__(self, defs: Definitions, instance: Instance | None = None) -> None:
        self._defs = defs
        self._instance = instance
        self._resource_defs = resource_defs_from(defs.resources, "Definitions")
        self._open: dict[str, ResourceSet] = {}

    def load_asset_value(
        self,
        asset_key: Any,
        *,
        python_type: type | None = None,
        partition_key: str | None = None,
        input_definition_metadata: Mapping[str, Any] | None = None,
        resource_config: Any = None,
    ) -> Any:
        """The stored value of asset ``asset_key`` (of partition ``partition_key``), as its IO
        manager loads it for a downstream asset."""
        key = AssetKey.from_coercible(asset_key)
        graph = self._defs.get_asset_graph()
        node = graph.nodes.get(key)
        where = f"load_asset_value('{key.to_user_string()}')"
        if node is None:
            known = sorted(k.to_user_string() for k in graph.nodes)
            raise InvalidInvocationError(
                "no asset of that key is defined here.",
                where=where,
                fix=f"use one of: {', '.join(known[:10]) or '(no assets)'}.",
            )
        if node.assets_def is not None:
            manager_key = node.assets_def.io_manager_key_for(key)
        else:
            manager_key = getattr(node.spec, "io_manager_key", DEFAULT_IO_MANAGER_KEY)
        partitions_def = graph.partitions_def_of(key)
        if partitions_def is not None and partition_key is None:
            raise InvalidInvocationError(
                "the asset is partitioned, so a partition must be named.",
                where=where,
                fix="pass partition_key=... (one of its partition keys).",
            )
        resources = self._resources(manager_key, resource_config, where)
        upstream = OutputContext(
            name="result",
            metadata=dict(getattr(node.spec, "metadata", None) or {}),
            resources=resources.values,
            partition_key=partition_key if partitions_def is not None else None,
            asset_key=key,
        )
        context = InputContext(
            name=key.to_user_string(),
            metadata=input_definition_metadata,
            upstream_output=upstream,
            resources=resources.values,
            asset_key=key,
            asset_partition_keys=[partition_key] if partition_key is not None else None,
            dagster_type=resolve_type(python_type) if python_type is not None else None,
        )
        return resources.values[manager_key].load_input(context)

    def _resources(self, manager_key: str, config: Any, where: str) -> ResourceSet:
        found = self._open.get(manager_key)
        if found is not None:
            return found
        defs = dict(self._resource_defs)
        if manager_key not in defs:
            if manager_key != DEFAULT_IO_MANAGER_KEY or self._instance is None:
                raise InvalidInvocationError(
                    f"IO manager '{manager_key}' is not bound, so no stored value can be read.",
                    where=where,
                    fix=f"bind it: Definitions(resources={{'{manager_key}': ...}}), or pass "
                    "instance=... (its default IO manager reads the files it stored).",
                )
            from ..storage.fs_io_manager import fs_io_manager

            defs[manager_key] = fs_io_manager
        keys = with_dependencies(defs, {manager_key})
        configs = {manager_key: {"config": config}} if config is not None else {}
        found = open_resources({k: defs[k] for k in keys}, configs, self._instance, where)
        self._open[manager_key] = found
        return found

    def close(self) -> None:
        """Tear down the IO managers opened so far."""
        for opened in self._open.values():
            opened.close()
        self._open.clear()

    def __enter__(self) -> AssetValueLoader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
