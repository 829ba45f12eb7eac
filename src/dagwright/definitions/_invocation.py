"""Calling an op directly, outside a graph body: how unit tests run one op.

``add_one(5)`` binds arguments to inputs like a Python call, checks input
and output types, and returns what the function returned (a generator op
returns a checked generator, which passes on the reports it yields, an
async op a coroutine). Ops that take a context receive one built with
``build_op_context()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .._sentinel import NO_VALUE
from ..errors import InvalidInvocationError
from ..metadata import REPORT_TYPES
from ._context import ExecutionContextBase
from ._results import OutputTracker, outputs_from_return, outputs_from_yield
from .events import Output
from .types import DataType, type_check_error

if TYPE_CHECKING:
    from .op import OpDefinition

__all__ = ["invoke_op", "type_check_or_raise"]


def type_check_or_raise(
    dt: DataType, context: Any, value: Any, *, op: str, step_key: str, kind: str, name: str
) -> None:
    """Check ``value`` against ``dt``; raise a TypeCheckError naming the place if it fails."""
    if dt.is_any:
        return
    result = dt.type_check(context, value)
    if not result.success:
        raise type_check_error(
            op=op,
            step_key=step_key,
            kind=kind,
            name=name,
            dagster_type=dt,
            value=value,
            result=result,
        )


def invoke_op(op_def: OpDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Run ``op_def`` on the given arguments, as a test would."""
    compute = op_def.compute
    where = f"op '{op_def.name}'"
    positional = list(args)
    named = dict(kwargs)
    context = _take_context(op_def, positional, named, where)
    config: Any = NO_VALUE
    if compute.config_class is not None and "config" in named:
        config = compute.config_class.from_config_value(named.pop("config"))
    resources = {name: named.pop(name) for name in compute.resource_params if name in named}
    missing = [n for n in compute.resource_params if n not in resources]
    if missing and context is None:
        raise InvalidInvocationError(
            f"it takes the resource '{missing[0]}', which was not given by keyword.",
            where=where,
            fix=f"pass {missing[0]}=... to the call (resources are passed by keyword), or a "
            f"context built with build_op_context(resources={{'{missing[0]}': ...}}).",
        )
    inputs = _bind_inputs(op_def, positional, named, where)
    bind = getattr(context, "bind_to_op", None)
    if bind is not None:
        context = bind(op_def, frozenset(resources))
    for name, value in inputs.items():
        type_check_or_raise(
            op_def.input_dict[name].dagster_type,
            context,
            value,
            op=op_def.name,
            step_key=op_def.name,
            kind="input",
            name=name,
        )
    result = compute.call(context, inputs, config, resources)
    if compute.is_async:
        return _finish_async(op_def, context, result)
    if compute.is_generator or (compute.legacy and isinstance(result, Iterator)):
        return _checked_outputs(op_def, context, result)
    for output in outputs_from_return(op_def, result):
        _check_output(op_def, context, output)
    return result


async def _finish_async(op_def: OpDefinition, context: Any, awaitable: Any) -> Any:
    result = await awaitable
    for output in outputs_from_return(op_def, result):
        _check_output(op_def, context, output)
    return result


def _checked_outputs(op_def: OpDefinition, context: Any, items: Iterator[Any]) -> Iterator[Any]:
    tracker = OutputTracker(op_def)
    track = getattr(context, "track_outputs", None)
    if track is not None:
        track(tracker)  # so that add_output_metadata knows what was produced
    for output in outputs_from_yield(op_def, items):
        if isinstance(output, REPORT_TYPES):
            yield output
            continue
        tracker.check(output)
        _check_output(op_def, context, output)
        yield output
    tracker.raise_if_missing()


def _check_output(op_def: OpDefinition, context: Any, output: Output[Any]) -> None:
    out_def = op_def.output_dict.get(output.output_name)
    if out_def is None:
        OutputTracker(op_def).check(output)  # raises, naming the declared outputs
        return
    type_check_or_raise(
        out_def.dagster_type,
        context,
        output.value,
        op=op_def.name,
        step_key=op_def.name,
        kind="output",
        name=output.output_name,
    )


def _take_context(op_def: OpDefinition, args: list[Any], kwargs: dict[str, Any], where: str) -> Any:
    compute = op_def.compute
    given: Any = None
    if args and isinstance(args[0], ExecutionContextBase):
        given = args.pop(0)
    elif isinstance(kwargs.get("context"), ExecutionContextBase):
        given = kwargs.pop("context")
    if compute.wants_context and given is None:
        raise InvalidInvocationError(
            "its function takes a context first, but no context was given.",
            where=where,
            fix=f"build one and pass it first: {op_def.name}(build_op_context(), ...).",
        )
    return given


def _bind_inputs(
    op_def: OpDefinition, args: list[Any], kwargs: dict[str, Any], where: str
) -> dict[str, Any]:
    value_inputs = [d for d in op_def.input_defs if not d.is_nothing]
    if len(args) > len(value_inputs):
        names = ", ".join(d.name for d in value_inputs) or "none"
        raise InvalidInvocationError(
            f"it was called with {len(args)} positional arguments but takes "
            f"{len(value_inputs)} input{'s' if len(value_inputs) != 1 else ''} ({names}).",
            where=where,
            fix="pass one value per input"
            + (", and a context first only if the function takes one." if args else "."),
        )
    bound = {d.name: value for d, value in zip(value_inputs, args, strict=False)}
    for key, value in kwargs.items():
        in_def = op_def.input_dict.get(key)
        if in_def is None:
            known = ", ".join(d.name for d in value_inputs) or "none"
            raise InvalidInvocationError(
                f"it has no input named '{key}' (inputs: {known}).",
                where=where,
                fix="pass values only for the op's inputs.",
            )
        if in_def.is_nothing:
            raise InvalidInvocationError(
                f"input '{key}' has type Nothing; it takes no value.",
                where=where,
                fix=f"leave '{key}' out when calling the op directly.",
            )
        if key in bound:
            raise InvalidInvocationError(
                f"input '{key}' was given twice (by position and by name).", where=where
            )
        bound[key] = value
    for in_def in value_inputs:
        if in_def.name not in bound:
            if in_def.has_default_value:
                bound[in_def.name] = in_def.default_value
            else:
                raise InvalidInvocationError(
                    f"no value was given for its required input '{in_def.name}'.",
                    where=where,
                    fix=f"call {op_def.name}({in_def.name}=...).",
                )
    return bound
