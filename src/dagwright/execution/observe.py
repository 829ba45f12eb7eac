"""``observe``: run the observation functions of observable source assets, in this process.

Each observable source asset becomes an op that calls its function and
records an ASSET_OBSERVATION with the returned data version (tag
``dagster/data_version``) and metadata; the run is recorded like any
other, so the instance keeps each asset's observation history and the
assets computed from it can tell they are stale.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..definitions.assets.definition import node_name_for_key
from ..definitions.assets.observable import DataVersion, ObserveResult, observe_params
from ..definitions.assets.specs import SourceAsset
from ..definitions.graph import GraphDefinition
from ..definitions.job import JobDefinition
from ..definitions.op import op
from ..errors import InvalidDefinitionError, InvalidInvocationError
from ..metadata import AssetObservation
from ..storage.lineage import DATA_VERSION_TAG

if TYPE_CHECKING:
    from ..storage.instance import Instance
    from .result import ExecuteInProcessResult

__all__ = ["observe"]


def observe(
    assets: Sequence[Any],
    run_config: Any = None,
    instance: Instance | None = None,
    resources: Mapping[str, Any] | None = None,
    partition_key: str | None = None,
    raise_on_error: bool = True,
    tags: Mapping[str, Any] | None = None,
) -> ExecuteInProcessResult:
    """Observe the observable source assets among ``assets``; return the run's result."""
    sources = [a for a in assets if isinstance(a, SourceAsset) and a.is_observable]
    if not sources:
        raise InvalidInvocationError(
            "none of the assets given can be observed.",
            where="observe",
            fix="pass assets made with @observable_source_asset.",
        )
    graph = GraphDefinition("__ephemeral_observe_job__", node_defs=[_observer(s) for s in sources])
    job = JobDefinition(graph_def=graph, resource_defs=resources)
    return job.execute_in_process(
        run_config=run_config,
        instance=instance,
        partition_key=partition_key,
        raise_on_error=raise_on_error,
        tags=tags,
    )


def _observer(source: SourceAsset) -> Any:
    """The op that observes ``source``."""
    fn = source.observe_fn
    key = source.key
    where = f"observable source asset '{key.to_user_string()}'"
    wants_context, resources = observe_params(fn, where)

    def observe_it(context: Any) -> Iterator[AssetObservation]:
        given = {name: getattr(context.resources, name) for name in resources}
        found = fn(context, **given) if wants_context else fn(**given)
        version, metadata, extra = _version_of(found, key.to_user_string())
        tags = dict(extra)
        if version is not None:
            tags[DATA_VERSION_TAG] = version.value
        partition = context.partition_key if context.has_partition_key else None
        yield AssetObservation(asset_key=key, metadata=metadata, tags=tags, partition=partition)

    return op(
        name=node_name_for_key(key),
        description=source.description,
        out={},
        required_resource_keys=getattr(source, "required_resource_keys", None),
    )(observe_it)


def _version_of(found: Any, name: str) -> tuple[DataVersion | None, dict[str, Any], dict[str, str]]:
    if isinstance(found, DataVersion):
        return found, {}, {}
    if isinstance(found, ObserveResult):
        return found.data_version, found.metadata, found.tags
    if found is None:
        return None, {}, {}
    raise InvalidDefinitionError(
        f"the observation function returned {type(found).__name__}.",
        where=f"observable source asset '{name}'",
        fix="return DataVersion('...') or ObserveResult(data_version=..., metadata=...).",
    )
