"""``Definitions`` and ``@repository``: one place that holds a code location's assets and jobs.

Both gather assets (asset definitions, ``AssetSpec``, ``SourceAsset``)
and jobs (``@job`` jobs and ``define_asset_job`` jobs), check the assets as
one graph, and build each asset job against them. ``Definitions`` also
binds its ``resources`` to every job that does not bind that key itself,
and its ``executor`` to every job that names none. ``@repository`` is
Dagster's older form: a function returning the list of definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..errors import InvalidDefinitionError, did_you_mean
from ._gc import gc_paused
from .assets.checks import AssetChecksDefinition
from .assets.definition import AssetsDefinition
from .assets.graph import AssetGraph
from .assets.job import UnresolvedAssetJobDefinition, build_asset_job
from .assets.specs import AssetSpec, SourceAsset
from .job import JobDefinition

__all__ = ["Definitions", "RepositoryDefinition", "repository", "IMPLICIT_ASSET_JOB_NAME"]

IMPLICIT_ASSET_JOB_NAME = "__ASSET_JOB"
"""The job that can materialize every asset of a code location."""

_ASSET_TYPES = (AssetsDefinition, AssetSpec, SourceAsset)
_CHECK_TYPES = (AssetChecksDefinition,)


class Definitions:
    """A code location's assets, jobs, resources, executor, schedules and sensors."""

    def __init__(
        self,
        assets: Iterable[Any] | None = None,
        schedules: Iterable[Any] | None = None,
        sensors: Iterable[Any] | None = None,
        jobs: Iterable[Any] | None = None,
        resources: Mapping[str, Any] | None = None,
        executor: Any = None,
        loggers: Mapping[str, Any] | None = None,
        asset_checks: Iterable[Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self._where = "Definitions"
        self.assets = list(assets or ())
        self.schedules = list(schedules or ())
        self.sensors = list(sensors or ())
        self.asset_checks = list(asset_checks or ())
        self.resources = dict(resources or {})
        self.executor = executor
        self.loggers = dict(loggers or {})
        self.metadata = dict(metadata or {})
        for item in self.assets:
            if not isinstance(item, _ASSET_TYPES):
                raise InvalidDefinitionError(
                    f"assets holds {item!r}, which is not an asset.",
                    where=self._where,
                    fix="list @asset / @multi_asset definitions, AssetSpec or SourceAsset "
                    "objects in assets=[...] (jobs go in jobs=[...]).",
                )
        with gc_paused():
            self._asset_graph = AssetGraph([*self.assets, *self.asset_checks], where=self._where)
            self._jobs: dict[str, JobDefinition] = {}
            for item in jobs or ():
                self._add_job(item)

    def _add_job(self, item: Any) -> None:
        if isinstance(item, UnresolvedAssetJobDefinition):
            job = item.resolve(self._asset_graph, self.resources, self.executor)
        elif isinstance(item, JobDefinition):
            job = self._bind(item)
        else:
            raise InvalidDefinitionError(
                f"jobs holds {item!r}, which is not a job.",
                where=self._where,
                fix="list jobs made with @job, graph.to_job() or define_asset_job().",
            )
        if job.name in self._jobs:
            raise InvalidDefinitionError(
                f"two jobs are named '{job.name}'.",
                where=self._where,
                fix="give each job its own name.",
            )
        self._jobs[job.name] = job

    def _bind(self, job: JobDefinition) -> JobDefinition:
        """``job`` with the resources it does not bind itself, and the default executor."""
        missing = {k: v for k, v in self.resources.items() if k not in job.resource_defs}
        if missing:
            job = job.with_resources(missing)
        if self.executor is not None and job.executor_def is None:
            job = job._replace(executor_def=self.executor)
        return job

    # -- reading it --------------------------------------------------------

    def get_job_def(self, name: str) -> JobDefinition:
        """The job named ``name`` (an asset job built against these assets)."""
        if name == IMPLICIT_ASSET_JOB_NAME and name not in self._jobs:
            return self.get_implicit_global_asset_job_def()
        found = self._jobs.get(name)
        if found is None:
            raise InvalidDefinitionError(
                f"there is no job named '{name}'.{did_you_mean(name, self._jobs)}",
                where=self._where,
                fix=f"use one of: {', '.join(sorted(self._jobs)) or '(no jobs)'}.",
            )
        return found

    resolve_job_def = get_job_def

    def get_all_job_defs(self) -> list[JobDefinition]:
        return list(self._jobs.values())

    @property
    def job_names(self) -> list[str]:
        return list(self._jobs)

    def has_job(self, name: str) -> bool:
        return name in self._jobs

    def get_asset_graph(self) -> AssetGraph:
        return self._asset_graph

    resolve_asset_graph = get_asset_graph

    def get_all_asset_specs(self) -> list[AssetSpec]:
        """The spec of every asset here, in dependency order: those of asset definitions,
        external ones (a source asset's as an AssetSpec) and those only named in deps."""
        specs = []
        for key in self._asset_graph.order:
            node = self._asset_graph.nodes[key]
            spec = node.spec
            if node.assets_def is not None:
                spec = node.assets_def.specs_by_key[key]
            elif isinstance(spec, SourceAsset):
                spec = spec.to_asset_spec()
            specs.append(spec)
        return specs

    def get_implicit_global_asset_job_def(self) -> JobDefinition:
        """A job that can materialize every asset here (``__ASSET_JOB``)."""
        return build_asset_job(
            IMPLICIT_ASSET_JOB_NAME,
            self._asset_graph,
            self._asset_graph.materializable_keys,
            resource_defs=self.resources,
            executor_def=self.executor,
        )

    resolve_implicit_global_asset_job_def = get_implicit_global_asset_job_def

    def get_assets_def(self, key: Any) -> AssetsDefinition:
        """The definition that makes asset ``key``."""
        from .assets.specs import to_key

        asset_key = to_key(key)
        node = self._asset_graph.nodes.get(asset_key)
        if node is None or node.assets_def is None:
            raise InvalidDefinitionError(
                f"no asset definition makes asset '{asset_key.to_user_string()}'.",
                where=self._where,
            )
        return node.assets_def

    resolve_assets_def = get_assets_def

    def get_asset_value_loader(self, instance: Any = None) -> Any:
        """An :class:`AssetValueLoader` reading stored asset values through the IO managers
        bound here (use it in a ``with`` block to read many, opening each manager once)."""
        from ..execution.asset_values import AssetValueLoader

        return AssetValueLoader(self, instance)

    def load_asset_value(
        self,
        asset_key: Any,
        *,
        instance: Any = None,
        partition_key: str | None = None,
        python_type: type | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> Any:
        """The stored value of asset ``asset_key`` (its last materialization, as its IO manager
        loads it for a downstream asset); ``instance`` for the default filesystem one."""
        with self.get_asset_value_loader(instance) as loader:
            return loader.load_asset_value(
                asset_key,
                partition_key=partition_key,
                python_type=python_type,
                input_definition_metadata=metadata,
            )

    @staticmethod
    def merge(*defs: Definitions) -> Definitions:
        """One Definitions holding everything of ``defs`` (a name or key twice is an error)."""
        resources: dict[str, Any] = {}
        executors = {id(d.executor): d.executor for d in defs if d.executor is not None}
        for d in defs:
            resources.update(d.resources)
        return Definitions(
            assets=[a for d in defs for a in d.assets],
            schedules=[s for d in defs for s in d.schedules],
            sensors=[s for d in defs for s in d.sensors],
            jobs=[j for d in defs for j in d._jobs.values()],
            resources=resources,
            executor=next(iter(executors.values()), None),
        )


class RepositoryDefinition(Definitions):
    """The definitions a ``@repository`` function returns, under the function's name."""

    def __init__(self, name: str, items: Iterable[Any], description: str | None = None) -> None:
        assets: list[Any] = []
        checks: list[Any] = []
        jobs: list[Any] = []
        other: list[Any] = []
        for item in items:
            if isinstance(item, _ASSET_TYPES):
                assets.append(item)
            elif isinstance(item, _CHECK_TYPES):
                checks.append(item)
            elif isinstance(item, JobDefinition | UnresolvedAssetJobDefinition):
                jobs.append(item)
            else:
                other.append(item)
        if other:
            raise InvalidDefinitionError(
                f"the repository holds {other[0]!r}, which is neither an asset nor a job.",
                where=f"repository '{name}'",
                fix="return assets (@asset, AssetSpec, SourceAsset) and jobs (@job, "
                "define_asset_job) from the repository function.",
            )
        self.name = name
        self.description = description
        super().__init__(assets=assets, jobs=jobs, asset_checks=checks)
        self._where = f"repository '{name}'"

    def get_job(self, name: str) -> JobDefinition:
        return self.get_job_def(name)

    def get_all_jobs(self) -> list[JobDefinition]:
        return self.get_all_job_defs()

    def __repr__(self) -> str:
        return f"RepositoryDefinition({self.name!r})"


def repository(
    definitions_fn: Callable[[], Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
) -> Any:
    """Turn a function returning a list of assets and jobs into a repository."""

    def build(fn: Callable[[], Any]) -> RepositoryDefinition:
        items = fn()
        if isinstance(items, Mapping):
            items = [v for group in items.values() for v in dict(group).values()]
        return RepositoryDefinition(
            name or fn.__name__, list(items), description=description or fn.__doc__
        )

    if definitions_fn is not None:
        return build(definitions_fn)
    return build
