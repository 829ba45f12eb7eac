"""``AssetsDefinition``: one op (or graph) and the assets its outputs are.

An asset definition couples a node, which computes, with the asset keys
its outputs materialize and the asset keys its inputs read. ``@asset``
makes one for a single asset, ``@multi_asset`` for several made by one
function, ``AssetsDefinition.from_op`` / ``from_graph`` wrap existing
nodes. Everything said about each asset (group, owners, tags, kinds,
metadata, code version, dependencies) is kept as an :class:`AssetSpec`
per key. Asset jobs (``define_asset_job``) wire these nodes into a graph
by their keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from ...errors import InvalidDefinitionError
from ...metadata import AssetCheckKey, AssetKey
from .._context import ExecutionContextBase
from ..graph import GraphDefinition
from ..op import OpDefinition
from .specs import AssetSpec, check_group_name, dep_key

if TYPE_CHECKING:
    from ..node import NodeDefinition

__all__ = ["AssetsDefinition", "node_name_for_key"]


def node_name_for_key(key: AssetKey) -> str:
    """The op name of an asset: its key's parts joined by double underscores."""
    return "__".join(key.path)


class FromNodeOptions(TypedDict, total=False):
    """What ``AssetsDefinition.from_op`` and ``from_graph`` take besides the node: which key
    each input reads and each output is (default: named after them, under ``key_prefix``),
    the group, whether a subset may run, the partitions, and per-output descriptions and
    metadata."""

    keys_by_input_name: Mapping[str, AssetKey] | None
    keys_by_output_name: Mapping[str, AssetKey] | None
    key_prefix: str | Sequence[str] | None
    group_name: str | None
    can_subset: bool
    partitions_def: Any
    descriptions_by_output_name: Mapping[str, str] | None
    metadata_by_output_name: Mapping[str, Mapping[str, Any]] | None


class AssetsDefinition:
    """A node and the assets it materializes: keys per output, upstream keys per input."""

    def __init__(
        self,
        *,
        node_def: NodeDefinition,
        keys_by_output_name: Mapping[str, AssetKey],
        keys_by_input_name: Mapping[str, AssetKey] | None = None,
        specs: Sequence[AssetSpec] | None = None,
        can_subset: bool = False,
        partitions_def: Any = None,
        check_specs: Sequence[Any] | None = None,
    ) -> None:
        if not isinstance(node_def, OpDefinition | GraphDefinition):
            raise InvalidDefinitionError(
                f"an asset definition needs an op or a graph, got {type(node_def).__name__}.",
                fix="use @asset, or AssetsDefinition.from_op / from_graph.",
            )
        where = f"assets of {node_def.kind} '{node_def.name}'"
        self._node_def = node_def
        self._keys_by_output = dict(keys_by_output_name)
        self._keys_by_input = dict(keys_by_input_name or {})
        for name in self._keys_by_output:
            if name not in node_def.output_dict:
                raise InvalidDefinitionError(
                    f"keys_by_output_name names output '{name}', which it does not have "
                    f"(outputs: {', '.join(node_def.output_dict) or 'none'}).",
                    where=where,
                )
        for name in self._keys_by_input:
            if name not in node_def.input_dict:
                raise InvalidDefinitionError(
                    f"keys_by_input_name names input '{name}', which it does not have "
                    f"(inputs: {', '.join(node_def.input_dict) or 'none'}).",
                    where=where,
                )
        by_key = {spec.key: spec for spec in specs or ()}
        self._specs: dict[AssetKey, AssetSpec] = {}
        read = list(dict.fromkeys(self._keys_by_input.values()))
        for key in self._keys_by_output.values():
            # An asset without a spec depends on everything its node reads.
            spec = by_key.get(key) or AssetSpec(key, deps=read)
            group = check_group_name(spec.group_name, where)
            if group != spec.group_name:  # the default group, filled in
                spec = spec.replace_attributes(group_name=group)
            self._specs[key] = spec
        self._can_subset = can_subset
        self._partitions_def = partitions_def
        self._check_specs = tuple(check_specs or ())
        self._output_by_key = {key: name for name, key in self._keys_by_output.items()}
        self._keys = frozenset(self._output_by_key)

    # -- what it makes ---------------------------------------------------

    @property
    def node_def(self) -> NodeDefinition:
        return self._node_def

    @property
    def op(self) -> OpDefinition:
        """The op that computes the assets (raises for a graph-backed definition)."""
        if not isinstance(self._node_def, OpDefinition):
            raise InvalidDefinitionError(
                f"assets of graph '{self._node_def.name}' are computed by a graph, not one op.",
                fix="use .node_def for the graph.",
            )
        return self._node_def

    @property
    def keys(self) -> frozenset[AssetKey]:
        return self._keys

    @property
    def key(self) -> AssetKey:
        """The one asset key (raises when the definition makes several)."""
        if len(self._keys_by_output) != 1:
            raise InvalidDefinitionError(
                f"this definition makes several assets ({self._listed()}), so it has no single "
                "key.",
                fix="use .keys.",
            )
        return next(iter(self._keys_by_output.values()))

    @property
    def keys_by_output_name(self) -> Mapping[str, AssetKey]:
        return dict(self._keys_by_output)

    @property
    def keys_by_input_name(self) -> Mapping[str, AssetKey]:
        return dict(self._keys_by_input)

    @property
    def specs(self) -> list[AssetSpec]:
        return list(self._specs.values())

    @property
    def specs_by_key(self) -> Mapping[AssetKey, AssetSpec]:
        return dict(self._specs)

    @property
    def dependency_keys(self) -> set[AssetKey]:
        """Every upstream asset: read as inputs, or named in ``deps``."""
        keys = set(self._keys_by_input.values())
        for spec in self._specs.values():
            keys.update(spec.deps)
        return keys

    @property
    def value_input_keys(self) -> Mapping[str, AssetKey]:
        """The upstream asset each input reads as a value, by input name (the others,
        ``deps``, are only waited for)."""
        inputs = self._node_def.input_dict
        return {n: k for n, k in self._keys_by_input.items() if not inputs[n].is_nothing}

    def get_asset_spec(self, key: Any = None) -> AssetSpec:
        """The spec of asset ``key`` (None: of the one asset it makes)."""
        asset_key = self.key if key is None else dep_key(key, repr(self))
        found = self._specs.get(asset_key)
        if found is None:
            raise InvalidDefinitionError(
                f"it makes no asset '{asset_key.to_user_string()}'.",
                where=repr(self),
                fix=f"name one of its assets: {self._listed()}.",
            )
        return found

    def _listed(self) -> str:
        """Its keys, for messages: ``a, b/c``."""
        return ", ".join(sorted(k.to_user_string() for k in self._keys))

    def deps_of(self, key: AssetKey) -> set[AssetKey]:
        """The upstream assets of ``key`` (for a multi-asset, what that one asset depends on)."""
        return set(self._specs[key].deps)

    def output_name_for(self, key: AssetKey) -> str:
        return self._output_by_key[key]

    @property
    def can_subset(self) -> bool:
        return self._can_subset

    @property
    def partitions_def(self) -> Any:
        return self._partitions_def

    @property
    def partition_mappings(self) -> Mapping[AssetKey, Any]:
        """The partition mapping given for each upstream key (``AssetIn``/``AssetDep``)."""
        found: dict[AssetKey, Any] = {}
        for spec in self._specs.values():
            found.update(spec.partition_mappings)
        return found

    @property
    def check_specs(self) -> tuple[Any, ...]:
        return self._check_specs

    @property
    def check_keys(self) -> set[AssetCheckKey]:
        """The keys of the checks its op reports (``check_specs``)."""
        return {spec.key for spec in self._check_specs}

    @property
    def group_names_by_key(self) -> Mapping[AssetKey, str]:
        return {key: spec.group_name or "default" for key, spec in self._specs.items()}

    @property
    def descriptions_by_key(self) -> Mapping[AssetKey, str | None]:
        return {key: spec.description for key, spec in self._specs.items()}

    @property
    def metadata_by_key(self) -> Mapping[AssetKey, Mapping[str, Any]]:
        return {key: spec.metadata for key, spec in self._specs.items()}

    @property
    def tags_by_key(self) -> Mapping[AssetKey, Mapping[str, str]]:
        return {key: spec.tags for key, spec in self._specs.items()}

    @property
    def owners_by_key(self) -> Mapping[AssetKey, tuple[str, ...]]:
        return {key: spec.owners for key, spec in self._specs.items()}

    @property
    def code_versions_by_key(self) -> Mapping[AssetKey, str | None]:
        return {key: spec.code_version for key, spec in self._specs.items()}

    def io_manager_key_for(self, key: AssetKey) -> str:
        """The IO manager that stores (and loads) asset ``key``."""
        out = self._node_def.output_dict[self._output_by_key[key]]
        return getattr(out, "io_manager_key", "io_manager")

    # -- changing it -----------------------------------------------------

    def with_attributes(
        self,
        *,
        group_names_by_key: Mapping[AssetKey, str] | None = None,
        asset_key_replacements: Mapping[AssetKey, AssetKey] | None = None,
    ) -> AssetsDefinition:
        """A copy with groups set or keys replaced (what ``load_assets_from_*`` helpers do)."""
        replace = dict(asset_key_replacements or {})
        groups = dict(group_names_by_key or {})
        specs = []
        for key, spec in self._specs.items():
            new_key = replace.get(key, key)
            specs.append(
                spec.replace_attributes(
                    key=new_key,
                    group_name=groups.get(key, spec.group_name),
                    deps=[replace.get(d, d) for d in spec.deps],
                    partition_mappings={
                        replace.get(k, k): m for k, m in spec.partition_mappings.items()
                    },
                )
            )
        node_def = self._node_def
        if len(self._keys) == 1 and isinstance(node_def, OpDefinition):
            (key,) = self._keys
            if key in replace and node_def.name == node_name_for_key(key):
                # an op named after its asset's key follows the key (two prefixed copies of
                # one asset then stay apart in a job)
                node_def = node_def.with_changes(name=node_name_for_key(replace[key]))
        return AssetsDefinition(
            node_def=node_def,
            keys_by_output_name={n: replace.get(k, k) for n, k in self._keys_by_output.items()},
            keys_by_input_name={n: replace.get(k, k) for n, k in self._keys_by_input.items()},
            specs=specs,
            can_subset=self._can_subset,
            partitions_def=self._partitions_def,
            check_specs=self._check_specs,
        )

    # -- building one from a node ----------------------------------------

    @classmethod
    def from_op(cls, op_def: OpDefinition, **options: Unpack[FromNodeOptions]) -> AssetsDefinition:
        """Assets made by an existing op: by default each output is the asset named after it
        and each input reads the asset named after it."""
        return cls._from_node(op_def, **options)

    @classmethod
    def from_graph(
        cls, graph_def: GraphDefinition, **options: Unpack[FromNodeOptions]
    ) -> AssetsDefinition:
        """Assets made by a graph: each graph output an asset, each graph input an upstream."""
        return cls._from_node(graph_def, **options)

    @classmethod
    def _from_node(
        cls,
        node_def: NodeDefinition,
        *,
        keys_by_input_name: Mapping[str, AssetKey] | None = None,
        keys_by_output_name: Mapping[str, AssetKey] | None = None,
        key_prefix: str | Sequence[str] | None = None,
        group_name: str | None = None,
        can_subset: bool = False,
        partitions_def: Any = None,
        descriptions_by_output_name: Mapping[str, str] | None = None,
        metadata_by_output_name: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> AssetsDefinition:
        descriptions, metadata = descriptions_by_output_name, metadata_by_output_name
        prefix = [key_prefix] if isinstance(key_prefix, str) else list(key_prefix or [])
        single = len(node_def.output_defs) == 1
        by_output = {
            out.name: AssetKey([*prefix, node_def.name if single else out.name])
            for out in node_def.output_defs
        }
        by_output.update(
            {n: dep_key(k, "keys_by_output_name") for n, k in (keys_by_output_name or {}).items()}
        )
        by_input = {d.name: AssetKey([d.name]) for d in node_def.input_defs if not d.is_nothing}
        by_input.update(
            {n: dep_key(k, "keys_by_input_name") for n, k in (keys_by_input_name or {}).items()}
        )
        specs = [
            AssetSpec(
                key,
                deps=list(dict.fromkeys(by_input.values())),
                group_name=group_name,
                description=(descriptions or {}).get(name) or node_def.description,
                metadata=(metadata or {}).get(name),
            )
            for name, key in by_output.items()
        ]
        return cls(
            node_def=node_def,
            keys_by_output_name=by_output,
            keys_by_input_name=by_input,
            specs=specs,
            can_subset=can_subset,
            partitions_def=partitions_def,
        )

    # -- calling it in a test -------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the asset's function directly, as a unit test does; a context passed in is
        bound to this asset (``context.asset_key``)."""
        for given in (*args[:1], *kwargs.values()):
            bind = getattr(given, "bind_to_assets_def", None)
            if isinstance(given, ExecutionContextBase) and bind is not None:
                bind(self)
        return self._node_def(*args, **kwargs)

    def __repr__(self) -> str:
        return f"AssetsDefinition({self._listed()})"


def keys_of(assets: Iterable[Any]) -> set[AssetKey]:
    """Every key the given asset definitions, specs and source assets name."""
    found: set[AssetKey] = set()
    for item in assets:
        if isinstance(item, AssetsDefinition):
            found |= item.keys
        else:
            found.add(item.key)
    return found
