"""``context.add_output_metadata``: which output it means, and whether it may still describe it.

Shared by the context of a run's step and the context of a direct op call.
Metadata added for an output waits in ``pending`` (by output name and
mapping key) until the output is produced; a run then puts it on the
output's STEP_OUTPUT event, over any metadata the ``Output`` itself carries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import OutputMetadataError, did_you_mean
from ..metadata import MetadataValueUnion, RawMetadataMapping, normalize_metadata

if TYPE_CHECKING:
    from .op import OpDefinition

__all__ = ["PendingMetadata", "add_output_metadata"]

PendingMetadata = dict[tuple[str, str | None], dict[str, MetadataValueUnion]]
"""Metadata added for outputs not produced yet, by (output name, mapping key)."""


def add_output_metadata(
    op_def: OpDefinition,
    node: str,
    pending: PendingMetadata,
    produced: Callable[[str, str | None], bool],
    metadata: RawMetadataMapping,
    output_name: str | None,
    mapping_key: str | None,
) -> None:
    """Check that ``metadata`` may be added for the output named, and put it in ``pending``.

    ``node`` names the op in errors; ``produced(name, mapping_key)`` says
    whether that output was already produced.
    """
    defs = op_def.output_defs
    names = ", ".join(f"'{d.name}'" for d in defs) or "none"
    if output_name is None:
        if len(defs) != 1:
            raise OutputMetadataError(
                op=node,
                problem=f"add_output_metadata was called without output_name, but the op has "
                f"{len(defs)} outputs ({names}).",
                fix="name the output: context.add_output_metadata({...}, output_name=...).",
            )
        out_def = defs[0]
    else:
        found = op_def.output_dict.get(output_name)
        if found is None:
            raise OutputMetadataError(
                op=node,
                output_name=output_name,
                mapping_key=mapping_key,
                problem=f"add_output_metadata names output '{output_name}', which the op does "
                f"not have (outputs: {names}).{did_you_mean(output_name, op_def.output_dict)}",
                fix="pass the name of one of its outputs as output_name.",
            )
        out_def = found
    name = out_def.name
    if out_def.is_dynamic and mapping_key is None:
        raise OutputMetadataError(
            op=node,
            output_name=name,
            problem=f"output '{name}' is dynamic: metadata describes one of its values, but no "
            "mapping_key was given.",
            fix=f"context.add_output_metadata({{...}}, output_name='{name}', mapping_key=...) "
            "before yielding the DynamicOutput with that key.",
        )
    if mapping_key is not None and not out_def.is_dynamic:
        raise OutputMetadataError(
            op=node,
            output_name=name,
            mapping_key=mapping_key,
            problem=f"a mapping_key was given, but output '{name}' is not dynamic.",
            fix="leave mapping_key out.",
        )
    described = f"output '{name}'" + (f" (mapping key '{mapping_key}')" if mapping_key else "")
    if produced(name, mapping_key):
        raise OutputMetadataError(
            op=node,
            output_name=name,
            mapping_key=mapping_key,
            problem=f"metadata was added for {described}, which was already produced.",
            fix="add the metadata before yielding the output, or pass it in "
            "Output(value, metadata={...}).",
        )
    # Several calls merge, a later value winning for the same key (as in Dagster).
    added = normalize_metadata(metadata, where=f"op '{node}', {described}")
    pending[(name, mapping_key)] = {**pending.get((name, mapping_key), {}), **added}
