"""The execution plan: a job, its run config and inputs turned into steps with resolved inputs.

There is one :class:`StepSpec` per op of the flattened job, keyed by the
op's handle (``"op"``, ``"graph.op"``). Ops mapped over a dynamic output
have one spec too; their concrete steps (``"op[key]"``) are made at run time
when the dynamic output's values are known. Each input of a spec says where
its value comes from: another step's output, one value of a dynamic output,
a collected list, a fan-in list, or a value (default, config, input value).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..config.mapping import ConfigMapping
from ..definitions._flatten import (
    UNCONNECTED,
    CollectRef,
    FanInRef,
    FlatOp,
    FlatSource,
    GraphInputConfigRef,
    StepOutputRef,
    TopInputRef,
)
from ..errors import ConfigProblem, RunConfigError
from ._boundary import UserFailure, call_user

if TYPE_CHECKING:
    from ..definitions.dependency import Node
    from ..definitions.hooks import HookDefinition
    from ..definitions.job import JobDefinition
    from ..definitions.op import OpDefinition
    from ..definitions.retry import RetryPolicy
    from ..definitions.types import DataType

__all__ = [
    "ExecutionPlan",
    "StepSpec",
    "StepInput",
    "FromStep",
    "FromDynamicValue",
    "FromCollected",
    "FromFanIn",
    "FromValue",
    "NO_INPUT",
    "effective_run_config",
]


class FromStep:
    """Output ``output`` of step ``spec_key``; with ``mapped`` the instance at the same key."""

    __slots__ = ("mapped", "output", "spec_key")

    def __init__(self, spec_key: str, output: str, mapped: bool) -> None:
        self.spec_key = spec_key
        self.output = output
        self.mapped = mapped

    def step_key(self, mapping_key: str | None) -> str:
        return f"{self.spec_key}[{mapping_key}]" if self.mapped else self.spec_key


class FromDynamicValue:
    """The value of dynamic output ``output`` of ``spec_key`` at the consumer's mapping key."""

    __slots__ = ("output", "spec_key")

    def __init__(self, spec_key: str, output: str) -> None:
        self.spec_key = spec_key
        self.output = output


class FromCollected:
    """Every value of a dynamic output (or of a mapped step's output), as a list."""

    __slots__ = ("output", "over_mapped", "root", "spec_key")

    def __init__(self, spec_key: str, output: str, over_mapped: bool, root: StepOutputRef) -> None:
        self.spec_key = spec_key
        self.output = output
        self.over_mapped = over_mapped
        self.root = root  # the dynamic output whose keys are collected


class FromValue:
    """A value known when the run starts: a default, run config, or input value."""

    __slots__ = ("origin", "value")

    def __init__(self, value: Any, origin: str) -> None:
        self.value = value
        self.origin = origin


class FromFanIn:
    """A list of step outputs and values, in order."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[FromStep | FromValue, ...]) -> None:
        self.items = items


class _NoInput:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_INPUT"


NO_INPUT: Final = _NoInput()
"""The source of an unconnected Nothing input: it orders nothing and carries nothing."""

InputSource = FromStep | FromDynamicValue | FromCollected | FromFanIn | FromValue | _NoInput


class StepInput:
    """One input of a step: its name, type and source."""

    __slots__ = ("dagster_type", "is_nothing", "name", "source")

    def __init__(self, name: str, dagster_type: DataType, source: InputSource) -> None:
        self.name = name
        self.dagster_type = dagster_type
        self.source = source
        self.is_nothing = dagster_type.is_nothing


class StepSpec:
    """The plan for one op: what it runs, where its inputs come from, its config and settings."""

    __slots__ = (
        "hook_defs",
        "inputs",
        "key",
        "level",
        "node",
        "op_config",
        "op_def",
        "resource_keys",
        "retry_policy",
        "scope",
        "tags",
    )

    def __init__(
        self,
        flat: FlatOp,
        inputs: tuple[StepInput, ...],
        op_config: Any,
        hook_defs: frozenset[HookDefinition],
        retry_policy: RetryPolicy | None,
    ) -> None:
        self.key = flat.handle
        self.node: Node = flat.node
        self.op_def: OpDefinition = flat.op_def
        self.inputs = inputs
        self.scope = flat.scope
        self.level = flat.level
        self.op_config = op_config
        self.tags = flat.tags
        self.hook_defs = hook_defs
        self.retry_policy = retry_policy
        keys = set(flat.op_def.required_resource_keys)
        for hook in hook_defs:
            keys |= hook.required_resource_keys
        self.resource_keys = frozenset(keys)

    @property
    def handle(self) -> str:
        return self.key

    @property
    def is_mapped(self) -> bool:
        return self.scope is not None

    def __repr__(self) -> str:
        return f"StepSpec({self.key})"


class ExecutionPlan:
    """Every step of a run in dependency order, plus how dynamic outputs fan out."""

    __slots__ = ("collectors_by_root", "job", "mapped_by_root", "run_config", "specs")

    def __init__(
        self, job: JobDefinition, specs: dict[str, StepSpec], run_config: Mapping[str, Any]
    ):
        self.job = job
        self.specs = specs
        self.run_config = run_config
        # dynamic output (spec key, output) -> the specs mapped over it, in dependency order
        self.mapped_by_root: dict[tuple[str, str], list[StepSpec]] = {}
        # dynamic output (spec key, output) -> the specs that collect over it
        self.collectors_by_root: dict[tuple[str, str], list[StepSpec]] = {}
        for spec in specs.values():
            if spec.scope is not None:
                root = (spec.scope.handle, spec.scope.output)
                self.mapped_by_root.setdefault(root, []).append(spec)
            for step_input in spec.inputs:
                source = step_input.source
                if isinstance(source, FromCollected):
                    root = (source.root.handle, source.root.output)
                    if spec not in self.collectors_by_root.setdefault(root, []):
                        self.collectors_by_root[root].append(spec)

    @property
    def step_keys(self) -> list[str]:
        return list(self.specs)

    @classmethod
    def build(
        cls,
        job: JobDefinition,
        run_config: Mapping[str, Any],
        input_values: Mapping[str, Any],
    ) -> ExecutionPlan:
        """Plan ``job`` for ``run_config`` (already the job's effective config)."""
        flat_ops = job.flat_graph.ops
        problems: list[ConfigProblem] = []
        specs: dict[str, StepSpec] = {}
        for flat in flat_ops.values():
            section = _op_section(run_config, flat.path)
            given_inputs = section.get("inputs")
            config_inputs: Mapping[str, Any] = (
                given_inputs if isinstance(given_inputs, Mapping) else {}
            )
            inputs = tuple(
                StepInput(
                    in_def.name,
                    in_def.dagster_type,
                    _source(
                        flat_ops,
                        flat,
                        in_def.name,
                        flat.inputs[in_def.name],
                        config_inputs,
                        run_config,
                        input_values,
                        problems,
                    ),
                )
                for in_def in flat.op_def.input_defs
            )
            specs[flat.handle] = StepSpec(
                flat,
                inputs,
                section.get("config"),
                flat.hook_defs | job.hook_defs,
                flat.retry_policy or job.op_retry_policy,
            )
        if problems:
            raise RunConfigError(job=job.name, problems=problems)
        return cls(job, specs, run_config)


def _op_section(run_config: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    section: Any = run_config
    for index, name in enumerate(path):
        ops = section.get("ops") if isinstance(section, Mapping) else None
        if not isinstance(ops, Mapping):
            return {}
        section = ops.get(name)
        if section is None:
            return {}
        if index == len(path) - 1:
            return section if isinstance(section, Mapping) else {}
    return {}


def _config_value(raw: Any) -> Any:
    # An input in run config is given bare (5) or as {"value": 5}.
    if isinstance(raw, Mapping) and len(raw) == 1 and "value" in raw:
        return raw["value"]
    return raw


def _source(
    flat_ops: Mapping[str, FlatOp],
    flat: FlatOp,
    input_name: str,
    source: FlatSource,
    config_inputs: Mapping[str, Any],
    run_config: Mapping[str, Any],
    input_values: Mapping[str, Any],
    problems: list[ConfigProblem],
) -> InputSource:
    in_def = flat.op_def.input_dict[input_name]
    if isinstance(source, CollectRef):
        producer = flat_ops[source.handle]
        if producer.op_def.output_dict[source.output].is_dynamic:
            return FromCollected(source.handle, source.output, False, source)
        assert producer.scope is not None
        return FromCollected(source.handle, source.output, True, producer.scope)
    if isinstance(source, StepOutputRef):
        return _step_ref(flat_ops, source)
    if isinstance(source, FanInRef):
        items: list[FromStep | FromValue] = []
        for item in source.items:
            if isinstance(item, StepOutputRef):
                items.append(FromStep(item.handle, item.output, False))
            else:
                value = _top_input(item, run_config, input_values, problems)
                if value is not None:
                    items.append(value)
        return FromFanIn(tuple(items))
    if isinstance(source, TopInputRef):
        if in_def.is_nothing:
            return NO_INPUT
        if in_def.has_default_value and not _top_input_given(source, run_config, input_values):
            return FromValue(in_def.default_value, "default")
        found = _top_input(source, run_config, input_values, problems)
        return found if found is not None else NO_INPUT
    if in_def.is_nothing:
        return NO_INPUT
    path = ".".join(f"ops.{p}" for p in flat.path) + f".inputs.{input_name}"
    op_path = path
    if isinstance(source, GraphInputConfigRef):
        graph_inputs = _op_section(run_config, source.path).get("inputs")
        if isinstance(graph_inputs, Mapping) and source.name in graph_inputs:
            return FromValue(_config_value(graph_inputs[source.name]), "config")
        path = ".".join(f"ops.{p}" for p in source.path) + f".inputs.{source.name}"
    else:
        assert source is UNCONNECTED
    if input_name in config_inputs:
        return FromValue(_config_value(config_inputs[input_name]), "config")
    if in_def.has_default_value:
        return FromValue(in_def.default_value, "default")
    problems.append(
        ConfigProblem(
            path,
            f"input '{input_name}' of op '{flat.handle}' has no upstream output and no default, "
            "so it must be given here" + (f" (or at {op_path})." if op_path != path else "."),
            f"Example: {path}: {{value: ...}}",
        )
    )
    return NO_INPUT


def _step_ref(flat_ops: Mapping[str, FlatOp], ref: StepOutputRef) -> FromStep | FromDynamicValue:
    producer = flat_ops[ref.handle]
    if producer.op_def.output_dict[ref.output].is_dynamic:
        return FromDynamicValue(ref.handle, ref.output)
    return FromStep(ref.handle, ref.output, producer.scope is not None)


def _top_input_given(
    ref: TopInputRef, run_config: Mapping[str, Any], input_values: Mapping[str, Any]
) -> bool:
    config_inputs = run_config.get("inputs")
    return ref.name in input_values or (
        isinstance(config_inputs, Mapping) and ref.name in config_inputs
    )


def _top_input(
    ref: TopInputRef,
    run_config: Mapping[str, Any],
    input_values: Mapping[str, Any],
    problems: list[ConfigProblem],
) -> FromValue | None:
    if ref.name in input_values:
        return FromValue(input_values[ref.name], "input_values")
    config_inputs = run_config.get("inputs")
    if isinstance(config_inputs, Mapping) and ref.name in config_inputs:
        return FromValue(_config_value(config_inputs[ref.name]), "config")
    problems.append(
        ConfigProblem(
            f"inputs.{ref.name}",
            f"the job's input '{ref.name}' was not given.",
            "Pass input_values={...} or give it under inputs: in run config.",
        )
    )
    return None


def effective_run_config(
    job: JobDefinition, run_config: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The run config a run uses: the job's default, or what its config mapping produces."""
    config = job.config
    given = dict(run_config) if run_config else {}
    if isinstance(config, ConfigMapping):
        try:
            mapped = call_user(f"config mapping of job '{job.name}'", config.resolve, given)
        except UserFailure as failure:
            raise RunConfigError(
                job=job.name,
                problems=[
                    ConfigProblem(
                        "",
                        f"the job's config mapping raised {failure.error.cls_name}: "
                        f"{failure.exception}",
                    )
                ],
            ) from failure.exception
        return dict(mapped or {})
    if isinstance(config, Mapping) and not given:
        return dict(config)
    return given
