"""Reading a finished run's outputs back through their IO managers.

A run whose steps ran in other processes kept no output values in the run
process; its result reads an output when asked, as the step downstream
would have: the output's IO manager loads it, given the output's context
(run id, step key, output name, mapping key).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..definitions.outputs import DEFAULT_IO_MANAGER_KEY
from .io_managers import InputContext, OutputContext
from .resources import ResourceSet, open_resources

if TYPE_CHECKING:
    from ..definitions.job import JobDefinition
    from ..records import Run
    from ..storage.instance import Instance

__all__ = ["OutputLoader", "LAZY"]

LAZY = object()
"""Stands in a result for an output its IO manager holds (loaded when asked for)."""


class OutputLoader:
    """Loads outputs of one recorded run through the run's IO managers (opened on first use)."""

    def __init__(
        self, job: JobDefinition, run: Run, run_config: Mapping[str, Any], instance: Instance
    ) -> None:
        self._job = job
        self._run = run
        self._run_config = run_config
        self._instance = instance
        self._resources: ResourceSet | None = None

    def load(self, step_key: str, handle: str, output: str, mapping_key: str | None) -> Any:
        """The value of ``output`` of step ``step_key`` (op ``handle``), as its manager has it."""
        op_def = self._job.flat_graph.ops[handle].op_def
        out_def = op_def.output_dict[output]
        resources = self._open(out_def.io_manager_key)
        manager = getattr(resources.values.get(out_def.io_manager_key), "load_input", None)
        values = resources.values
        layer = self._job.asset_layer  # an asset is stored under its key, not the step's
        asset_key = layer.key_for_output(handle, output) if layer is not None else None
        partition_key = self._run.partition_key
        if asset_key is not None and not layer.is_partitioned(asset_key):
            partition_key = None  # an unpartitioned asset is stored whole
        upstream = OutputContext(
            asset_key=asset_key,
            step_key=step_key,
            name=output,
            job_name=self._job.name,
            run_id=self._run.run_id,
            mapping_key=mapping_key,
            definition_metadata=out_def.metadata,
            op_def=op_def,
            dagster_type=out_def.dagster_type,
            resources=values,
            partition_key=partition_key,
        )
        context = InputContext(
            name=output,
            job_name=self._job.name,
            upstream_output=upstream,
            dagster_type=out_def.dagster_type,
            resources=values,
            partition_key=self._run.partition_key,
        )
        if manager is None:
            raise KeyError(f"no IO manager '{out_def.io_manager_key}' to read outputs with")
        return manager(context)

    def _open(self, manager_key: str) -> ResourceSet:
        """The run's IO managers (and the resources they need), started once."""
        if self._resources is None:
            defs = dict(self._job.resource_defs)
            if DEFAULT_IO_MANAGER_KEY not in defs and not self._instance.is_ephemeral:
                from ..storage.fs_io_manager import fs_io_manager

                defs[DEFAULT_IO_MANAGER_KEY] = fs_io_manager
            managers = {
                d.io_manager_key
                for flat in self._job.flat_graph.ops.values()
                for d in flat.op_def.output_defs
            }
            keys = with_dependencies(defs, managers | {manager_key})
            section = self._run_config.get("resources")
            configs = dict(section) if isinstance(section, Mapping) else {}
            self._resources = open_resources(
                {k: defs[k] for k in keys},
                {k: v for k, v in configs.items() if k in keys},
                self._instance,
                f"the result of run '{self._run.run_id}'",
            )
        return self._resources

    def close(self) -> None:
        """Tear down the IO managers opened to read outputs."""
        if self._resources is not None:
            self._resources.close()
            self._resources = None


def with_dependencies(defs: Mapping[str, Any], keys: set[str]) -> set[str]:
    """``keys`` (those bound) and every resource they require, transitively."""
    found: set[str] = set()
    todo = [k for k in keys if k in defs]
    while todo:
        key = todo.pop()
        if key not in found:
            found.add(key)
            todo.extend(k for k in defs[key].required_resource_keys if k in defs)
    return found
