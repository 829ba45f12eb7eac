"""The step runner: run one attempt of one step, from loading its inputs to storing its outputs.

For one attempt it records STEP_START (STEP_RESTARTED on a retry), loads
each input (LOADED_INPUT) and checks its type (STEP_INPUT), calls the op's
function as user code, checks each output (STEP_OUTPUT, HANDLED_OUTPUT),
then STEP_SUCCESS, or STEP_UP_FOR_RETRY when another attempt is allowed,
or STEP_FAILURE with the user's traceback. An attempt's outputs are kept
only if it succeeds. Hooks run last, once the step has succeeded or
finally failed.

Whether a failed attempt is retried: an op that raised ``RetryRequested``
is retried while ``retry_number < max_retries`` of that request, whatever
its retry policy says; any other exception is retried as the step's
retry policy allows, unless it is a ``Failure(allow_retries=False)``. A
``Failure``'s description and metadata go into the STEP_FAILURE event.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..definitions._flatten import (
    LOAD_BY_MANAGER,
    CollectRef,
    DynamicElementRef,
    FanInRef,
    StepOutputRef,
    ValueRef,
)
from ..definitions._results import OutputTracker, outputs_from_return, outputs_from_yield
from ..definitions._units import UNIT_MEMORY
from ..definitions.assets.results import MaterializeResult
from ..definitions.events import OUTPUT_TYPES, Output
from ..definitions.failure import Failure, RetryRequested
from ..definitions.outputs import DEFAULT_IO_MANAGER_KEY
from ..definitions.types import DataType, Nothing, type_check_error
from ..errors import DagwrightError, InvariantViolationError, TypeCheckError
from ..records import (
    EventType,
    HandledOutputData,
    LoadedInputData,
    StepFailureData,
    StepInputData,
    StepOutputData,
    StepRetryData,
    StepSuccessData,
    TypeCheckData,
    UserFailureData,
)
from ._boundary import UserFailure, call_user, describe, user_iter
from .asset_checks import raise_if_blocked
from .context import OpExecutionContext
from .hooks import run_hooks
from .io_managers import load_with_manager, store_with_manager
from .logs import ERROR
from .state import StepState

if TYPE_CHECKING:
    from ..definitions._output_metadata import PendingMetadata
    from ..definitions.outputs import OutputDefinition
    from ._run import MemoryOutputs, RunContext
    from .state import ExecutionStep

__all__ = ["StepOutcome", "run_step"]

_STEP_START = EventType.STEP_START.value
_LOGS_CAPTURED = EventType.LOGS_CAPTURED.value
_STEP_RESTARTED = EventType.STEP_RESTARTED.value
_STEP_INPUT = EventType.STEP_INPUT.value
_STEP_OUTPUT = EventType.STEP_OUTPUT.value
_LOADED_INPUT = EventType.LOADED_INPUT.value
_HANDLED_OUTPUT = EventType.HANDLED_OUTPUT.value
_STEP_SUCCESS = EventType.STEP_SUCCESS.value
_STEP_FAILURE = EventType.STEP_FAILURE.value
_STEP_UP_FOR_RETRY = EventType.STEP_UP_FOR_RETRY.value

_PASSED = "(Type check passed)."
_FAILED = "Warning! Type check failed."


class StepOutcome:
    """How an attempt ended: its state, the outputs it produced, its dynamic keys, its failure."""

    __slots__ = ("dynamic", "exception", "produced", "retry_delay", "state")

    def __init__(
        self,
        state: StepState,
        produced: list[str] | None = None,
        dynamic: dict[str, list[str]] | None = None,
        exception: BaseException | None = None,
        retry_delay: float = 0.0,
    ) -> None:
        self.state = state
        self.produced = produced or []
        self.dynamic = dynamic
        self.exception = exception
        self.retry_delay = retry_delay


class _Attempt:
    """The outputs one attempt has produced so far; they reach the run only on success.

    ``metadata`` holds what ``context.add_output_metadata`` added for outputs
    not produced yet (None until it is first called).
    """

    __slots__ = ("dynamic", "metadata", "values")

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.dynamic: dict[str, dict[str, Any]] = {}
        self.metadata: PendingMetadata | None = None

    def produced(self, output_name: str, mapping_key: str | None) -> bool:
        if mapping_key is None:
            return output_name in self.values
        return mapping_key in self.dynamic.get(output_name, ())

    def commit(self, key: str, outputs: MemoryOutputs) -> None:
        for name, value in self.values.items():
            outputs.values[(key, name)] = value
        for name, by_key in self.dynamic.items():
            outputs.dynamic[(key, name)] = by_key

    def output_values(self) -> dict[str, Any]:
        return {**self.values, **{n: dict(v) for n, v in self.dynamic.items()}}


def run_step(run: RunContext, step: ExecutionStep) -> StepOutcome:
    """Run one attempt of ``step`` and record its events; a failure of the step is returned.

    On a persistent instance what the attempt prints is captured to the
    step's compute log files, announced by a LOGS_CAPTURED event.
    """
    manager = run.compute_logs
    if manager is None:
        return _run_attempt(run, step)
    with manager.capture(run.run_id, step.key) as captured:
        if step.attempt == 1:
            run.log.event(
                _LOGS_CAPTURED,
                f"Started capturing logs in process (pid: {run.log.pid}).",
                step_key=step.key,
                handle=step.spec.key,
                data=captured,
            )
        return _run_attempt(run, step)


def _run_attempt(run: RunContext, step: ExecutionStep) -> StepOutcome:
    spec = step.spec
    log = run.log
    key = step.key
    started = time.perf_counter()
    if step.attempt == 1:
        log.event(_STEP_START, f'Started execution of step "{key}".', step_key=key, handle=spec.key)
    else:
        log.event(
            _STEP_RESTARTED,
            f'Started re-execution (attempt # {step.attempt}) of step "{key}".',
            step_key=key,
            handle=spec.key,
        )
    attempt = _Attempt()
    context = OpExecutionContext(run, step, attempt)
    try:
        inputs = _load_inputs(run, step, context)
        produced, dynamic = _compute(run, step, context, inputs, attempt)
        if run.blocked_steps:  # a blocking asset check of this step failed
            raise_if_blocked(run, step, _op_place(step))
    except UserFailure as failure:
        return _after_user_failure(run, step, failure)
    except DagwrightError as error:
        info, source = describe(error)
        return _failed(run, step, error, info, source)
    attempt.commit(key, run.outputs)
    elapsed = (time.perf_counter() - started) * 1000
    log.event(
        _STEP_SUCCESS,
        f'Finished execution of step "{key}" in {elapsed:.2f}ms.',
        step_key=key,
        handle=spec.key,
        data=StepSuccessData(duration_ms=elapsed),
    )
    if spec.hook_defs:
        run.running_step = None  # it succeeded: a cancel now waits for its hooks
        run_hooks(run, step, True, None, attempt.output_values())
    return StepOutcome(StepState.SUCCEEDED, produced, dynamic)


def _after_user_failure(run: RunContext, step: ExecutionStep, failure: UserFailure) -> StepOutcome:
    """Put the step up for retry if it may be retried; otherwise record its failure."""
    exception = failure.exception
    if isinstance(exception, RetryRequested):
        # What went wrong is what the request was raised from, when there is one.
        reported: BaseException = exception.__cause__ or exception
        error, source = (
            (failure.error, failure.source) if reported is exception else describe(reported)
        )
        if step.attempt <= exception.max_retries:  # retry_number < max_retries
            return _up_for_retry(run, step, reported, error, exception.seconds_to_wait)
        return _failed(
            run,
            step,
            reported,
            error,
            source,
            f" after {_attempts(step.attempt)}: it requested another retry, but "
            f"RetryRequested allows max_retries={exception.max_retries}",
        )
    if not isinstance(exception, Failure) or exception.allow_retries:
        delay = _policy_delay(run, step)
        if delay is not None:
            return _up_for_retry(run, step, exception, failure.error, delay)
    after = f" after {_attempts(step.attempt)}" if step.attempt > 1 else ""
    if failure.place != _op_place(step):  # not the op's body: say where (an IO manager, ...)
        first_line = str(exception).splitlines()[0] if str(exception) else ""
        after += f" in {failure.place}: {type(exception).__name__}"
        after += f": {first_line}" if first_line else ""
    return _failed(run, step, exception, failure.error, failure.source, after)


def _op_place(step: ExecutionStep) -> str:
    """Where the op's own body runs, as a UserFailure names it."""
    return f"op '{step.spec.key}'"


def _attempts(count: int) -> str:
    return f"{count} attempt{'s' if count != 1 else ''}"


def _policy_delay(run: RunContext, step: ExecutionStep) -> float | None:
    """Seconds the retry policy waits before retrying ``step``, or None if it may not retry."""
    policy = step.spec.retry_policy
    if policy is None or step.attempt > policy.max_retries:
        return None
    return policy.calculate_delay(step.attempt, run.clock)


def _up_for_retry(
    run: RunContext, step: ExecutionStep, exception: BaseException, error: Any, delay: float
) -> StepOutcome:
    wait = f" in {delay:.2f} seconds" if delay else ""
    run.log.event(
        _STEP_UP_FOR_RETRY,
        f'Execution of step "{step.key}" failed and has requested a retry{wait}.',
        step_key=step.key,
        handle=step.spec.key,
        data=StepRetryData(error=error, seconds_to_wait=delay),
    )
    return StepOutcome(StepState.UP_FOR_RETRY, exception=exception, retry_delay=delay)


def _failed(
    run: RunContext,
    step: ExecutionStep,
    exception: BaseException,
    error: Any,
    source: str,
    detail: str = "",
) -> StepOutcome:
    user_data = None
    if isinstance(exception, Failure):
        user_data = UserFailureData(
            description=exception.description, metadata=dict(exception.metadata)
        )
        if exception.description:
            detail += f": {exception.description}"
    message = f'Execution of step "{step.key}" failed{detail}'
    run.log.event(
        _STEP_FAILURE,
        message if message.endswith((".", "!", "?")) else message + ".",
        step_key=step.key,
        handle=step.spec.key,
        data=StepFailureData(error=error, error_source=source, user_failure_data=user_data),
        level=ERROR,
    )
    if step.spec.hook_defs:
        run_hooks(run, step, False, exception, {})
    return StepOutcome(StepState.FAILED, exception=exception)


# --------------------------------------------------------------------------
# Inputs


def _load_inputs(
    run: RunContext, step: ExecutionStep, context: OpExecutionContext
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    outputs = run.outputs
    inline = run.inline_io
    mapping_key = step.mapping_key
    if run.plan.known_state is not None:
        _check_reused_reads(run, step)
    memory = step.spec.flat.memory_inputs  # handed over in memory inside the step's unit
    for flat_input in step.spec.inputs:
        if flat_input.is_nothing:
            continue
        name = flat_input.name
        source = flat_input.source
        if name in memory and type(source) is StepOutputRef:
            value = outputs.values[(source.handle, source.output)]
            _loaded(run, step, name, source.handle, source.output, UNIT_MEMORY)
        elif (
            flat_input.manager_key not in inline and flat_input.manager_key is not None
        ) or source is LOAD_BY_MANAGER:
            if type(source) is FanInRef:  # each item through the input's own manager
                value = _fanned_in(run, step, context, name, source, flat_input.manager_key)
            else:
                value = _load_by_manager(run, step, context, name, flat_input.manager_key, source)
        elif type(source) is StepOutputRef:
            upstream = source.step_key(mapping_key)
            value = outputs.values[(upstream, source.output)]
            _loaded(run, step, name, upstream, source.output, flat_input.manager_key)
        elif type(source) is ValueRef:
            value = source.value
        elif type(source) is DynamicElementRef:
            value = outputs.dynamic[(source.handle, source.output)][mapping_key]  # type: ignore[index]
            _loaded(run, step, name, source.handle, source.output, flat_input.manager_key)
        elif type(source) is CollectRef:
            value = _collected(run, source)
            _loaded(run, step, name, source.handle, source.output, flat_input.manager_key)
        elif type(source) is FanInRef:
            value = _fanned_in(run, step, context, name, source)
        else:
            continue  # nothing feeds it: the function's own default applies
        _check_input(run, step, context, name, flat_input.dagster_type, value)
        values[name] = value
    return values


def _load_by_manager(
    run: RunContext,
    step: ExecutionStep,
    context: OpExecutionContext,
    name: str,
    manager_key: str | None,
    source: Any,
) -> Any:
    """Load an input through an IO manager that is not the in-memory one."""
    log = context.log
    manager_key = manager_key or DEFAULT_IO_MANAGER_KEY
    if source is LOAD_BY_MANAGER or type(source) is ValueRef:
        if type(source) is ValueRef:
            return source.value  # run config gave it
        value, metadata = load_with_manager(run, step, log, name, manager_key, None)
        _loaded(run, step, name, None, None, manager_key, metadata)
        return value
    upstreams: list[tuple[str, str, str | None]]
    if type(source) is StepOutputRef:
        upstreams = [(source.step_key(step.mapping_key), source.output, None)]
    elif type(source) is DynamicElementRef:
        upstreams = [(source.handle, source.output, step.mapping_key)]
    elif type(source) is CollectRef:  # every mapping key of the dynamic output it collects
        keys = _dynamic_keys(run, source.root)
        if source.over_mapped:
            upstreams = [
                (f"{source.handle}[{k}]", source.output, None)
                for k in keys
                if _has_output(run, f"{source.handle}[{k}]", source.output)
            ]
        else:
            upstreams = [(source.handle, source.output, k) for k in keys]
    else:
        raise InvariantViolationError(
            f"input '{name}' of step '{step.key}' has a source ({source!r}) no IO manager loads."
        )
    loaded = []
    for upstream in upstreams:
        value, metadata = load_with_manager(run, step, log, name, manager_key, upstream)
        _loaded(run, step, name, upstream[0], upstream[1], manager_key, metadata)
        loaded.append(value)
    return loaded if type(source) is CollectRef else loaded[0]


def _collected(run: RunContext, source: CollectRef) -> list[Any]:
    outputs = run.outputs
    if not source.over_mapped:
        return list(outputs.dynamic.get(source.root, {}).values())
    values = outputs.values
    collected = []
    for mapping_key in _dynamic_keys(run, source.root):
        instance = (f"{source.handle}[{mapping_key}]", source.output)
        if instance in values:
            collected.append(values[instance])
    return collected


def _dynamic_keys(run: RunContext, root: tuple[str, str]) -> list[str]:
    """The mapping keys of dynamic output ``root``: this run's, or in a re-execution those of
    the earlier run that made it."""
    by_key = run.outputs.dynamic.get(root)
    if by_key is not None:
        return list(by_key)
    known = run.plan.known_state
    return (known.dynamic_keys(root) or []) if known is not None else []


def _has_output(run: RunContext, step_key: str, output: str) -> bool:
    """Whether output ``output`` of ``step_key`` exists: made by this run or, in a
    re-execution, by the earlier run whose outputs of that step it reuses."""
    if (step_key, output) in run.outputs.values:
        return True
    known = run.plan.known_state
    record = known.reused(step_key) if known is not None else None
    return record is not None and output in record.outputs


def _check_reused_reads(run: RunContext, step: ExecutionStep) -> None:
    """In a re-execution, fail a step that would read an earlier run's output through an IO
    manager that keeps outputs in memory (that output ended with its run)."""
    known = run.plan.known_state
    assert known is not None
    spec = step.spec
    for read in known.reads(spec.flat, spec.inputs, step.mapping_key):
        if read.manager_key in run.inline_io:
            record = known.reused(read.step_key)
            if record is not None:
                raise known.in_memory_error(step.key, read, record.run_id)


def _fanned_in(
    run: RunContext,
    step: ExecutionStep,
    context: OpExecutionContext,
    name: str,
    source: FanInRef,
    input_manager_key: str | None = None,
) -> list[Any]:
    """The list a fan-in input receives; each item loaded by its upstream output's manager,
    or all by the input's own ``input_manager_key``."""
    values = run.outputs.values
    fanned: list[Any] = []
    for item in source.items:
        if isinstance(item, ValueRef):
            fanned.append(item.value)
        elif isinstance(item, StepOutputRef) and _has_output(run, item.handle, item.output):
            out_def = run.plan.specs[item.handle].op_def.output_dict[item.output]
            key = input_manager_key or out_def.io_manager_key
            if key in run.inline_io:
                fanned.append(values[(item.handle, item.output)])
                _loaded(run, step, name, item.handle, item.output, key)
            else:
                upstream = (item.handle, item.output, None)
                value, metadata = load_with_manager(run, step, context.log, name, key, upstream)
                _loaded(run, step, name, item.handle, item.output, key, metadata)
                fanned.append(value)
    return fanned


def _loaded(
    run: RunContext,
    step: ExecutionStep,
    name: str,
    upstream: str | None,
    output: str | None,
    manager_key: str | None,
    metadata: dict[str, Any] | None = None,
) -> None:
    manager = manager_key or "io_manager"
    origin = f', from output "{output}" of step "{upstream}"' if upstream is not None else ""
    known = run.plan.known_state
    if known is not None and upstream is not None:
        producer = known.producer(upstream)
        if producer is not None:
            origin += f' of run "{producer}"'
    run.log.event(
        _LOADED_INPUT,
        f'Loaded input "{name}" using input manager "{manager}"{origin}',
        step_key=step.key,
        handle=step.spec.key,
        data=LoadedInputData(
            input_name=name,
            manager_key=manager,
            upstream_step_key=upstream,
            upstream_output_name=output,
        )
        if not metadata
        else LoadedInputData(
            input_name=name,
            manager_key=manager,
            upstream_step_key=upstream,
            upstream_output_name=output,
            metadata=dict(metadata),
        ),
    )


def _check_input(
    run: RunContext,
    step: ExecutionStep,
    context: OpExecutionContext,
    name: str,
    dagster_type: DataType,
    value: Any,
) -> None:
    passed, data = _type_check(step, dagster_type, context, value, "input", name)
    run.log.event(
        _STEP_INPUT,
        f'Got input "{name}" of type "{dagster_type.name}". {_PASSED if passed else _FAILED}',
        step_key=step.key,
        handle=step.spec.key,
        data=StepInputData(input_name=name, type_check=data),
    )
    if not passed:
        raise _type_error(step, "input", name, dagster_type, value, data)


def _type_check(
    step: ExecutionStep, dagster_type: DataType, context: Any, value: Any, kind: str, name: str
) -> tuple[bool, TypeCheckData]:
    if dagster_type.is_any:
        return True, TypeCheckData(success=True, label=name, type_name="Any")
    if dagster_type.runs_user_code:
        result = call_user(
            lambda: f"type check of {kind} '{name}' of op '{step.spec.key}'",
            dagster_type.type_check,
            context,
            value,
        )
    else:
        result = dagster_type.type_check(context, value)
    return result.success, TypeCheckData(
        success=result.success,
        label=name,
        type_name=dagster_type.name,
        description=result.description,
        metadata=result.metadata,
    )


def _type_error(
    step: ExecutionStep,
    kind: str,
    name: str,
    dagster_type: DataType,
    value: Any,
    data: TypeCheckData,
) -> TypeCheckError:
    return type_check_error(
        op=step.spec.node.name,
        step_key=step.key,
        kind=kind,
        name=name,
        dagster_type=dagster_type,
        value=value,
        result=data,
    )


# --------------------------------------------------------------------------
# Compute and outputs


def _compute(
    run: RunContext,
    step: ExecutionStep,
    context: OpExecutionContext,
    inputs: dict[str, Any],
    attempt: _Attempt,
) -> tuple[list[str], dict[str, list[str]] | None]:
    op_def = step.spec.op_def
    compute = op_def.compute

    def place() -> str:
        return _op_place(step)

    result = call_user(place, compute.call, context, inputs)
    if compute.is_async:  # awaited on the run's event loop (its async resources' too)
        result = call_user(place, run.resources.event_loop().run, result)
    elif compute.is_async_generator:  # item by item, as a plain generator would be
        result = run.resources.event_loop().iterate(result)
    single = op_def.single_output
    iterates = compute.is_generator or compute.is_async_generator
    if single is not None and not iterates and not isinstance(result, OUTPUT_TYPES):
        # The common case, kept short: one output, returned as a plain value.
        _handle_output(run, step, context, attempt, single, result, None, None)
        return [single.name], None
    tracker = OutputTracker(op_def)
    if (
        compute.is_generator
        or compute.is_async_generator
        or (compute.legacy and isinstance(result, Iterator))
    ):
        items = user_iter(place, result)
        if run.job.asset_layer is not None:
            from .asset_outputs import asset_results  # asset jobs only

            items = asset_results(run.job.asset_layer, step, items)
        outputs: Any = outputs_from_yield(op_def, items, context.log_event)
    else:
        outputs = outputs_from_return(op_def, result)
    layer = run.job.asset_layer
    selected = layer.selected_outputs.get(step.spec.key) if layer is not None else None
    for output in outputs:
        tracker.check(output)
        if selected is not None and output.output_name not in selected:
            from .asset_outputs import unselected_output_error

            raise unselected_output_error(step, output.output_name, selected)
        _handle_output(
            run,
            step,
            context,
            attempt,
            op_def.output_dict[output.output_name],
            output.value,
            output.mapping_key,
            output.metadata,
            _versioned(output) if type(output) is Output else None,
        )
    tracker.raise_if_missing()
    implicit = tracker.unproduced_nothing()
    if layer is not None:  # an asset of Nothing type is made when its op ends, if selected
        implicit += [
            d.name
            for d in op_def.output_defs
            if d.is_nothing
            and d.name not in tracker.seen
            and d.name not in implicit
            and layer.key_for_output(step.spec.key, d.name) is not None
        ]
    for name in implicit:
        _handle_output(run, step, context, attempt, op_def.output_dict[name], None, None, None)
        tracker.seen.add(name)
    dynamic: dict[str, list[str]] | None = None
    for out_def in op_def.output_defs:
        if out_def.is_dynamic:
            if dynamic is None:
                dynamic = {}
            dynamic[out_def.name] = list(attempt.dynamic.setdefault(out_def.name, {}))
            tracker.seen.add(out_def.name)
    return list(tracker.seen), dynamic


def _record_materialization(*args: Any) -> None:
    """The asset materialization of an output (asset jobs only: imported on first use, so
    plain op jobs do not load the lineage and data version code)."""
    from .asset_outputs import record_materialization

    record_materialization(*args)


def _versioned(output: Output[Any]) -> MaterializeResult | None:
    """The data version and tags an ``Output`` gives its asset's materialization, if any."""
    if output.data_version is None and not output.tags:
        return None
    return MaterializeResult(data_version=output.data_version, tags=output.tags)


def _handle_output(
    run: RunContext,
    step: ExecutionStep,
    context: OpExecutionContext,
    attempt: _Attempt,
    out_def: OutputDefinition,
    value: Any,
    mapping_key: str | None,
    metadata: Mapping[str, Any] | None,
    versioned: MaterializeResult | None = None,
) -> None:
    name = out_def.name
    dagster_type = out_def.dagster_type
    log = run.log
    stored_by_asset: MaterializeResult | None = versioned
    if isinstance(value, MaterializeResult):  # the asset stored itself: no value, no IO manager
        stored_by_asset, value = value, None
        metadata = {**(metadata or {}), **stored_by_asset.metadata}
        dagster_type = Nothing
    if attempt.metadata is not None:  # context.add_output_metadata was called
        added = attempt.metadata.pop((name, mapping_key), None)
        if added is not None:
            metadata = added if metadata is None else {**metadata, **added}
    passed, data = _type_check(step, dagster_type, context, value, "output", name)
    log.event(
        _STEP_OUTPUT,
        f'Yielded output "{name}" of type "{dagster_type.name}". {_PASSED if passed else _FAILED}',
        step_key=step.key,
        handle=step.spec.key,
        data=StepOutputData(output_name=name, mapping_key=mapping_key, type_check=data)
        if metadata is None
        else StepOutputData(
            output_name=name, mapping_key=mapping_key, type_check=data, metadata=dict(metadata)
        ),
    )
    if not passed:
        raise _type_error(step, "output", name, dagster_type, value, data)
    if mapping_key is None:
        attempt.values[name] = value
    else:
        attempt.dynamic.setdefault(name, {})[mapping_key] = value
    manager_key = out_def.io_manager_key
    layer = run.job.asset_layer
    if dagster_type.is_nothing:
        # An output that carries no value is not stored (as in Dagster); an asset's is made.
        if layer is not None:
            _record_materialization(run, step, layer, name, metadata, None, stored_by_asset)
        return
    if name in step.spec.flat.memory_outputs:
        return  # only ops of the step's unit read it, from memory (see definitions/_units.py)
    handled: dict[str, Any] | None = None
    if manager_key not in run.inline_io:
        handled = store_with_manager(run, step, context.log, name, value, mapping_key)
    log.event(
        _HANDLED_OUTPUT,
        f'Handled output "{name}" using IO manager "{manager_key}"',
        step_key=step.key,
        handle=step.spec.key,
        data=HandledOutputData(output_name=name, manager_key=manager_key, mapping_key=mapping_key)
        if not handled
        else HandledOutputData(
            output_name=name,
            manager_key=manager_key,
            mapping_key=mapping_key,
            metadata=dict(handled),
        ),
    )
    if layer is not None:
        _record_materialization(run, step, layer, name, metadata, handled, versioned)
