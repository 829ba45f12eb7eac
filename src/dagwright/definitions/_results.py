"""What an op's compute function returned or yielded, turned into outputs, and checked.

Shared by the step runner and by direct op calls in tests, so both accept
exactly the same shapes: a plain value, a tuple for several outputs, an
``Output``, a list of ``DynamicOutput`` for a dynamic output, or a generator
yielding ``Output``/``DynamicOutput`` and reports (``AssetMaterialization``,
``AssetObservation``, ``ExpectationResult``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import InvalidOutputError
from ..metadata import REPORT_TYPES, Report
from .events import OUTPUT_TYPES, DynamicOutput, Output
from .types import type_name_of

if TYPE_CHECKING:
    from .op import OpDefinition

__all__ = ["outputs_from_return", "outputs_from_yield", "OutputTracker"]


def outputs_from_return(op_def: OpDefinition, value: Any) -> list[Any]:
    """The outputs meant by a compute function's return value."""
    defs = op_def.output_defs
    if len(defs) == 1:
        only = defs[0]
        if only.is_dynamic:
            return _dynamic_list(op_def, only.name, value)
        if isinstance(value, OUTPUT_TYPES):
            return [value]
        return [Output(value, only.name)]
    if not defs:
        if value is not None and not (isinstance(value, tuple) and not value):
            raise InvalidOutputError(
                op=op_def.name,
                problem=f"it declares no outputs but returned a value of type "
                f"{type_name_of(value)}.",
                fix="declare out=Out(...) for the value, or return None.",
            )
        return []
    if value is None and not any(d.is_required and not d.is_nothing for d in defs):
        return []  # Nothing outputs are produced implicitly
    if isinstance(value, OUTPUT_TYPES):
        return [value]
    if not isinstance(value, tuple) or len(value) != len(defs):
        names = ", ".join(d.name for d in defs)
        got = f"a tuple of {len(value)}" if isinstance(value, tuple) else type_name_of(value)
        raise InvalidOutputError(
            op=op_def.name,
            problem=f"it declares {len(defs)} outputs ({names}) but returned {got}.",
            fix=f"return a tuple of {len(defs)} values in that order, or yield "
            "Output(value, output_name) for each.",
        )
    outputs: list[Any] = []
    for out_def, item in zip(defs, value, strict=True):
        if out_def.is_dynamic:
            outputs.extend(_dynamic_list(op_def, out_def.name, item))
        elif isinstance(item, OUTPUT_TYPES):
            outputs.append(item)
        else:
            outputs.append(Output(item, out_def.name))
    return outputs


def _dynamic_list(op_def: OpDefinition, name: str, value: Any) -> list[Any]:
    if value is None:
        return []
    items = list(value) if isinstance(value, list | tuple) else None
    if items is None or not all(isinstance(i, DynamicOutput) for i in items):
        raise InvalidOutputError(
            op=op_def.name,
            problem=f"output '{name}' is dynamic, but the function returned "
            f"{type_name_of(value)} for it.",
            fix="yield DynamicOutput(value, mapping_key=...) for each item, or return a list "
            "of DynamicOutput.",
        )
    return items


def outputs_from_yield(
    op_def: OpDefinition,
    items: Iterator[Any],
    on_report: Callable[[Report], None] | None = None,
) -> Iterator[Any]:
    """The items a generator compute function yields, each checked to be something it may yield.

    Reports are handed to ``on_report`` as they come; without it they are yielded too.
    """
    for item in items:
        if isinstance(item, OUTPUT_TYPES):
            yield item
        elif isinstance(item, REPORT_TYPES):
            if on_report is None:
                yield item
            else:
                on_report(item)
        else:
            raise InvalidOutputError(
                op=op_def.name,
                problem=f"it yielded a value of type {type_name_of(item)}; a generator op "
                "yields Output(...) or DynamicOutput(...) objects, and may yield "
                "AssetMaterialization, AssetObservation or ExpectationResult reports.",
                fix=f"yield Output({_short(item)}) instead.",
            )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 40 else "value"


class OutputTracker:
    """Checks the outputs one step produces against what its op declares, as they arrive."""

    __slots__ = ("mapping_keys", "op_def", "seen")

    def __init__(self, op_def: OpDefinition) -> None:
        self.op_def = op_def
        self.seen: set[str] = set()
        self.mapping_keys: dict[str, set[str]] = {}

    def check(self, output: Output[Any] | DynamicOutput[Any]) -> None:
        """Raise if ``output`` is not declared, repeats one, or mixes dynamic and static."""
        op_def = self.op_def
        name = output.output_name
        out_def = op_def.output_dict.get(name)
        if out_def is None:
            declared = ", ".join(f"'{d.name}'" for d in op_def.output_defs) or "none"
            raise InvalidOutputError(
                op=op_def.name,
                problem=f"it produced an output named '{name}', which it does not declare "
                f"(declared: {declared}).",
                fix="use one of the declared output names, or declare the output with out={...}.",
            )
        is_dynamic_value = isinstance(output, DynamicOutput)
        if out_def.is_dynamic and not is_dynamic_value:
            raise InvalidOutputError(
                op=op_def.name,
                problem=f"output '{name}' is a DynamicOut, but an Output was produced for it.",
                fix="yield DynamicOutput(value, mapping_key=...) instead.",
            )
        if is_dynamic_value and not out_def.is_dynamic:
            raise InvalidOutputError(
                op=op_def.name,
                problem=f"a DynamicOutput was produced for output '{name}', which is not dynamic.",
                fix=f"declare out={{'{name}': DynamicOut()}}, or yield Output(...).",
            )
        if is_dynamic_value:
            keys = self.mapping_keys.setdefault(name, set())
            key = str(output.mapping_key)
            if key in keys:
                raise InvalidOutputError(
                    op=op_def.name,
                    problem=f"mapping key '{key}' was produced twice for dynamic output '{name}'.",
                    fix="give every DynamicOutput of one output a unique mapping_key.",
                )
            keys.add(key)
            self.seen.add(name)
            return
        if name in self.seen:
            raise InvalidOutputError(
                op=op_def.name,
                problem=f"output '{name}' was produced more than once.",
                fix="produce each output once per run of the op.",
            )
        self.seen.add(name)

    def has_produced(self, output_name: str, mapping_key: str | None) -> bool:
        """Whether output ``output_name`` (its value ``mapping_key``, if dynamic) was produced."""
        if mapping_key is None:
            return output_name in self.seen
        return mapping_key in self.mapping_keys.get(output_name, ())

    def missing_required(self) -> list[str]:
        """Required, non-dynamic, non-Nothing outputs that were not produced."""
        return [
            d.name
            for d in self.op_def.output_defs
            if d.is_required and not d.is_dynamic and not d.is_nothing and d.name not in self.seen
        ]

    def unproduced_nothing(self) -> list[str]:
        """Required Nothing outputs that were not produced (they are produced implicitly)."""
        return [
            d.name
            for d in self.op_def.output_defs
            if d.is_nothing and d.is_required and d.name not in self.seen
        ]

    def raise_if_missing(self) -> None:
        missing = self.missing_required()
        if missing:
            names = ", ".join(f"'{m}'" for m in missing)
            raise InvalidOutputError(
                op=self.op_def.name,
                problem=f"it did not produce its required output{'s' if len(missing) > 1 else ''} "
                f"{names}.",
                fix="return or yield a value for every required output, or declare it "
                "Out(is_required=False).",
            )
