"""``AssetGraph``: every asset of a set of definitions, and how they depend on each other.

Built from asset definitions, external assets (``AssetSpec``) and source
assets, and checked as it is built: two definitions of one key, an input
reading a key nothing defines, or a cycle among assets raise
:class:`~dagwright.errors.InvalidDefinitionError` naming the assets and
the fix. A key nothing defines that is only named in ``deps`` is an
external asset of the graph, as if declared with ``AssetSpec``.
Selections (``AssetSelection``) and asset jobs read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...errors import InvalidDefinitionError
from ...metadata import AssetCheckKey, AssetKey
from .checks import AssetChecksDefinition, AssetCheckSpec
from .definition import AssetsDefinition
from .specs import DEFAULT_GROUP, AssetSpec, SourceAsset

__all__ = ["AssetGraph", "AssetNode"]


class AssetNode:
    """One asset of the graph: its key, upstream keys, and who makes it (None: external)."""

    __slots__ = ("assets_def", "children", "external", "key", "parents", "spec")

    def __init__(
        self,
        key: AssetKey,
        spec: AssetSpec | SourceAsset,
        assets_def: AssetsDefinition | None,
    ) -> None:
        self.key = key
        self.spec = spec
        self.assets_def = assets_def
        self.external = spec if assets_def is None else None
        self.parents: set[AssetKey] = (
            assets_def.deps_of(key)
            if assets_def is not None
            else set(getattr(spec, "deps", ()) or ())
        )
        self.children: set[AssetKey] = set()

    @property
    def is_materializable(self) -> bool:
        return self.assets_def is not None

    @property
    def group_name(self) -> str:
        return getattr(self.spec, "group_name", None) or DEFAULT_GROUP

    @property
    def tags(self) -> Mapping[str, str]:
        return getattr(self.spec, "tags", None) or {}

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(getattr(self.spec, "kinds", None) or ())

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(getattr(self.spec, "owners", None) or ())

    def __repr__(self) -> str:
        return f"AssetNode({self.key.to_user_string()!r})"


def _name(key: AssetKey) -> str:
    return f"'{key.to_user_string()}'"


def _checks(item: Any, key: AssetKey) -> bool:
    """Whether ``item`` is an asset check of asset ``key`` (reported as such if missing)."""
    return isinstance(item, AssetChecksDefinition) and item.asset_key == key


def _who(item: Any) -> str:
    """What defines an asset, for messages: ``op 'orders' (function my_pkg.assets.orders)``."""
    if isinstance(item, AssetsDefinition):
        fn = getattr(item.node_def, "compute_fn", None)
        where = f" (function {fn.__module__}.{fn.__qualname__})" if fn is not None else ""
        return f"{item.node_def.kind} '{item.node_def.name}'{where}"
    return type(item).__name__


class AssetGraph:
    """The assets of a set of definitions; see the module docstring."""

    def __init__(self, items: Iterable[Any], where: str = "the assets") -> None:
        self.where = where
        self.nodes: dict[AssetKey, AssetNode] = {}
        self.assets_defs: list[AssetsDefinition] = []
        made_by: dict[AssetKey, Any] = {}
        self.checks: list[AssetChecksDefinition] = []
        seen: set[int] = set()
        for item in items:
            if id(item) in seen:
                continue  # one definition listed twice (as Dagster, not an error)
            seen.add(id(item))
            entries: list[tuple[AssetKey, AssetSpec | SourceAsset, AssetsDefinition | None]]
            if isinstance(item, AssetChecksDefinition):
                self.checks.append(item)
                continue
            if isinstance(item, AssetsDefinition):
                self.assets_defs.append(item)
                entries = [(key, item.specs_by_key[key], item) for key in sorted(item.keys)]
            elif isinstance(item, AssetSpec | SourceAsset):
                entries = [(item.key, item, None)]
            else:
                raise InvalidDefinitionError(
                    f"{item!r} is not an asset.",
                    where=where,
                    fix="pass asset definitions (@asset, @multi_asset), AssetSpec or "
                    "SourceAsset objects.",
                )
            for key, spec, assets_def in entries:
                if key in made_by:
                    raise InvalidDefinitionError(
                        f"two definitions of asset {_name(key)}: {_who(made_by[key])} and "
                        f"{_who(item)}.",
                        where=where,
                        fix="give one of them another key (name=, key_prefix= or key=).",
                    )
                made_by[key] = item
                self.nodes[key] = AssetNode(key, spec, assets_def)
        self._link()
        self.order = self._topological_order()
        self._check_checks()

    def _link(self) -> None:
        """Link each node to its parents. A key nothing defines is an external asset when it
        is only waited for (``deps=[...]``, as Dagster's stubs), and an error when an input
        reads its value, since nothing could load it."""
        readers: list[AssetsDefinition | AssetChecksDefinition] = [*self.assets_defs, *self.checks]
        for item in readers:
            for input_name, key in item.value_input_keys.items():
                if key not in self.nodes and not _checks(item, key):
                    raise self._unmade(item, input_name, key)
        waited = [k for check in self.checks for k in check.spec.additional_deps]
        for key in [*waited, *(p for n in list(self.nodes.values()) for p in n.parents)]:
            if key not in self.nodes:
                self.nodes[key] = AssetNode(key, AssetSpec(key), None)
        for node in self.nodes.values():
            for parent in node.parents:
                self.nodes[parent].children.add(node.key)

    def _unmade(self, item: Any, input_name: str, key: AssetKey) -> InvalidDefinitionError:
        deps = "deps"
        if isinstance(item, AssetChecksDefinition):
            reader, deps = f"asset check '{item.spec.name}'", "additional_deps"
        else:
            keys = sorted(item.keys)
            reader = f"asset {_name(next((k for k in keys if key in item.deps_of(k)), keys[0]))}"
        return InvalidDefinitionError(
            f"{reader} depends on asset {_name(key)}, which none of the definitions makes, "
            f"and its input '{input_name}' reads its value.",
            where=self.where,
            fix=f"add the asset that makes {_name(key)}, declare it as an external asset "
            f"read through an IO manager (AssetSpec({key.to_user_string()!r}) or "
            f"SourceAsset({key.to_user_string()!r})), or list it in {deps}=[...] if the "
            "function does not read its value.",
        )

    def _check_checks(self) -> None:
        """Every asset check checks an asset of the graph, and no check is declared twice."""
        # Every check by key (in declaration order): @asset_check ones, then check specs.
        self.check_specs: dict[AssetCheckKey, AssetCheckSpec] = {}
        self._checks_by_asset: dict[AssetKey, list[AssetCheckKey]] = {}
        specs = [c.spec for c in self.checks]
        specs += [s for d in self.assets_defs for s in d.check_specs]
        for spec in specs:
            if spec.asset_key not in self.nodes:
                raise InvalidDefinitionError(
                    f"asset check '{spec.name}' checks asset {_name(spec.asset_key)}, which "
                    "none of the definitions makes.",
                    where=self.where,
                    fix="pass the asset with the check, or check an asset that is there.",
                )
            key = spec.key
            if key in self.check_specs:
                raise InvalidDefinitionError(
                    f"two asset checks named '{spec.name}' of asset {_name(spec.asset_key)}.",
                    where=self.where,
                    fix="give each check of an asset its own name.",
                )
            self.check_specs[key] = spec
            self._checks_by_asset.setdefault(spec.asset_key, []).append(key)

    @property
    def check_keys(self) -> set[AssetCheckKey]:
        """The keys of every asset check: ``@asset_check`` ones and assets' check specs."""
        return set(self.check_specs)

    def check_keys_of(self, keys: Iterable[AssetKey]) -> set[AssetCheckKey]:
        """The keys of the checks of the given assets."""
        by_asset = self._checks_by_asset
        if not by_asset:
            return set()
        return {c for key in keys for c in by_asset.get(key, ())}

    def check_defs(self, check_keys: set[AssetCheckKey]) -> list[AssetChecksDefinition]:
        """The ``@asset_check`` definitions of the given check keys."""
        return [c for c in self.checks if c.check_key in check_keys]

    def _topological_order(self) -> list[AssetKey]:
        """Keys with every parent before its children; raises naming a cycle if there is one."""
        state: dict[AssetKey, int] = {}  # 1: on the path, 2: done
        order: list[AssetKey] = []
        for start in sorted(self.nodes):
            if start in state:
                continue
            stack: list[tuple[AssetKey, list[AssetKey]]] = [
                (start, sorted(self.nodes[start].parents))
            ]
            state[start] = 1
            while stack:
                key, pending = stack[-1]
                if pending:
                    parent = pending.pop()
                    seen = state.get(parent)
                    if seen == 1:
                        path = [k for k, _ in stack]
                        cycle = [*path[path.index(parent) :], parent]
                        shown = " -> ".join(k.to_user_string() for k in reversed(cycle))
                        raise InvalidDefinitionError(
                            f"the assets depend on each other in a cycle: {shown}.",
                            where=self.where,
                            fix="remove one of these dependencies.",
                        )
                    if seen is None:
                        state[parent] = 1
                        stack.append((parent, sorted(self.nodes[parent].parents)))
                    continue
                stack.pop()
                state[key] = 2
                order.append(key)
        return order

    # -- reading it --------------------------------------------------------

    @property
    def keys(self) -> set[AssetKey]:
        return set(self.nodes)

    @property
    def materializable_keys(self) -> set[AssetKey]:
        return {k for k, n in self.nodes.items() if n.assets_def is not None}

    def get(self, key: AssetKey) -> AssetNode:
        return self.nodes[key]

    def parents(self, key: AssetKey) -> set[AssetKey]:
        return set(self.nodes[key].parents)

    def children(self, key: AssetKey) -> set[AssetKey]:
        return set(self.nodes[key].children)

    def assets_def_for(self, key: AssetKey) -> AssetsDefinition | None:
        return self.nodes[key].assets_def

    def partitions_def_of(self, key: AssetKey) -> Any:
        """The partitions of asset ``key`` (None: not partitioned, or not in the graph)."""
        node = self.nodes.get(key)
        if node is None:
            return None
        if node.assets_def is not None:
            return node.assets_def.partitions_def
        return getattr(node.spec, "partitions_def", None)

    def required_neighbors(self, key: AssetKey) -> set[AssetKey]:
        """The keys that must be materialized with ``key``: all keys of its multi-asset when
        that cannot make a subset, else ``key`` alone."""
        assets_def = self.nodes[key].assets_def
        if assets_def is None or assets_def.can_subset:
            return {key}
        return set(assets_def.keys)

    def upstream(self, keys: Iterable[AssetKey], depth: int | None = None) -> set[AssetKey]:
        """``keys`` and their ancestors, up to ``depth`` levels (None: all)."""
        return self._walk(keys, depth, lambda n: n.parents)

    def downstream(self, keys: Iterable[AssetKey], depth: int | None = None) -> set[AssetKey]:
        """``keys`` and their descendants, up to ``depth`` levels (None: all)."""
        return self._walk(keys, depth, lambda n: n.children)

    def _walk(self, keys: Iterable[AssetKey], depth: int | None, step: Any) -> set[AssetKey]:
        found = set(keys)
        frontier = set(found)
        level = 0
        while frontier and (depth is None or level < depth):
            frontier = {k for key in frontier for k in step(self.nodes[key])} - found
            found |= frontier
            level += 1
        return found

    def toposorted(self, keys: Iterable[AssetKey]) -> list[AssetKey]:
        wanted = set(keys)
        return [k for k in self.order if k in wanted]
