"""Running a ``@graph`` or ``@job`` body, and reading what it returned as graph outputs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InvalidDefinitionError, did_you_mean
from ._compute import signature_params
from ._util import check_name
from .composition import Composition, GraphInputHandle, MappedHandle, OutputHandle, composing
from .inputs import GraphIn
from .outputs import DEFAULT_OUTPUT, GraphOut, OutputMapping
from .types import type_name_of

__all__ = ["compose", "output_mappings_from_return"]


def compose(
    fn: Callable[..., Any],
    name: str,
    kind: str,
    ins: Mapping[str, GraphIn] | None = None,
) -> tuple[Composition, Any, dict[str, str | None]]:
    """Run a graph or job body, recording its calls; returns the recording and what it returned."""
    params, _ = signature_params(fn)
    where = f"{kind} '{name}'"
    declared = dict(ins or {})
    descriptions: dict[str, str | None] = {}
    for param in params:
        if param.kind in (param.kind.VAR_POSITIONAL, param.kind.VAR_KEYWORD):
            raise InvalidDefinitionError(
                f"its function takes *{param.name}; graph inputs must be named parameters.",
                where=where,
            )
        check_name(param.name, "graph input", where)
        graph_in = declared.pop(param.name, None)
        descriptions[param.name] = graph_in.description if graph_in is not None else None
    if declared:
        extra = next(iter(declared))
        raise InvalidDefinitionError(
            f"ins declares '{extra}' but the function has no parameter of that name.",
            where=where,
            fix=f"add a parameter '{extra}' to the function or remove it from ins.",
        )
    with composing(name, kind) as comp:
        returned = fn(*(comp.input_handle(p.name) for p in params))
    return comp, returned, descriptions


def output_mappings_from_return(
    comp: Composition,
    returned: Any,
    out: GraphOut | Mapping[str, GraphOut] | None,
    where: str,
) -> list[OutputMapping]:
    """Read a graph body's return value as mappings from graph outputs to node outputs."""
    declared: list[str] | None
    descriptions: dict[str, str | None] = {}
    if out is None:
        declared = None
    elif isinstance(out, GraphOut):
        declared = [DEFAULT_OUTPUT]
        descriptions[DEFAULT_OUTPUT] = out.description
    else:
        declared = list(out)
        descriptions = {k: v.description for k, v in out.items()}
    if returned is None:
        if declared:
            raise InvalidDefinitionError(
                f"it declares outputs ({', '.join(declared)}) but its body returned nothing.",
                where=where,
                fix="return the handle(s) of the op output(s) to expose.",
            )
        return []
    pairs: list[tuple[str, Any]]
    if isinstance(returned, OutputHandle | MappedHandle | GraphInputHandle):
        if declared is not None and len(declared) != 1:
            raise InvalidDefinitionError(
                f"it declares {len(declared)} outputs but its body returned one handle.",
                where=where,
                fix="return a dict or tuple with one handle per declared output.",
            )
        pairs = [(declared[0] if declared else DEFAULT_OUTPUT, returned)]
    elif isinstance(returned, Mapping):
        pairs = list(returned.items())
        if declared is not None:
            for key, _ in pairs:
                if key not in declared:
                    raise InvalidDefinitionError(
                        f"its body returned output '{key}', which is not declared in out "
                        f"({', '.join(declared)}).{did_you_mean(str(key), declared)}",
                        where=where,
                        fix=f"return only the declared outputs, or declare '{key}' with "
                        f"out={{..., '{key}': GraphOut()}}.",
                    )
            missing = [name for name in declared if name not in returned]
            if missing:
                raise InvalidDefinitionError(
                    f"it declares output{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(repr(m) for m in missing)} but its body does not return "
                    f"{'them' if len(missing) > 1 else 'it'}.",
                    where=where,
                    fix="return a handle for every declared output, or remove it from out.",
                )
    elif isinstance(returned, tuple):
        names = declared if declared is not None else list(getattr(returned, "_fields", ()))
        if len(names) != len(returned):
            raise InvalidDefinitionError(
                f"its body returned a tuple of {len(returned)} handles but declares "
                f"{len(names)} outputs.",
                where=where,
                fix="declare out={'a': GraphOut(), 'b': GraphOut()} matching the tuple, or "
                "return a dict of name to handle.",
            )
        pairs = list(zip(names, returned, strict=True))
    else:
        raise InvalidDefinitionError(
            f"its body returned a value of type {type_name_of(returned)}; a graph body may "
            "return an op's output handle, a dict of them, or nothing.",
            where=where,
            fix="return the result of an op call (e.g. return add_one(x)), or compute the "
            "value inside an op.",
        )
    mappings = []
    for output_name, handle in pairs:
        if isinstance(handle, MappedHandle):
            raise InvalidDefinitionError(
                f"output '{output_name}' is the result of a .map(...); graph outputs cannot be "
                "mapped.",
                where=where,
                fix="return .collect() of the mapped results through an op that takes the list.",
            )
        if isinstance(handle, GraphInputHandle):
            raise InvalidDefinitionError(
                f"output '{output_name}' returns the graph input '{handle.input_name}' unchanged.",
                where=where,
                fix="pass the input through an op, or use it directly outside the graph.",
            )
        if not isinstance(handle, OutputHandle):
            raise InvalidDefinitionError(
                f"output '{output_name}' is {handle!r}, not the output of an op in the body.",
                where=where,
            )
        if handle._comp is not comp:
            raise InvalidDefinitionError(
                f"output '{output_name}' is an output recorded in another graph body.",
                where=where,
            )
        check_name(output_name, "output", where)
        mappings.append(
            OutputMapping(
                output_name, handle.node_name, handle.output_name, descriptions.get(output_name)
            )
        )
    return mappings
