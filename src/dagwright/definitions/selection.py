"""Op selection: choosing part of a job to run with ``"op"``, ``"*op"``, ``"op+"``, ``"a.b"``.

A clause names a node and optionally its upstream (prefix) and downstream
(suffix): ``*`` means all the way, each ``+`` one level. ``"*"`` alone means
everything. A dotted name (``"graph.op"``) reaches into a nested graph;
``+``/``*`` then move within that graph. Clauses may be given as a list or
as one comma-separated string; every clause must match something.

The same syntax selects steps to re-execute (``"op[key]"`` names one step
of a mapped op): :func:`parse_clause` reads a clause and :func:`walk` moves
up and down any graph of names; the re-execution step selection uses both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from ..errors import InvalidSubsetError
from ._wiring import upstream_nodes
from .dependency import FromCollect, FromFanIn, FromGraphInput, FromOutput, Node, Source
from .graph import GraphDefinition

__all__ = [
    "ALL_LEVELS",
    "SelectionClause",
    "parse_clause",
    "parse_op_selection",
    "select_paths",
    "subset_graph",
    "walk",
]

_NAME = r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*"
_CLAUSE = re.compile(rf"^(?P<up>\*?\+*)(?P<name>{_NAME})(?P<down>\+*\*?)$")
_STEP_CLAUSE = re.compile(
    rf"^(?P<up>\*?\+*)(?P<name>{_NAME}(?:\[[A-Za-z0-9_]+\])?)(?P<down>\+*\*?)$"
)
ALL_LEVELS = -1
"""The depth of ``*``: every level up or down."""
_ALL = ALL_LEVELS


class SelectionClause(NamedTuple):
    """One clause: the name it starts from and how many levels up and down it reaches."""

    up: int
    name: str
    down: int


def parse_clause(clause: str, *, step_keys: bool = False) -> SelectionClause | None:
    """Read ``"*name++"``-style ``clause``; None if it is not of the syntax.

    With ``step_keys`` the name may end in a mapping key (``"op[key]"``).
    """
    match = (_STEP_CLAUSE if step_keys else _CLAUSE).match(clause)
    if match is None:
        return None
    return SelectionClause(_depth(match["up"]), match["name"], _depth(match["down"]))


def walk(
    upstream: Mapping[str, Iterable[str]],
    downstream: Mapping[str, Iterable[str]],
    start: str,
    up: int,
    down: int,
) -> set[str]:
    """``start``, ``up`` levels of what feeds it and ``down`` of what it feeds (-1: all)."""
    found = {start}
    for edges, depth in ((upstream, up), (downstream, down)):
        frontier = {start}
        level = 0
        while frontier and (depth == _ALL or level < depth):
            frontier = {n for f in frontier for n in edges.get(f, ())} - found
            found |= frontier
            level += 1
    return found


def parse_op_selection(selection: str | Sequence[str]) -> list[str]:
    """Clauses from a list of strings or one comma-separated string."""
    items = [selection] if isinstance(selection, str) else list(selection)
    clauses: list[str] = []
    for item in items:
        clauses.extend(part.strip() for part in str(item).split(",") if part.strip())
    return clauses


def _depth(marks: str) -> int:
    return _ALL if "*" in marks else len(marks)


def select_paths(graph: GraphDefinition, clauses: Sequence[str], job_name: str) -> set[str]:
    """The node paths (``"a"``, ``"g.b"``) selected by ``clauses``; raise if one matches nothing."""
    query = ",".join(clauses)
    selected: set[str] = set()
    edges: dict[int, _Edges] = {}
    for clause in clauses:
        if clause == "*":
            selected.update(graph.node_names())
            continue
        parsed = parse_clause(clause)
        if parsed is None:
            raise InvalidSubsetError(
                job=job_name, query=query, unknown=clause, known=[], bad_clause=True
            )
        *outer, name = parsed.name.split(".")
        container = graph
        for depth, part in enumerate(outer):
            node = container.node_dict.get(part)
            if node is None:
                raise InvalidSubsetError(
                    job=job_name,
                    query=query,
                    unknown=part,
                    known=container.node_names(),
                    container=_container(outer[:depth]),
                )
            if not isinstance(node.definition, GraphDefinition):
                raise InvalidSubsetError(
                    job=job_name, query=query, unknown=clause, known=[], not_a_graph=part
                )
            container = node.definition
        if not container.has_node_named(name):
            raise InvalidSubsetError(
                job=job_name,
                query=query,
                unknown=name,
                known=container.node_names(),
                container=_container(outer),
            )
        graph_edges = edges.setdefault(id(container), _Edges(container))
        prefix = "".join(f"{p}." for p in outer)
        for found in walk(
            graph_edges.upstream, graph_edges.downstream, name, parsed.up, parsed.down
        ):
            selected.add(prefix + found)
    return selected


def _container(path: Sequence[str]) -> str | None:
    return f"graph '{'.'.join(path)}'" if path else None


class _Edges:
    """Who feeds whom among the nodes of one graph, for walking up and down from a node."""

    __slots__ = ("downstream", "upstream")

    def __init__(self, graph: GraphDefinition) -> None:
        self.upstream: dict[str, set[str]] = {n: set() for n in graph.node_names()}
        self.downstream: dict[str, set[str]] = {n: set() for n in graph.node_names()}
        for name in graph.node_names():
            for source in graph.sources_of(name).values():
                for parent in upstream_nodes(source):
                    self.upstream[name].add(parent)
                    self.downstream[parent].add(name)


def subset_graph(graph: GraphDefinition, paths: set[str]) -> GraphDefinition:
    """A copy of ``graph`` keeping only the nodes at ``paths`` (and partly kept nested graphs)."""
    whole = {p for p in paths if "." not in p}
    partial: dict[str, set[str]] = {}
    for path in paths:
        head, _, rest = path.partition(".")
        if rest and head not in whole:
            partial.setdefault(head, set()).add(rest)
    kept: list[Node] = []
    for node in graph.nodes:
        if node.name in whole:
            kept.append(node)
        elif node.name in partial:
            inner = node.definition
            assert isinstance(inner, GraphDefinition)
            kept.append(
                Node(
                    node.name,
                    subset_graph(inner, partial[node.name]),
                    tags=node.tags,
                    hook_defs=node.hook_defs,
                    retry_policy=node.retry_policy,
                    given_alias=node.given_alias,
                )
            )
    by_name = {n.name: n for n in kept}
    sources: dict[str, dict[str, Source]] = {}
    for node in kept:
        kept_sources: dict[str, Source] = {}
        for input_name, source in graph.sources_of(node.name).items():
            trimmed = _trim(source, by_name)
            if trimmed is not None and (
                not node.is_graph or input_name in node.definition.input_dict
            ):
                kept_sources[input_name] = trimmed
        sources[node.name] = kept_sources
    mappings = [
        m
        for m in graph.output_mappings
        if _still_produces(by_name, m.mapped_node_name, m.mapped_node_output_name)
    ]
    subset = GraphDefinition(
        graph.name,
        description=graph.description,
        output_mappings=mappings,
        config=graph.config,
        tags=graph.tags,
        unit=graph.is_unit,
        _recorded=(kept, sources),
        _input_descriptions={d.name: d.description for d in graph.input_defs},
    )
    subset._origin = graph._origin
    return subset


def _still_produces(kept: dict[str, Node], node: str, output: str) -> bool:
    """Whether ``node`` was kept and still has ``output`` (a partly kept graph may not)."""
    found = kept.get(node)
    return found is not None and output in found.definition.output_dict


def _trim(source: Source, kept: dict[str, Node]) -> Source | None:
    """``source`` without what the subset left out (None when nothing of it is left)."""
    if isinstance(source, FromOutput | FromCollect):
        return source if _still_produces(kept, source.node, source.output) else None
    if isinstance(source, FromFanIn):
        items = [
            i
            for i in source.items
            if isinstance(i, FromGraphInput) or _still_produces(kept, i.node, i.output)
        ]
        return FromFanIn(items) if items else None
    return source
