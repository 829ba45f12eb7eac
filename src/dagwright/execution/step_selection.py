"""Step selection: which steps of a job a re-execution runs (``"b"``, ``"*c"``, ``"b+"``, ...).

The syntax is op selection's (see :mod:`dagwright.definitions.selection`),
over the job's steps instead of its nodes: ``"op"`` (or ``"graph.op"``)
names an op's step and, for an op mapped over a dynamic output, every one
of its steps; ``"op[key]"`` names one of those. ``*`` and ``+`` walk the
step graph (a collecting op is downstream of every step it collects).

The steps of a mapped op are known only when the run that made its
dynamic output is: the mapping keys come from the lineage's events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..definitions._flatten import CollectRef
from ..definitions.selection import parse_clause, parse_op_selection, walk
from ..errors import InvalidSubsetError

if TYPE_CHECKING:
    from ..definitions._flatten import FlatGraph

__all__ = ["StepGraph", "parse_step_selection"]


class StepGraph:
    """The steps a step selection can name, and who feeds whom among them.

    Each op has a node under its handle; a mapped op also has one per known
    mapping key (``"op[key]"``). ``mapping_keys(root)`` gives the keys of a
    dynamic output ``(step key, output)``, or None when they are not known.
    """

    __slots__ = ("downstream", "mapped", "nodes", "upstream")

    def __init__(
        self,
        flat_graph: FlatGraph,
        mapping_keys: Callable[[tuple[str, str]], Sequence[str] | None],
    ) -> None:
        self.nodes: list[str] = []
        self.upstream: dict[str, set[str]] = {}
        self.downstream: dict[str, set[str]] = {}
        self.mapped: dict[str, list[str]] = {}  # mapped op handle -> its known step keys
        for flat in flat_graph.ops.values():
            collected: set[str] = set()
            for flat_input in flat.inputs:
                source = flat_input.source
                if isinstance(source, CollectRef) and source.over_mapped:
                    collected.add(source.handle)
                    collected.update(self.mapped.get(source.handle, ()))
            plain = {handle for handle, _ in flat.upstream}
            self._add(flat.handle, plain | collected)
            if flat.scope is None:
                continue
            steps = self.mapped[flat.handle] = []
            for key in mapping_keys(flat.scope) or ():
                step = f"{flat.handle}[{key}]"
                steps.append(step)
                ups = {f"{h}[{key}]" if mapped else h for h, mapped in flat.upstream}
                self._add(step, ups)

    def _add(self, node: str, upstream: set[str]) -> None:
        self.nodes.append(node)
        self.upstream[node] = upstream
        self.downstream.setdefault(node, set())
        for up in upstream:
            self.downstream.setdefault(up, set()).add(node)

    def steps_of(self, node: str) -> list[str]:
        """The step keys ``node`` stands for: a mapped op's known steps, or the node itself."""
        return self.mapped.get(node, [node])

    def select(self, selection: Sequence[str] | str, job_name: str) -> set[str]:
        """The nodes ``selection`` names; raise InvalidSubsetError for a clause naming none."""
        clauses = parse_step_selection(selection)
        query = ",".join(clauses)
        selected: set[str] = set()
        known = set(self.nodes)
        for clause in clauses:
            if clause == "*":
                selected.update(self.nodes)
                continue
            parsed = parse_clause(clause, step_keys=True)
            if parsed is None:
                raise InvalidSubsetError(
                    job=job_name,
                    query=query,
                    unknown=clause,
                    known=[],
                    bad_clause=True,
                    kind="step",
                )
            if parsed.name not in known:
                raise InvalidSubsetError(
                    job=job_name,
                    query=query,
                    unknown=parsed.name,
                    known=self._names_like(parsed.name),
                    kind="step",
                )
            selected |= walk(self.upstream, self.downstream, parsed.name, parsed.up, parsed.down)
        return selected

    def _names_like(self, name: str) -> list[str]:
        """The names to suggest for an unknown ``name``: ops, and the steps of the op it names."""
        handle = name.partition("[")[0]
        names = [n for n in self.nodes if "[" not in n]
        return names + (self.mapped.get(handle, []) if "[" in name else [])


def parse_step_selection(selection: Sequence[str] | str) -> list[str]:
    """Clauses from a list of strings or one comma-separated string."""
    return parse_op_selection(selection)
