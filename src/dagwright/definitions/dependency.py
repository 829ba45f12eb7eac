"""Dependencies between nodes of a graph: the explicit API and the resolved structure.

Users of the explicit graph API write ``dependencies={"add_one": {"number":
DependencyDefinition("return_one")}}``; the composition API (calls inside a
``@graph`` body) produces the same thing. :class:`Node` is one use of a
definition inside a graph (its name may be an alias). The ``Source``
classes are the resolved form the rest of dagwright reads: where each
input of each node gets its value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, final

from ..errors import InvalidDefinitionError
from ._util import check_name, frozen_dict
from .outputs import DEFAULT_OUTPUT
from .tags import normalize_tags

if TYPE_CHECKING:
    from .hooks import HookDefinition
    from .node import NodeDefinition
    from .retry import RetryPolicy

__all__ = [
    "DependencyDefinition",
    "MultiDependencyDefinition",
    "DynamicCollectDependencyDefinition",
    "MappedInputPlaceholder",
    "NodeInvocation",
    "Node",
    "Source",
    "FromOutput",
    "FromGraphInput",
    "FromFanIn",
    "FromCollect",
]


class DependencyDefinition:
    """Says that an input receives the output ``output`` of the node named ``node``."""

    __slots__ = ("description", "node", "output")

    def __init__(
        self, node: str, output: str = DEFAULT_OUTPUT, description: str | None = None
    ) -> None:
        if not isinstance(node, str):
            raise InvalidDefinitionError(
                f"DependencyDefinition needs the name of the upstream node, got {node!r}.",
                fix='write DependencyDefinition("upstream_op_name", "output_name").',
            )
        self.node = node
        self.output = output
        self.description = description

    def __repr__(self) -> str:
        return f"DependencyDefinition({self.node!r}, {self.output!r})"


@final
class _MappedInputPlaceholderType:
    def __repr__(self) -> str:
        return "MappedInputPlaceholder"


MappedInputPlaceholder: Final = _MappedInputPlaceholderType()
"""Stands in a ``MultiDependencyDefinition`` for a graph input (given by an InputMapping)."""


class MultiDependencyDefinition:
    """Fan-in: an input receives a list made of several upstream outputs, in order."""

    __slots__ = ("dependencies", "description")

    def __init__(
        self,
        dependencies: Sequence[DependencyDefinition | _MappedInputPlaceholderType],
        description: str | None = None,
    ) -> None:
        for item in dependencies:
            if not isinstance(item, DependencyDefinition | _MappedInputPlaceholderType):
                raise InvalidDefinitionError(
                    f"MultiDependencyDefinition items must be DependencyDefinition (or "
                    f"MappedInputPlaceholder), got {item!r}.",
                )
        self.dependencies = tuple(dependencies)
        self.description = description

    def __repr__(self) -> str:
        return f"MultiDependencyDefinition({list(self.dependencies)!r})"


class DynamicCollectDependencyDefinition:
    """An input receives, as a list, every value of a dynamic (or mapped) upstream output."""

    __slots__ = ("description", "node_name", "output_name")

    def __init__(
        self, node_name: str, output_name: str = DEFAULT_OUTPUT, description: str | None = None
    ) -> None:
        self.node_name = node_name
        self.output_name = output_name
        self.description = description

    def __repr__(self) -> str:
        return f"DynamicCollectDependencyDefinition({self.node_name!r}, {self.output_name!r})"


class NodeInvocation:
    """A key of the explicit dependencies dict: use definition ``name`` as node ``alias``."""

    __slots__ = ("alias", "hook_defs", "name", "retry_policy", "tags")

    def __init__(
        self,
        name: str,
        alias: str | None = None,
        tags: Mapping[str, Any] | None = None,
        hook_defs: Any = None,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self.name = name
        self.alias = alias
        self.tags = normalize_tags(tags, f"NodeInvocation '{alias or name}'")
        self.hook_defs = frozenset(hook_defs or ())
        self.retry_policy = retry_policy

    @property
    def node_name(self) -> str:
        return self.alias or self.name

    def __repr__(self) -> str:
        return f"NodeInvocation({self.name!r}, alias={self.alias!r})"


class Node:
    """One use of a definition inside a graph: its name (maybe an alias), tags, hooks, retries."""

    __slots__ = ("definition", "given_alias", "hook_defs", "name", "retry_policy", "tags")

    def __init__(
        self,
        name: str,
        definition: NodeDefinition,
        tags: Mapping[str, Any] | None = None,
        hook_defs: frozenset[HookDefinition] = frozenset(),
        retry_policy: RetryPolicy | None = None,
        given_alias: str | None = None,
    ) -> None:
        self.name = check_name(name, "node")
        self.definition = definition
        self.tags = frozen_dict({**definition.tags, **(tags or {})})
        self.hook_defs = hook_defs
        self.retry_policy = retry_policy
        self.given_alias = given_alias

    @property
    def is_graph(self) -> bool:
        return self.definition.is_graph

    def __repr__(self) -> str:
        kind = "graph" if self.is_graph else "op"
        return f"Node({self.name!r}, {kind} {self.definition.name!r})"


# --------------------------------------------------------------------------
# Resolved sources of node inputs


class Source:
    """Where one input of a node gets its value, within one graph."""

    __slots__ = ()


class FromOutput(Source):
    """The output ``output`` of sibling node ``node`` (mapped, when that output is dynamic)."""

    __slots__ = ("node", "output")

    def __init__(self, node: str, output: str) -> None:
        self.node = node
        self.output = output

    def __repr__(self) -> str:
        return f"FromOutput({self.node}.{self.output})"


class FromGraphInput(Source):
    """The input ``name`` of the enclosing graph."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"FromGraphInput({self.name})"


class FromFanIn(Source):
    """A list of several sources (outputs or graph inputs), in order."""

    __slots__ = ("items",)

    def __init__(self, items: Sequence[FromOutput | FromGraphInput]) -> None:
        self.items = tuple(items)

    def __repr__(self) -> str:
        return f"FromFanIn({list(self.items)})"


class FromCollect(Source):
    """Every value of a dynamic (or mapped) output of sibling node ``node``, as a list."""

    __slots__ = ("node", "output")

    def __init__(self, node: str, output: str) -> None:
        self.node = node
        self.output = output

    def __repr__(self) -> str:
        return f"FromCollect({self.node}.{self.output})"
