"""Outputs of ops and graphs: ``Out``, ``DynamicOut``, ``GraphOut`` and their resolved form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._util import NO_VALUE, check_name, frozen_dict
from .types import Any_, DataType, resolve_type

__all__ = [
    "DEFAULT_OUTPUT",
    "Out",
    "DynamicOut",
    "GraphOut",
    "OutputDefinition",
    "OutputMapping",
]

DEFAULT_OUTPUT = "result"
DEFAULT_IO_MANAGER_KEY = "io_manager"


class Out:
    """Declares an output of an op: type, description, whether it must be produced, IO manager."""

    __slots__ = (
        "code_version",
        "dagster_type",
        "description",
        "io_manager_key",
        "is_required",
        "metadata",
    )

    is_dynamic = False

    def __init__(
        self,
        dagster_type: Any = NO_VALUE,
        description: str | None = None,
        is_required: bool = True,
        io_manager_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        code_version: str | None = None,
    ) -> None:
        self.dagster_type = dagster_type
        self.description = description
        self.is_required = is_required
        self.io_manager_key = io_manager_key or DEFAULT_IO_MANAGER_KEY
        self.metadata = frozen_dict(metadata)
        self.code_version = code_version

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dagster_type={self.dagster_type!r})"


class DynamicOut(Out):
    """An output that yields any number of ``DynamicOutput`` values, each with a mapping key.

    Downstream ops run once per value with ``.map(...)``; ``.collect()``
    gathers the values (or the mapped results) into a list.
    """

    __slots__ = ()
    is_dynamic = True


class GraphOut:
    """Declares an output of a graph (its description); its type comes from the op it maps."""

    __slots__ = ("description",)

    def __init__(self, description: str | None = None) -> None:
        self.description = description


class OutputDefinition:
    """A resolved output of a node: name, :class:`DataType`, required-ness, dynamic-ness."""

    __slots__ = (
        "code_version",
        "dagster_type",
        "description",
        "io_manager_key",
        "is_dynamic",
        "is_required",
        "metadata",
        "name",
    )

    def __init__(
        self,
        name: str = DEFAULT_OUTPUT,
        dagster_type: Any = Any_,
        description: str | None = None,
        is_required: bool = True,
        is_dynamic: bool = False,
        io_manager_key: str = DEFAULT_IO_MANAGER_KEY,
        metadata: Mapping[str, Any] | None = None,
        code_version: str | None = None,
        *,
        where: str | None = None,
    ) -> None:
        self.name = check_name(name, "output", where)
        self.dagster_type: DataType = resolve_type(dagster_type, where=where)
        self.description = description
        self.is_required = is_required
        self.is_dynamic = is_dynamic
        self.io_manager_key = io_manager_key
        self.metadata = frozen_dict(metadata)
        self.code_version = code_version

    @classmethod
    def from_out(
        cls, name: str, out: Out, dagster_type: Any, where: str | None = None
    ) -> OutputDefinition:
        return cls(
            name,
            dagster_type,
            out.description,
            out.is_required,
            out.is_dynamic,
            out.io_manager_key,
            out.metadata,
            out.code_version,
            where=where,
        )

    @property
    def is_nothing(self) -> bool:
        return self.dagster_type.is_nothing

    @property
    def optional(self) -> bool:
        return not self.is_required

    def to_out(self) -> Out:
        cls = DynamicOut if self.is_dynamic else Out
        return cls(
            self.dagster_type,
            self.description,
            self.is_required,
            self.io_manager_key,
            self.metadata,
            self.code_version,
        )

    def __repr__(self) -> str:
        kind = "dynamic " if self.is_dynamic else ""
        return f"OutputDefinition({self.name!r}, {kind}{self.dagster_type.name})"


class OutputMapping:
    """Maps an output of a graph onto an output of one of its nodes (explicit graph API)."""

    __slots__ = ("description", "graph_output_name", "mapped_node_name", "mapped_node_output_name")

    def __init__(
        self,
        graph_output_name: str,
        mapped_node_name: str,
        mapped_node_output_name: str = DEFAULT_OUTPUT,
        description: str | None = None,
    ) -> None:
        self.graph_output_name = graph_output_name
        self.mapped_node_name = mapped_node_name
        self.mapped_node_output_name = mapped_node_output_name
        self.description = description

    def __repr__(self) -> str:
        return (
            f"OutputMapping({self.graph_output_name!r} <- "
            f"{self.mapped_node_name}.{self.mapped_node_output_name})"
        )
