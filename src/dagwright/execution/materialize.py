"""``materialize`` and ``materialize_to_memory``: run assets in this process, as tests and
scripts do.

Both build an asset job over the given assets (checked as one graph:
every upstream asset read as a value must be among them, as a
definition, an ``AssetSpec`` or a ``SourceAsset``; one named only in
``deps`` may be left out, it is then external) and run it with
``execute_in_process``. ``selection`` narrows what is materialized (and
which asset checks run: by default those of the selected assets); the
other assets of the graph are read from their last materialization
through their IO managers (which on a persistent instance store files).
``materialize_to_memory`` keeps every asset in memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..definitions._gc import gc_paused
from ..definitions.assets.definition import AssetsDefinition
from ..definitions.assets.graph import AssetGraph
from ..definitions.assets.job import build_asset_job, job_selection
from ..errors import InvalidInvocationError

if TYPE_CHECKING:
    from ..definitions.job import JobDefinition
    from ..storage.instance import Instance
    from .result import ExecuteInProcessResult

__all__ = ["materialize", "materialize_to_memory"]

_JOB_NAME = "__ephemeral_asset_job__"


def materialize(
    assets: Sequence[Any],
    run_config: Any = None,
    instance: Instance | None = None,
    resources: Mapping[str, Any] | None = None,
    partition_key: str | None = None,
    raise_on_error: bool = True,
    tags: Mapping[str, Any] | None = None,
    selection: Any = None,
) -> ExecuteInProcessResult:
    """Materialize ``assets`` (or the ``selection`` of them) in this process; return the
    result. With a persistent ``instance`` each materialization is recorded there and stored
    by the default IO manager as a file under the asset's key."""
    job = _asset_job(assets, resources, selection, "materialize")
    return job.execute_in_process(run_config, instance, partition_key, raise_on_error, tags=tags)


def materialize_to_memory(
    assets: Sequence[Any],
    run_config: Any = None,
    instance: Instance | None = None,
    resources: Mapping[str, Any] | None = None,
    partition_key: str | None = None,
    raise_on_error: bool = True,
    tags: Mapping[str, Any] | None = None,
    selection: Any = None,
) -> ExecuteInProcessResult:
    """Like :func:`materialize`, with every asset kept in memory (no IO manager stores it)."""
    from ..definitions.io_manager import mem_io_manager

    keys = _io_manager_keys(assets)
    given = sorted(k for k in keys if k in (resources or {}))
    if given:
        raise InvalidInvocationError(
            f"resources binds the IO manager key '{given[0]}', but materialize_to_memory keeps "
            "every asset in memory.",
            where="materialize_to_memory",
            fix="leave IO managers out of resources, or use materialize(...).",
        )
    in_memory = {**(resources or {}), **dict.fromkeys(keys, mem_io_manager)}
    job = _asset_job(assets, in_memory, selection, "materialize_to_memory")
    return job.execute_in_process(run_config, instance, partition_key, raise_on_error, tags=tags)


def _asset_job(
    assets: Sequence[Any], resources: Mapping[str, Any] | None, selection: Any, where: str
) -> JobDefinition:
    with gc_paused():
        graph = AssetGraph(assets, where=where)
        selected, checks = job_selection(graph, selection)
        return build_asset_job(_JOB_NAME, graph, selected, checks=checks, resource_defs=resources)


def _io_manager_keys(assets: Sequence[Any]) -> set[str]:
    keys = {"io_manager"}
    for item in assets:
        if isinstance(item, AssetsDefinition):
            keys.update(item.io_manager_key_for(key) for key in item.keys)
    return keys
