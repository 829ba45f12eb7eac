"""What a re-execution knows before it starts: the steps it runs, where the others' outputs are.

A re-execution runs the selected steps of its job. Every other step is
*not executed*: it emits no event. When it succeeded in the lineage (see
:mod:`.lineage`) its outputs stand: the steps that read them load them
through their IO manager from the run that made them (the upstream
``OutputContext.run_id`` is that run's id), and the mapping keys of its
dynamic outputs are the ones that run yielded. A step that did not succeed
and is not selected makes nothing, so a selected step reading it would have
nothing to load: that is an error before the run starts.

The plan carries this as ``plan.known_state`` (None for a plain run); the
run state, the step runner and the result read it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..definitions._flatten import CollectRef, DynamicElementRef, FanInRef, StepOutputRef
from ..definitions.io_manager import mem_io_manager
from ..definitions.outputs import DEFAULT_IO_MANAGER_KEY
from ..errors import ReexecutionError
from ..metadata import MetadataValue

if TYPE_CHECKING:
    from ..definitions._flatten import FlatGraph, FlatInput, FlatOp
    from ..definitions.job import JobDefinition
    from ..records import Run
    from ..storage.instance import Instance
    from .lineage import Lineage, StepRecord

__all__ = ["KnownState", "Read"]


class Read:
    """One value a step reads from another step: its input, the step and output it comes from,
    and the IO manager key that loads it (None for a value never loaded: a Nothing input, or
    the dynamic output a collect over mapped steps only orders on)."""

    __slots__ = ("input_name", "manager_key", "output", "step_key")

    def __init__(
        self, input_name: str, step_key: str, output: str, manager_key: str | None
    ) -> None:
        self.input_name = input_name
        self.step_key = step_key
        self.output = output
        self.manager_key = manager_key


class KnownState:
    """The steps a re-execution runs (``selected``: step graph nodes, None for every step)
    and the lineage it takes the other steps' outputs from."""

    __slots__ = (
        "_dynamic_outputs",
        "_flat",
        "_handles",
        "_keys",
        "_lineage",
        "parent_run_id",
        "parent_status",
        "reused_steps",
        "root_run_id",
        "selected",
    )

    def __init__(
        self,
        parent: Run,
        lineage: Lineage,
        flat_graph: FlatGraph,
        selected: set[str] | None,
    ) -> None:
        self.parent_run_id = parent.run_id
        self.parent_status = parent.status.value
        self.root_run_id = parent.root_run_id or parent.run_id
        self.selected = sorted(selected) if selected is not None else None
        self._lineage = lineage
        self._flat = flat_graph
        self._handles = frozenset(n for n in selected or () if "[" not in n)
        self._keys = frozenset(n for n in selected or () if "[" in n)
        self._dynamic_outputs = {
            handle: tuple(d.name for d in flat.op_def.output_defs if d.is_dynamic)
            for handle, flat in flat_graph.ops.items()
        }
        # Steps not executed whose outputs the executed steps read, and the run that made them
        # (as far as known before the run: see check()).
        self.reused_steps: dict[str, str] = {}

    # -- travelling to worker processes --------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        # The flat graph holds the job's definitions, which do not pickle: the process
        # that plans with an unpickled state gives it its own (ExecutionPlan.build).
        return {name: getattr(self, name) for name in self.__slots__ if name != "_flat"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._flat = None  # type: ignore[assignment]

    def with_graph(self, flat_graph: FlatGraph) -> KnownState:
        """This state, given the job's flat graph if it travelled without one."""
        if getattr(self, "_flat", None) is None:
            self._flat = flat_graph
        return self

    # -- what the run asks ------------------------------------------------------

    def executes(self, step_key: str) -> bool:
        """Whether this run executes ``step_key`` (``op`` or ``op[key]``)."""
        if self.selected is None or step_key in self._keys:
            return True
        return step_key.partition("[")[0] in self._handles

    def may_execute(self, handle: str) -> bool:
        """Whether this run may execute some step of the op at ``handle``."""
        if self.selected is None or handle in self._handles:
            return True
        return any(key.partition("[")[0] == handle for key in self._keys)

    def reused(self, step_key: str) -> StepRecord | None:
        """The lineage's record of a step this run does not execute, if it succeeded there."""
        if self.executes(step_key):
            return None
        return self._lineage.succeeded.get(step_key)

    def producer(self, step_key: str) -> str | None:
        """The run whose outputs of ``step_key`` this run reads, when it is not this run."""
        record = self.reused(step_key)
        return record.run_id if record is not None else None

    def produced(self, record: StepRecord, step_key: str) -> tuple[list[str], dict[str, list[str]]]:
        """What a reused step produced: its output names, and each dynamic output's keys.

        A dynamic output that yielded nothing was still produced (with no keys),
        as it is when the step runs.
        """
        dynamic = {
            name: list(record.dynamic.get(name, ()))
            for name in self._dynamic_outputs.get(step_key.partition("[")[0], ())
        }
        return sorted(record.outputs | dynamic.keys()), dynamic

    def dynamic_keys(self, root: tuple[str, str]) -> list[str] | None:
        """The mapping keys of dynamic output ``root`` when a reused step made it, else None."""
        record = self.reused(root[0])
        return list(record.dynamic.get(root[1], ())) if record is not None else None

    def reads(
        self, flat: FlatOp, inputs: Sequence[FlatInput], mapping_key: str | None
    ) -> Iterator[Read]:
        """Every value the step of ``flat`` at ``mapping_key`` reads from other steps.

        The steps of a collect over a mapped op are known only when a reused
        step made the dynamic output (else this run makes them).
        """
        ops = self._flat.ops
        for flat_input in inputs:
            name = flat_input.name
            manager = None if flat_input.is_nothing else flat_input.manager_key
            source = flat_input.source
            if isinstance(source, StepOutputRef):
                yield Read(name, source.step_key(mapping_key), source.output, manager)
            elif isinstance(source, DynamicElementRef) or (
                isinstance(source, CollectRef) and not source.over_mapped
            ):
                yield Read(name, source.handle, source.output, manager)
            elif isinstance(source, CollectRef):
                yield Read(name, source.root_handle, source.root_output, None)
                for key in self.dynamic_keys(source.root) or ():
                    yield Read(name, f"{source.handle}[{key}]", source.output, manager)
            elif isinstance(source, FanInRef):
                own = flat.op_def.input_dict[name].input_manager_key
                for item in source.items:
                    if isinstance(item, StepOutputRef):
                        out_def = ops[item.handle].op_def.output_dict[item.output]
                        loads = None if flat_input.is_nothing else own or out_def.io_manager_key
                        yield Read(name, item.handle, item.output, loads)

    # -- before the run -----------------------------------------------------------

    def check(self, job: JobDefinition, instance: Instance) -> None:
        """Raise ReexecutionError if an executed step would read what no run kept for it.

        Records :attr:`reused_steps` on the way.
        """
        for flat in self._flat.ops.values():
            if flat.scope is not None and flat.handle in self._handles:
                root = flat.scope[0]
                if not self.executes(root) and root not in self._lineage.succeeded:
                    raise self._error(
                        f"the steps of '{flat.handle}' run once per value of output "
                        f"'{flat.scope[1]}' of step '{root}', which this re-execution does not "
                        f"run, and {self._lineage.describe(root)}",
                        root,
                        flat.handle,
                    )
            for step_key, mapping_key in self._executed_steps(flat):
                for read in self.reads(flat, flat.inputs, mapping_key):
                    self._check_read(job, instance, step_key, flat.handle, read)

    def _executed_steps(self, flat: FlatOp) -> list[tuple[str, str | None]]:
        """The executed steps of ``flat`` known before the run, with their mapping keys."""
        if flat.scope is None:
            return [(flat.handle, None)] if self.executes(flat.handle) else []
        keys = self.dynamic_keys(flat.scope) or ()
        steps = ((f"{flat.handle}[{k}]", k) for k in keys)
        return [(s, k) for s, k in steps if self.executes(s)]

    def _check_read(
        self, job: JobDefinition, instance: Instance, step_key: str, handle: str, read: Read
    ) -> None:
        up = read.step_key
        if self.executes(up):
            return
        record = self._lineage.succeeded.get(up)
        if record is None:
            raise self._error(
                f"step '{step_key}' reads output '{read.output}' of step '{up}', which this "
                f"re-execution does not run, and {self._lineage.describe(up)}",
                up,
                handle,
            )
        self.reused_steps[up] = record.run_id
        unit = self._flat.ops[handle].unit
        if unit is not None and read.input_name in self._flat.ops[handle].memory_inputs:
            raise ReexecutionError(
                run_id=self.parent_run_id,
                status=self.parent_status,
                problem=f"step '{step_key}' reads output '{read.output}' of step '{up}' of its "
                f"unit '{unit.handle}', which was handed over in memory and ended with run "
                f"'{record.run_id}'",
                fix=f"select every op of unit '{unit.handle}' ({', '.join(unit.steps)}), so "
                "that this run makes the output again.",
            )
        key = read.manager_key
        if key is not None and _keeps_in_memory(job, instance, key):
            raise self.in_memory_error(step_key, read, record.run_id)

    def in_memory_error(self, step_key: str, read: Read, producer: str) -> ReexecutionError:
        """The error for a step that would read ``producer``'s output kept in memory."""
        key = read.manager_key
        return ReexecutionError(
            run_id=self.parent_run_id,
            status=self.parent_status,
            problem=f"step '{step_key}' would load output '{read.output}' of step "
            f"'{read.step_key}' from run '{producer}', but IO manager '{key}' keeps outputs "
            "in memory, and they ended with the run that made them",
            fix=f"store outputs with an IO manager that keeps them after the run, in the first "
            f"run and in its re-executions: bind '{key}' to fs_io_manager (or your own), or "
            "use a persistent instance, where an unbound 'io_manager' writes files; or select "
            f"'{read.step_key}' too, so that this run makes the output again.",
        )

    def _error(self, problem: str, missing: str, handle: str) -> ReexecutionError:
        return ReexecutionError(
            run_id=self.parent_run_id,
            status=self.parent_status,
            problem=problem,
            fix=f"select '{missing}' too (the clause '*{handle}' selects every step upstream "
            f"of '{handle}'), or use ReexecutionOptions.from_failure(...), which selects every "
            "step that did not succeed.",
        )

    # -- reporting ------------------------------------------------------------------

    def describe(self) -> tuple[str, dict[str, Any]]:
        """The message and metadata of the event that opens the re-execution."""
        selected = self.selected
        if selected is None:
            steps = "every step"
        else:
            steps = f"step{'s' if len(selected) > 1 else ''} {', '.join(selected)}"
        message = (
            f'Re-executing {steps} of run "{self.parent_run_id}" (root run "{self.root_run_id}").'
        )
        if self.reused_steps:
            reused = ", ".join(f'{k} (run "{r}")' for k, r in sorted(self.reused_steps.items()))
            message += f" Outputs of steps not re-executed come from: {reused}."
        metadata: dict[str, Any] = {
            "parent_run_id": MetadataValue.run(self.parent_run_id),
            "root_run_id": MetadataValue.run(self.root_run_id),
            "step_selection": MetadataValue.json(
                self.selected if self.selected is not None else ["*"]
            ),
            "reused_steps": MetadataValue.json(dict(sorted(self.reused_steps.items()))),
        }
        return message, metadata


def _keeps_in_memory(job: JobDefinition, instance: Instance, key: str) -> bool:
    """Whether IO manager ``key`` of ``job`` is known, before the run, to keep outputs in memory."""
    definition = job.resource_defs.get(key)
    if definition is None:
        return key == DEFAULT_IO_MANAGER_KEY and instance.is_ephemeral
    return definition is mem_io_manager
