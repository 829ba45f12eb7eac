"""What a context says about the assets its op computes (Dagster's ``AssetExecutionContext``).

Shared by the context of a run's step and the context of a direct call
(``build_asset_context``): which asset each output materializes and each
input reads, the asset definition, the run's partition seen as a range of
one key, metadata for an asset's materialization, and the provenance of an
asset's newest materialization. Each context says how it finds its asset
definition and the asset keys of its outputs and inputs; the rest follows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..definitions.partitions import PartitionKeyRange
from ..errors import InvalidInvocationError
from ..metadata import AssetKey, RawMetadataMapping

if TYPE_CHECKING:
    from ..definitions.assets.definition import AssetsDefinition
    from .data_versions import DataProvenance

__all__ = ["AssetContextMembers"]


class AssetContextMembers:
    """The asset members of a context; see the module docstring."""

    __slots__ = ()

    # -- what each context provides ------------------------------------------

    def _where(self) -> str:
        raise NotImplementedError

    def _output_asset_key(self, output_name: str) -> AssetKey | None:
        raise NotImplementedError

    def _input_asset_key(self, input_name: str) -> AssetKey | None:
        raise NotImplementedError

    def _output_name_of(self, asset_key: AssetKey) -> str | None:
        raise NotImplementedError

    @property
    def partition_key(self) -> str:
        raise NotImplementedError

    @property
    def asset_key(self) -> AssetKey:
        raise NotImplementedError

    @property
    def instance(self) -> Any:
        raise NotImplementedError

    add_output_metadata: Callable[..., None]

    # -- the asset members ---------------------------------------------------

    def asset_key_for_output(self, output_name: str = "result") -> AssetKey:
        """The asset that output ``output_name`` materializes."""
        return self._known(
            self._output_asset_key(output_name),
            f"output '{output_name}' materializes no asset.",
            "name an output of the asset (a multi-asset's outputs are its outs' names).",
        )

    def asset_key_for_input(self, input_name: str) -> AssetKey:
        """The upstream asset that input ``input_name`` reads (or waits for)."""
        return self._known(
            self._input_asset_key(input_name),
            f"input '{input_name}' reads no asset.",
            "name a parameter that reads an upstream asset, or an entry of deps.",
        )

    def _known(self, key: AssetKey | None, problem: str, fix: str) -> AssetKey:
        if key is None:
            raise InvalidInvocationError(problem, where=self._where(), fix=fix)
        return key

    @property
    def op_execution_context(self) -> Any:
        """This context (Dagster's asset context wraps an op context; here they are one)."""
        return self

    @property
    def partition_keys(self) -> list[str]:
        """The partitions the run materializes: its one partition key."""
        return [self.partition_key]

    @property
    def has_partition_key_range(self) -> bool:
        """False: a run materializes one partition, not a range."""
        return False

    @property
    def partition_key_range(self) -> PartitionKeyRange:
        """The run's partition as a range of one key (start and end are the key)."""
        key = self.partition_key
        return PartitionKeyRange(key, key)

    def add_asset_metadata(self, metadata: RawMetadataMapping, asset_key: Any = None) -> None:
        """Add metadata to the materialization of asset ``asset_key`` (None: the op's one
        asset), as ``add_output_metadata`` does for the asset's output."""
        from ..definitions.assets.specs import to_key

        key = self.asset_key if asset_key is None else to_key(asset_key)
        output_name = self._output_name_of(key)
        if output_name is None:
            raise InvalidInvocationError(
                f"it does not materialize asset '{key.to_user_string()}'.",
                where=self._where(),
                fix="name one of the assets it materializes (context.selected_asset_keys).",
            )
        self.add_output_metadata(metadata, output_name=output_name)

    def get_asset_provenance(self, asset_key: Any) -> DataProvenance | None:
        """The code version and upstream data versions of asset ``asset_key``'s newest
        materialization on the instance (None: never materialized)."""
        from ..definitions.assets.specs import to_key
        from .data_versions import provenance_of

        if self.instance is None:
            raise InvalidInvocationError(
                "the context has no instance to read the asset's history from.",
                where=self._where(),
                fix="build_asset_context(instance=...).",
            )
        return provenance_of(self.instance, to_key(asset_key))


def bound_output_name(assets_def: AssetsDefinition | None, key: AssetKey) -> str | None:
    """The output of ``assets_def`` that materializes ``key`` (None: it makes no such asset)."""
    if assets_def is None or key not in assets_def.keys:
        return None
    return assets_def.output_name_for(key)
