"""Recording a ``@graph`` or ``@job`` body: calls become nodes, handles become wiring.

Inside a body, calling an op (or graph) does not run it: it records a node
and returns *handles* to its outputs. Passing a handle to another call
records a dependency. Dynamic outputs return a :class:`DynamicHandle` whose
``.map(fn)`` records ``fn``'s calls as mapped nodes (run once per value) and
whose ``.collect()`` gathers the values into a list.

The result of recording is the same structure the explicit
``GraphDefinition(dependencies=...)`` API produces: nodes, and for each of
their inputs a :class:`~.dependency.Source`.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import (
    DuplicateNodeError,
    InvalidDefinitionError,
    UnknownInputError,
)
from .dependency import FromCollect, FromFanIn, FromGraphInput, FromOutput, Node, Source
from .types import type_name_of

if TYPE_CHECKING:
    from .node import NodeDefinition, PendingNodeInvocation
    from .outputs import OutputDefinition

__all__ = [
    "Composition",
    "current",
    "composing",
    "OutputHandle",
    "DynamicHandle",
    "MappedHandle",
    "CollectHandle",
    "GraphInputHandle",
]

_local = threading.local()


def current() -> Composition | None:
    """The composition being recorded on this thread, if a graph body is running."""
    stack: list[Composition] | None = getattr(_local, "stack", None)
    return stack[-1] if stack else None


@contextmanager
def composing(graph_name: str, kind: str = "graph") -> Iterator[Composition]:
    """Record node invocations made on this thread into a new :class:`Composition`."""
    stack: list[Composition] | None = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    comp = Composition(graph_name, kind)
    stack.append(comp)
    try:
        yield comp
    finally:
        stack.pop()


class _Scope:
    """The dynamic output a ``.map`` runs over: nodes in the scope run once per value."""

    __slots__ = ("node", "output")

    def __init__(self, node: str, output: str) -> None:
        self.node = node
        self.output = output

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Scope) and (self.node, self.output) == (other.node, other.output)

    def __hash__(self) -> int:
        return hash((self.node, self.output))

    def __repr__(self) -> str:
        return f"'{self.node}.{self.output}'"


# --------------------------------------------------------------------------
# Handles


class _HandleAttributeError(InvalidDefinitionError, AttributeError):
    """A handle was asked for an attribute a value would have (``handle.strip``)."""


class _NotAValue(ABC):
    """Handles stand for values that do not exist yet; using one as a value is an error.

    A graph body only wires ops together. When a body adds to, indexes, calls or
    tests a handle, the user almost always forgot ``@op`` on a helper function;
    say so instead of failing with a puzzling TypeError.
    """

    __slots__ = ()

    @abstractmethod
    def _describe(self) -> tuple[str, Composition]:
        """What this handle stands for, and the body it was made in."""

    def _misused(
        self, what: str, error: type[InvalidDefinitionError] = InvalidDefinitionError
    ) -> InvalidDefinitionError:
        described, comp = self._describe()
        return error(
            f"{described} was used as a value ({what}). In a graph body ops are not run, so "
            "their outputs have no value yet; a body can only pass them to other ops.",
            where=comp.where,
            fix="do this work inside an @op that takes the output as an input (did you "
            "forget @op on a function called in the body?).",
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise self._misused(f"attribute '.{name}'", _HandleAttributeError)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise self._misused("called like a function")

    def __getitem__(self, key: Any) -> Any:
        raise self._misused(f"indexed with [{key!r}]")

    def __bool__(self) -> bool:
        raise self._misused("tested as true or false")

    def __len__(self) -> int:
        raise self._misused("len()")

    def __contains__(self, item: Any) -> bool:
        raise self._misused("'in'")

    def __index__(self) -> int:
        raise self._misused("used as an integer")

    def __float__(self) -> float:
        raise self._misused("converted to float")

    def _arithmetic(self, *_: Any) -> Any:
        raise self._misused("arithmetic or comparison")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _arithmetic
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = _arithmetic
    __pow__ = __neg__ = __lt__ = __le__ = __gt__ = __ge__ = _arithmetic


class OutputHandle(_NotAValue):
    """An output of a node recorded in a graph body; pass it to another call to wire them."""

    __slots__ = ("_comp", "_scope", "node_name", "output_name")

    def __init__(self, comp: Composition, node_name: str, output_name: str, scope: _Scope | None):
        self._comp = comp
        self.node_name = node_name
        self.output_name = output_name
        self._scope = scope

    def __iter__(self) -> Iterator[Any]:
        raise InvalidDefinitionError(
            f"the output '{self.output_name}' of '{self.node_name}' was unpacked, but the node "
            "has a single output.",
            where=f"graph '{self._comp.graph_name}'",
            fix="declare several outputs with out={'a': Out(), 'b': Out()} to unpack them.",
        )

    def map(self, fn: Callable[..., Any]) -> Any:
        raise InvalidDefinitionError(
            f".map() was called on output '{self.output_name}' of '{self.node_name}', which is "
            "not dynamic.",
            where=f"graph '{self._comp.graph_name}'",
            fix=f"declare the output as out=DynamicOut() on '{self.node_name}' and yield "
            "DynamicOutput(value, mapping_key=...).",
        )

    def collect(self) -> Any:
        raise InvalidDefinitionError(
            f".collect() was called on output '{self.output_name}' of '{self.node_name}', "
            "which is not dynamic.",
            where=f"graph '{self._comp.graph_name}'",
            fix="collect a DynamicOut output or the result of .map(...); pass a plain output "
            "directly.",
        )

    def _describe(self) -> tuple[str, Composition]:
        return f"the output '{self.output_name}' of '{self.node_name}'", self._comp

    def __repr__(self) -> str:
        return f"<OutputHandle {self.node_name}.{self.output_name}>"


class DynamicHandle(OutputHandle):
    """A dynamic output: ``.map(fn)`` to run ops per value, ``.collect()`` for the list."""

    __slots__ = ()

    def map(self, fn: Callable[..., Any]) -> Any:
        scope = _Scope(self.node_name, self.output_name)
        element = _ElementHandle(self._comp, self.node_name, self.output_name, scope)
        return self._comp.run_mapped(fn, element, scope)

    def collect(self) -> CollectHandle:
        return CollectHandle(self._comp, self.node_name, self.output_name)

    def __repr__(self) -> str:
        return f"<DynamicHandle {self.node_name}.{self.output_name}>"


class _ElementHandle(OutputHandle):
    """One value of a dynamic output, as seen by the function given to ``.map``."""

    __slots__ = ()


class MappedHandle(_NotAValue):
    """The results of a ``.map``: map them again, or ``.collect()`` them into a list."""

    __slots__ = ("_handle",)

    def __init__(self, handle: OutputHandle) -> None:
        self._handle = handle

    @property
    def node_name(self) -> str:
        return self._handle.node_name

    @property
    def output_name(self) -> str:
        return self._handle.output_name

    def map(self, fn: Callable[..., Any]) -> Any:
        handle = self._handle
        assert handle._scope is not None
        return handle._comp.run_mapped(fn, handle, handle._scope)

    def collect(self) -> CollectHandle:
        h = self._handle
        return CollectHandle(h._comp, h.node_name, h.output_name)

    def _describe(self) -> tuple[str, Composition]:
        handle = self._handle
        return f"the mapped results of '{handle.node_name}'", handle._comp

    def __repr__(self) -> str:
        return f"<MappedHandle {self.node_name}.{self.output_name}>"


class CollectHandle(_NotAValue):
    """All values of a dynamic or mapped output, delivered as one list."""

    __slots__ = ("_comp", "node_name", "output_name")

    def __init__(self, comp: Composition, node_name: str, output_name: str) -> None:
        self._comp = comp
        self.node_name = node_name
        self.output_name = output_name

    def _describe(self) -> tuple[str, Composition]:
        return f"the collected values of '{self.node_name}'", self._comp

    def __repr__(self) -> str:
        return f"<CollectHandle {self.node_name}.{self.output_name}>"


class GraphInputHandle(_NotAValue):
    """An input of the graph being recorded, passed on to the nodes that use it."""

    __slots__ = ("_comp", "input_name")

    def __init__(self, comp: Composition, input_name: str) -> None:
        self._comp = comp
        self.input_name = input_name

    def _describe(self) -> tuple[str, Composition]:
        return f"the graph input '{self.input_name}'", self._comp

    def __repr__(self) -> str:
        return f"<GraphInputHandle {self.input_name}>"


# --------------------------------------------------------------------------


class Recorded:
    """A node recorded in a body, with the sources of its inputs and its map scope."""

    __slots__ = ("node", "scope", "sources")

    def __init__(self, node: Node, sources: dict[str, Source], scope: _Scope | None) -> None:
        self.node = node
        self.sources = sources
        self.scope = scope


class Composition:
    """The nodes and wiring recorded while one graph body runs."""

    def __init__(self, graph_name: str, kind: str = "graph") -> None:
        self.graph_name = graph_name
        self.kind = kind
        self.recorded: dict[str, Recorded] = {}
        self._scopes: list[_Scope] = []
        self._next_suffix: dict[str, int] = {}

    @property
    def where(self) -> str:
        return f"{self.kind} '{self.graph_name}'"

    def input_handle(self, name: str) -> GraphInputHandle:
        return GraphInputHandle(self, name)

    # -- recording one call --------------------------------------------

    def invoke(
        self, pending: PendingNodeInvocation, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        node_def = pending.node_def
        name = self._node_name(pending)
        sources, scopes = self._bind(name, node_def, args, kwargs)
        scope = self._scope_of(name, scopes)
        if scope is not None:
            for out_def in node_def.output_defs:
                if out_def.is_dynamic:
                    raise InvalidDefinitionError(
                        f"'{name}' has a dynamic output '{out_def.name}' but runs inside .map "
                        f"over {scope}; dynamic outputs cannot be nested.",
                        where=self.where,
                        fix="collect the first dynamic output before fanning out again.",
                    )
        node = Node(
            name,
            node_def,
            tags=pending.tags,
            hook_defs=pending.hook_defs,
            retry_policy=pending.retry_policy,
            given_alias=pending.given_alias,
        )
        self.recorded[name] = Recorded(node, sources, scope)
        handles = [self._handle(name, d, scope) for d in node_def.output_defs]
        if not handles:
            return None
        if len(handles) == 1:
            return handles[0]
        return node_def.outputs_namedtuple()(*handles)

    def _node_name(self, pending: PendingNodeInvocation) -> str:
        if pending.given_alias is not None:
            if pending.given_alias in self.recorded:
                raise DuplicateNodeError(
                    graph=self.graph_name, name=pending.given_alias, kind=self.kind
                )
            return pending.given_alias
        base = pending.node_def.name
        if base not in self.recorded:
            return base
        # The same definition called again without an alias: number the new node.
        suffix = self._next_suffix.get(base, 2)
        while f"{base}_{suffix}" in self.recorded:
            suffix += 1
        self._next_suffix[base] = suffix + 1
        return f"{base}_{suffix}"

    def _handle(self, node: str, out_def: OutputDefinition, scope: _Scope | None) -> OutputHandle:
        if out_def.is_dynamic and scope is None:
            return DynamicHandle(self, node, out_def.name, None)
        return OutputHandle(self, node, out_def.name, scope)

    def _bind(
        self,
        name: str,
        node_def: NodeDefinition,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> tuple[dict[str, Source], set[_Scope]]:
        positional = node_def.positional_inputs
        if len(args) > len(positional):
            raise InvalidDefinitionError(
                f"'{name}' was called with {len(args)} positional arguments but has "
                f"{len(positional)} input{'s' if len(positional) != 1 else ''}"
                f"{' (' + ', '.join(positional) + ')' if positional else ''}.",
                where=self.where,
                fix="pass one upstream output per input, or name them: "
                f"{name}({', '.join(f'{p}=...' for p in positional) or ''}).",
            )
        given: dict[str, Any] = dict(zip(positional, args, strict=False))
        for key, value in kwargs.items():
            if key not in node_def.input_dict:
                raise UnknownInputError(
                    graph=self.graph_name,
                    kind=self.kind,
                    node=name,
                    input_name=key,
                    known=list(node_def.input_dict),
                )
            if key in given:
                raise InvalidDefinitionError(
                    f"input '{key}' of '{name}' was given twice (by position and by name).",
                    where=self.where,
                    fix="give each input once.",
                )
            given[key] = value
        sources: dict[str, Source] = {}
        scopes: set[_Scope] = set()
        for input_name, value in given.items():
            sources[input_name] = self._source(name, input_name, value, scopes)
        return sources, scopes

    def _source(self, node: str, input_name: str, value: Any, scopes: set[_Scope]) -> Source:
        if isinstance(value, OutputHandle):
            self._check_same_graph(value._comp, node, input_name)
            if isinstance(value, DynamicHandle):
                raise InvalidDefinitionError(
                    f"input '{input_name}' of '{node}' was given the dynamic output "
                    f"'{value.output_name}' of '{value.node_name}' directly.",
                    where=self.where,
                    fix=f"run '{node}' once per value with "
                    f"{value.node_name}().map({node}), or pass all values as a list with "
                    ".collect().",
                )
            if value._scope is not None:
                scopes.add(value._scope)
            return FromOutput(value.node_name, value.output_name)
        if isinstance(value, MappedHandle):
            raise InvalidDefinitionError(
                f"input '{input_name}' of '{node}' was given the mapped results of "
                f"'{value.node_name}' directly.",
                where=self.where,
                fix="pass them as a list with .collect(), or keep mapping with .map(...).",
            )
        if isinstance(value, CollectHandle):
            self._check_same_graph(value._comp, node, input_name)
            return FromCollect(value.node_name, value.output_name)
        if isinstance(value, GraphInputHandle):
            self._check_same_graph(value._comp, node, input_name)
            return FromGraphInput(value.input_name)
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            raise InvalidDefinitionError(
                f"input '{input_name}' of '{node}' was given all outputs of a multi-output "
                f"node at once ({', '.join(value._fields)}).",
                where=self.where,
                fix="pass one of them, e.g. result.<output_name>, or unpack them first.",
            )
        if isinstance(value, list | tuple):
            return self._fan_in(node, input_name, value)
        raise InvalidDefinitionError(
            f"input '{input_name}' of '{node}' was given a plain value of type "
            f"{type_name_of(value)}, not the output of another op or a graph input.",
            where=self.where,
            fix="pass an op's output; for a constant, declare "
            f"ins={{'{input_name}': In(default_value=...)}} or feed it through run config "
            "or input_values.",
        )

    def _fan_in(self, node: str, input_name: str, values: Any) -> Source:
        if not values:
            raise InvalidDefinitionError(
                f"input '{input_name}' of '{node}' was given an empty list.",
                where=self.where,
                fix="fan in at least one upstream output.",
            )
        items: list[FromOutput | FromGraphInput] = []
        for item in values:
            if isinstance(item, OutputHandle) and not isinstance(item, DynamicHandle):
                self._check_same_graph(item._comp, node, input_name)
                if item._scope is not None:
                    raise InvalidDefinitionError(
                        f"input '{input_name}' of '{node}' fans in an output of mapped node "
                        f"'{item.node_name}'.",
                        where=self.where,
                        fix="use .collect() on the mapped results instead of a list.",
                    )
                items.append(FromOutput(item.node_name, item.output_name))
            elif isinstance(item, GraphInputHandle):
                self._check_same_graph(item._comp, node, input_name)
                items.append(FromGraphInput(item.input_name))
            else:
                what = (
                    "a dynamic output"
                    if isinstance(item, DynamicHandle | MappedHandle)
                    else f"a value of type {type_name_of(item)}"
                )
                raise InvalidDefinitionError(
                    f"the list given to input '{input_name}' of '{node}' holds {what}; a fan-in "
                    "list may only hold outputs of other ops or graph inputs.",
                    where=self.where,
                    fix="list op outputs only; use .collect() for dynamic outputs.",
                )
        return FromFanIn(items)

    def _check_same_graph(self, other: Composition, node: str, input_name: str) -> None:
        if other is not self:
            raise InvalidDefinitionError(
                f"input '{input_name}' of '{node}' was given an output recorded in another "
                f"graph body ('{other.graph_name}').",
                where=self.where,
                fix="wire outputs only within the graph body that produced them; pass values "
                "between graphs through graph inputs and outputs.",
            )

    def _scope_of(self, name: str, scopes: set[_Scope]) -> _Scope | None:
        if not scopes:
            return None
        if len(scopes) > 1:
            listed = " and ".join(sorted(repr(s) for s in scopes))
            raise InvalidDefinitionError(
                f"'{name}' depends on two different dynamic outputs ({listed}).",
                where=self.where,
                fix="collect one of them first; a node can be mapped over one dynamic output.",
            )
        (scope,) = scopes
        if scope not in self._scopes:
            raise InvalidDefinitionError(
                f"'{name}' uses a mapped output (from .map over {scope}) outside of that .map.",
                where=self.where,
                fix="call it inside the function given to .map(...), or pass .collect() of the "
                "mapped results.",
            )
        return scope

    # -- .map ------------------------------------------------------------

    def run_mapped(self, fn: Callable[..., Any], element: OutputHandle, scope: _Scope) -> Any:
        """Call ``fn`` with ``element`` inside ``scope``; wrap what it returns as mapped results."""
        self._scopes.append(scope)
        try:
            returned = fn(element)
        finally:
            self._scopes.pop()
        return self._wrap_mapped(returned, scope)

    def _wrap_mapped(self, returned: Any, scope: _Scope) -> Any:
        if returned is None:
            return None
        if isinstance(returned, OutputHandle) and returned._scope == scope:
            return MappedHandle(returned)
        if isinstance(returned, tuple):
            wrapped = [self._wrap_mapped(item, scope) for item in returned]
            return type(returned)(*wrapped) if hasattr(returned, "_fields") else tuple(wrapped)
        if isinstance(returned, dict):
            return {k: self._wrap_mapped(v, scope) for k, v in returned.items()}
        raise InvalidDefinitionError(
            f"the function given to .map over {scope} returned {returned!r}; it must return "
            "the output of an op called on its argument (or nothing).",
            where=self.where,
            fix="return the result of the op call, e.g. .map(lambda x: process(x)).",
        )
