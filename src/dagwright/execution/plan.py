"""The execution plan: a job and one run's config and inputs turned into step specs.

Everything that does not depend on the run (how inputs are wired, which
ops are mapped, hooks, retry policies, resource keys) was worked out when
the job was built (``job.flat_graph``). Planning a run only fills in what
the run gives: each op's config, and the value of every input fed by run
config, an input value or a default. Ops that take no such input reuse
their inputs as they are. Steps of mapped ops (``op[key]``) are made at
run time by :mod:`.state`, when the values of their dynamic output exist.

A re-execution's plan also carries its ``known_state`` (see
:mod:`.known_state`): which steps it executes, and which earlier runs made
the outputs of the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..definitions._flatten import (
    LOAD_BY_MANAGER,
    NO_INPUT,
    FanInRef,
    FlatGraph,
    FlatInput,
    FlatOp,
    FlatSource,
    GraphInputConfigRef,
    StepOutputRef,
    StepRef,
    TopInputRef,
    ValueRef,
)
from ..errors import ConfigProblem, RunConfigError

if TYPE_CHECKING:
    from ..definitions.job import JobDefinition
    from .known_state import KnownState

__all__ = ["ExecutionPlan", "StepSpec"]


class StepSpec:
    """The plan for one op in one run: its static facts, its inputs and its config."""

    __slots__ = (
        "flat",
        "key",
        "node",
        "op_def",
        "inputs",
        "op_config",
        "level",
        "scope",
        "hook_defs",
        "retry_policy",
        "resource_keys",
    )

    def __init__(self, flat: FlatOp, inputs: tuple[FlatInput, ...], op_config: Any) -> None:
        self.flat = flat
        self.key = flat.handle
        self.node = flat.node
        self.op_def = flat.op_def
        self.inputs = inputs
        self.op_config = op_config
        self.level = flat.level
        self.scope = flat.scope
        self.hook_defs = flat.hook_defs
        self.retry_policy = flat.retry_policy
        self.resource_keys = flat.resource_keys

    def __repr__(self) -> str:
        return f"StepSpec({self.key})"


class ExecutionPlan:
    """Every op of a run, in dependency order, with its inputs and config filled in."""

    __slots__ = ("flat_graph", "input_values", "job", "known_state", "run_config", "specs")

    def __init__(
        self,
        job: JobDefinition,
        specs: dict[str, StepSpec],
        run_config: Mapping[str, Any],
        known_state: KnownState | None = None,
        input_values: Mapping[str, Any] | None = None,
    ) -> None:
        self.job = job
        self.flat_graph: FlatGraph = job.flat_graph
        self.specs = specs
        self.run_config = run_config
        self.known_state = known_state
        # The job's input values given for the run (a worker process plans from them too).
        self.input_values: Mapping[str, Any] = input_values or {}

    def specs_to_execute(self) -> list[StepSpec]:
        """The specs some step of which this run may execute (all but in a re-execution)."""
        known = self.known_state
        if known is None:
            return list(self.specs.values())
        return [s for s in self.specs.values() if known.may_execute(s.key)]

    def manager_keys(self, specs: Iterable[StepSpec]) -> tuple[set[str], set[str]]:
        """The IO manager keys ``specs`` use: those storing their outputs, and those loading
        their inputs (an input fed by a step output loads with that output's manager)."""
        output_keys: set[str] = set()
        input_keys: set[str] = set()
        ops = self.flat_graph.ops
        for spec in specs:
            output_keys.update(d.io_manager_key for d in spec.op_def.output_defs)
            for flat_input in spec.inputs:
                if flat_input.manager_key is not None:
                    input_keys.add(flat_input.manager_key)
                elif isinstance(flat_input.source, FanInRef):
                    input_keys.update(
                        ops[i.handle].op_def.output_dict[i.output].io_manager_key
                        for i in flat_input.source.items
                        if isinstance(i, StepOutputRef)
                    )
        return output_keys, input_keys

    @classmethod
    def build(
        cls,
        job: JobDefinition,
        run_config: Mapping[str, Any],
        input_values: Mapping[str, Any],
        known_state: KnownState | None = None,
    ) -> ExecutionPlan:
        """Plan ``job`` for ``run_config``, already resolved (see run_config.py)."""
        problems: list[ConfigProblem] = []
        specs: dict[str, StepSpec] = {}
        for flat in job.flat_graph.ops.values():
            section = _op_section(run_config, flat.path)
            inputs = flat.inputs
            if flat.reads_launch_values:
                given = section.get("inputs")
                config_inputs = given if isinstance(given, Mapping) else {}
                inputs = tuple(
                    i.with_source(
                        _launch_value(flat, i, config_inputs, run_config, input_values, problems)
                    )
                    for i in inputs
                )
            specs[flat.handle] = StepSpec(flat, inputs, section.get("config"))
        if problems:
            raise RunConfigError(job=job.name, problems=problems)
        if known_state is not None:  # one sent to a worker process travels without the job
            known_state = known_state.with_graph(job.flat_graph)
        return cls(job, specs, run_config, known_state, input_values)


def _op_section(run_config: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    """``run_config["ops"][a]["ops"][b]...`` for the op (or graph) at ``path``, or ``{}``."""
    section: Any = run_config
    for name in path:
        ops = section.get("ops") if isinstance(section, Mapping) else None
        section = ops.get(name) if isinstance(ops, Mapping) else None
        if not isinstance(section, Mapping):
            return {}
    found: Mapping[str, Any] = section
    return found


def _launch_value(
    flat: FlatOp,
    flat_input: FlatInput,
    config_inputs: Mapping[str, Any],
    run_config: Mapping[str, Any],
    input_values: Mapping[str, Any],
    problems: list[ConfigProblem],
) -> FlatSource:
    """The source of an input once the run's config and input values are known."""
    source = flat_input.source
    if flat_input.is_nothing:
        # Nothing inputs only order steps: keep what connects them to a step, drop the rest.
        return source if isinstance(source, StepRef) else NO_INPUT
    if isinstance(source, FanInRef):
        items: list[StepOutputRef | TopInputRef | ValueRef] = []
        for item in source.items:
            if isinstance(item, TopInputRef):
                value = _top_input(item, run_config, input_values)
                if value is None:
                    problems.append(_missing_top_input(item))
                    continue
                items.append(value)
            else:
                items.append(item)
        return FanInRef(tuple(items))
    if isinstance(source, StepRef):
        return source
    if source is LOAD_BY_MANAGER:  # an upstream asset's last materialization
        return source
    in_def = flat.op_def.input_dict[flat_input.name]
    if isinstance(source, TopInputRef):
        value = _top_input(source, run_config, input_values)
        if value is not None:
            return value
        if in_def.has_default_value:
            return ValueRef(in_def.default_value, "default")
        problems.append(_missing_top_input(source))
        return NO_INPUT
    op_path = "".join(f"ops.{p}." for p in flat.path) + f"inputs.{flat_input.name}"
    path = op_path
    if isinstance(source, GraphInputConfigRef):
        graph_inputs = _op_section(run_config, source.path).get("inputs")
        if isinstance(graph_inputs, Mapping) and source.name in graph_inputs:
            return ValueRef(graph_inputs[source.name], "config")
        path = "".join(f"ops.{p}." for p in source.path) + f"inputs.{source.name}"
    if flat_input.name in config_inputs:
        return ValueRef(config_inputs[flat_input.name], "config")
    if in_def.input_manager_key is not None:
        return LOAD_BY_MANAGER
    if in_def.has_default_value:
        return ValueRef(in_def.default_value, "default")
    also = f" (or at {op_path})" if op_path != path else ""
    problems.append(
        ConfigProblem(
            path,
            f"input '{flat_input.name}' of op '{flat.handle}' has no upstream output and no "
            f"default, so it must be given here{also}.",
            f"Example: {path}: {{value: ...}}",
        )
    )
    return NO_INPUT


def _top_input(
    ref: TopInputRef, run_config: Mapping[str, Any], input_values: Mapping[str, Any]
) -> ValueRef | None:
    """The value of a job input from ``input_values`` or run config ``inputs``, if given."""
    if ref.name in input_values:
        return ValueRef(input_values[ref.name], "input_values")
    config_inputs = run_config.get("inputs")
    if isinstance(config_inputs, Mapping) and ref.name in config_inputs:
        return ValueRef(config_inputs[ref.name], "config")
    return None


def _missing_top_input(ref: TopInputRef) -> ConfigProblem:
    return ConfigProblem(
        f"inputs.{ref.name}",
        f"the job's input '{ref.name}' was not given.",
        "Pass input_values={...} or give it under inputs: in run config.",
    )
