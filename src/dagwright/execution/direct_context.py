"""The ``context`` of an op or asset called directly, as a unit test does.

``build_op_context`` (and ``build_asset_context``, which names the config
``asset_config``) makes a :class:`DirectOpContext` with the config,
resources, partition and instance the test gives. Passed to an op call it
is bound to that op; passed to an asset call, to that asset too, so that
it tells the asset's key and definition as a run's context does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..definitions._context import ExecutionContextBase
from ..definitions._output_metadata import PendingMetadata, add_output_metadata
from ..definitions.resources import resource_defs_from
from ..errors import InvalidInvocationError
from ..metadata import AssetKey, MetadataValueUnion, RawMetadataMapping, Report
from .asset_context import AssetContextMembers, bound_output_name
from .logs import StepLog
from .reports import check_report
from .resources import EMPTY_RESOURCES, Resources, ResourceSet, open_resources

if TYPE_CHECKING:
    from ..definitions._results import OutputTracker
    from ..definitions.assets.definition import AssetsDefinition
    from ..definitions.op import OpDefinition

__all__ = ["DirectOpContext", "build_op_context", "build_asset_context"]


class DirectOpContext(AssetContextMembers, ExecutionContextBase):
    """A context for calling an op directly in a test (see :func:`build_op_context`).

    Use it as a context manager when its resources need tearing down. Passed
    to an asset called directly, it is bound to that asset (``asset_key``,
    ``assets_def``).
    """

    __slots__ = (
        "_assets_def",
        "_events",
        "_instance",
        "_log",
        "_mapping_key",
        "_op_config",
        "_op_def",
        "_output_metadata",
        "_outputs",
        "_partition_key",
        "_resource_set",
        "_resources",
        "_tags",
        "run_id",
    )

    def __init__(
        self,
        op_config: Any,
        resource_set: ResourceSet,
        partition_key: str | None,
        mapping_key: str | None,
        tags: Mapping[str, str],
        instance: Any,
    ) -> None:
        self._op_config = op_config
        self._resource_set = resource_set
        self._resources = Resources(resource_set.values, "this test context")
        self._partition_key = partition_key
        self._mapping_key = mapping_key
        self._tags = dict(tags)
        self._instance = instance
        self._op_def: OpDefinition | None = None
        self._assets_def: AssetsDefinition | None = None
        self._log = StepLog(None, None)
        self._events: list[Report] = []
        self._output_metadata: PendingMetadata = {}
        self._outputs: OutputTracker | None = None
        self.run_id = "EPHEMERAL"

    def bind_to_op(
        self, op_def: OpDefinition, given: frozenset[str] = frozenset()
    ) -> DirectOpContext:
        """This context, checked for and attached to ``op_def`` (done by the op call).

        ``given`` are resources the call passes itself, as keyword arguments.
        Events and output metadata of an earlier call are forgotten.
        """
        missing = sorted(
            k for k in op_def.required_resource_keys if k not in self._resources and k not in given
        )
        if missing:
            raise InvalidInvocationError(
                f"it requires resource '{missing[0]}', which the context does not have.",
                where=f"op '{op_def.name}'",
                fix=f"build_op_context(resources={{'{missing[0]}': ...}}).",
            )
        if self._assets_def is not None and self._assets_def.node_def is not op_def:
            self._assets_def = None  # a plain op called with a context an asset used
        self._op_def = op_def
        self._events = []
        self._output_metadata = {}
        self._outputs = None
        return self

    def bind_to_assets_def(self, assets_def: AssetsDefinition) -> DirectOpContext:
        """This context, attached to ``assets_def`` (done by a direct call of the asset)."""
        self._assets_def = assets_def
        return self

    @property
    def assets_def(self) -> AssetsDefinition:
        """The asset this context was passed to (raises before any asset call)."""
        if self._assets_def is None:
            raise InvalidInvocationError(
                "the context is not bound to an asset.",
                where=self._where(),
                fix="pass it to the asset: my_asset(build_asset_context(...)).",
            )
        return self._assets_def

    @property
    def has_assets_def(self) -> bool:
        return self._assets_def is not None

    @property
    def asset_key(self) -> AssetKey:
        """The key of the asset this context was passed to (raises for a multi-asset)."""
        keys = self.assets_def.keys
        if len(keys) != 1:
            listed = ", ".join(sorted(k.to_user_string() for k in keys))
            raise InvalidInvocationError(
                f"context.asset_key needs an asset definition of one asset; this one makes: "
                f"{listed}.",
                where=self._where(),
                fix="use context.selected_asset_keys for a multi-asset.",
            )
        return next(iter(keys))

    @property
    def selected_asset_keys(self) -> frozenset[AssetKey]:
        """Every asset of the bound asset definition (a direct call makes them all)."""
        return self._assets_def.keys if self._assets_def is not None else frozenset()

    @property
    def partitions_def(self) -> Any:
        """The partitions of the bound asset (None: none, or not bound)."""
        return self._assets_def.partitions_def if self._assets_def is not None else None

    def _output_asset_key(self, output_name: str) -> AssetKey | None:
        found = self._assets_def
        return found.keys_by_output_name.get(output_name) if found is not None else None

    def _input_asset_key(self, input_name: str) -> AssetKey | None:
        found = self._assets_def
        return found.keys_by_input_name.get(input_name) if found is not None else None

    def _output_name_of(self, asset_key: AssetKey) -> str | None:
        return bound_output_name(self._assets_def, asset_key)

    def _where(self) -> str:
        return f"op '{self._op_def.name}'" if self._op_def is not None else "the direct context"

    def track_outputs(self, tracker: OutputTracker) -> None:
        """Watch what a generator op yields, to know which outputs it produced (done by the
        op call)."""
        self._outputs = tracker

    @property
    def op_def(self) -> OpDefinition:
        if self._op_def is None:
            raise InvalidInvocationError(
                "the context is not attached to an op yet.",
                fix="pass it as the first argument of an op call.",
            )
        return self._op_def

    @property
    def selected_output_names(self) -> frozenset[str]:
        """Every output of the op: a direct call asks a multi-asset for all its assets."""
        return frozenset(self.op_def.output_dict)

    @property
    def op_config(self) -> Any:
        return self._op_config

    @property
    def resources(self) -> Resources:
        return self._resources if self._resource_set.values else EMPTY_RESOURCES

    @property
    def log(self) -> StepLog:
        return self._log

    @property
    def job_name(self) -> str | None:
        return None

    @property
    def retry_number(self) -> int:
        return 0

    @property
    def instance(self) -> Any:
        return self._instance

    def get_mapping_key(self) -> str | None:
        return self._mapping_key

    def log_event(self, event: Report) -> None:
        """Keep a report of the op (read it back with :meth:`get_events`)."""
        where = f"op '{self._op_def.name}'" if self._op_def is not None else "log_event"
        self._events.append(check_report(event, where))

    def get_events(self) -> list[Report]:
        """The reports the op passed to ``log_event`` in its last call, in order."""
        return list(self._events)

    def add_output_metadata(
        self,
        metadata: RawMetadataMapping,
        output_name: str | None = None,
        mapping_key: str | None = None,
    ) -> None:
        """Add metadata to an output before the op produces it, as in a run (read it back
        with :meth:`get_output_metadata`)."""
        outputs = self._outputs
        add_output_metadata(
            self.op_def,
            self.op_def.name,
            self._output_metadata,
            outputs.has_produced if outputs is not None else _nothing_produced,
            metadata,
            output_name,
            mapping_key,
        )

    def get_output_metadata(
        self, output_name: str, mapping_key: str | None = None
    ) -> dict[str, MetadataValueUnion] | None:
        """The metadata the op's last call added for an output, or None."""
        return self._output_metadata.get((output_name, mapping_key))

    @property
    def has_partition_key(self) -> bool:
        return self._partition_key is not None

    @property
    def partition_key(self) -> str:
        if self._partition_key is None:
            raise InvalidInvocationError(
                "this context has no partition key.",
                fix="build_op_context(partition_key=...).",
            )
        return self._partition_key

    @property
    def run_tags(self) -> Mapping[str, str]:
        return self._tags

    def has_tag(self, key: str) -> bool:
        return key in self._tags

    def get_tag(self, key: str) -> str | None:
        return self._tags.get(key)

    def __enter__(self) -> DirectOpContext:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._resource_set.close()

    def __del__(self) -> None:
        # Teardown errors at garbage collection have nowhere to go.
        with contextlib.suppress(Exception):
            self._resource_set.close()


def _nothing_produced(_output_name: str, _mapping_key: str | None) -> bool:
    return False


def build_asset_context(
    resources: Mapping[str, Any] | None = None,
    resources_config: Mapping[str, Any] | None = None,
    asset_config: Any = None,
    instance: Any = None,
    partition_key: str | None = None,
    run_tags: Mapping[str, str] | None = None,
) -> DirectOpContext:
    """A context to call an asset function directly in a test (``build_op_context`` with the
    asset's config as ``asset_config``)."""
    return build_op_context(
        resources=resources,
        resources_config=resources_config,
        op_config=asset_config,
        instance=instance,
        partition_key=partition_key,
        run_tags=run_tags,
    )


def build_op_context(
    resources: Mapping[str, Any] | None = None,
    op_config: Any = None,
    resources_config: Mapping[str, Any] | None = None,
    instance: Any = None,
    config: Any = None,
    partition_key: str | None = None,
    mapping_key: str | None = None,
    run_tags: Mapping[str, str] | None = None,
) -> DirectOpContext:
    """A context to call an op directly in a test: ``my_op(build_op_context(...), x)``.

    ``resources`` maps keys to resource definitions or plain objects;
    definitions are started now and torn down when the context exits.
    """
    if op_config is not None and config is not None:
        raise InvalidInvocationError(
            "both op_config and config were given.",
            where="build_op_context",
            fix="pass the op's config once, as op_config=... (config= is an alias).",
        )
    defs = resource_defs_from(resources, "build_op_context")
    resource_set = open_resources(defs, resources_config or {}, instance, "build_op_context")
    return DirectOpContext(
        op_config if op_config is not None else config,
        resource_set,
        partition_key,
        mapping_key,
        run_tags or {},
        instance,
    )
