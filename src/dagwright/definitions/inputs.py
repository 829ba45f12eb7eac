"""Inputs of ops and graphs: what a user declares (``In``, ``GraphIn``) and what is resolved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidDefinitionError
from ._util import NO_VALUE, check_name, frozen_dict
from .types import Any_, DataType, resolve_type

__all__ = ["In", "GraphIn", "InputDefinition", "InputMapping"]


class In:
    """Declares an input of an op: its type, description, default value and metadata.

    Anything left unset is taken from the compute function's signature
    (annotation and default), else ``Any`` with no default.
    """

    __slots__ = ("dagster_type", "default_value", "description", "input_manager_key", "metadata")

    def __init__(
        self,
        dagster_type: Any = NO_VALUE,
        description: str | None = None,
        default_value: Any = NO_VALUE,
        metadata: Mapping[str, Any] | None = None,
        input_manager_key: str | None = None,
    ) -> None:
        self.dagster_type = dagster_type
        self.description = description
        self.default_value = default_value
        self.metadata = frozen_dict(metadata)
        self.input_manager_key = input_manager_key

    def __repr__(self) -> str:
        return f"In(dagster_type={self.dagster_type!r})"


class GraphIn:
    """Declares an input of a graph (its description); its type comes from the ops it feeds."""

    __slots__ = ("description",)

    def __init__(self, description: str | None = None) -> None:
        self.description = description


class InputDefinition:
    """A resolved input of a node: name, :class:`DataType`, default value, description."""

    __slots__ = (
        "dagster_type",
        "default_value",
        "description",
        "input_manager_key",
        "metadata",
        "name",
    )

    def __init__(
        self,
        name: str,
        dagster_type: Any = Any_,
        description: str | None = None,
        default_value: Any = NO_VALUE,
        metadata: Mapping[str, Any] | None = None,
        input_manager_key: str | None = None,
        *,
        where: str | None = None,
    ) -> None:
        self.name = check_name(name, "input", where)
        self.dagster_type: DataType = resolve_type(dagster_type, where=where)
        if (
            default_value is not NO_VALUE
            and not self.dagster_type.runs_user_code
            and not self.dagster_type.type_check(None, default_value).success
        ):
            raise InvalidDefinitionError(
                f"the default value {default_value!r} of input '{name}' is not of its type "
                f"{self.dagster_type.name}.",
                where=where,
                fix="give a default of the input's type, or change the type.",
            )
        self.description = description
        self.default_value = default_value
        self.metadata = frozen_dict(metadata)
        self.input_manager_key = input_manager_key

    @property
    def has_default_value(self) -> bool:
        return self.default_value is not NO_VALUE

    @property
    def is_nothing(self) -> bool:
        return self.dagster_type.is_nothing

    def to_in(self) -> In:
        return In(
            self.dagster_type,
            self.description,
            self.default_value,
            self.metadata,
            self.input_manager_key,
        )

    def __repr__(self) -> str:
        return f"InputDefinition({self.name!r}, {self.dagster_type.name})"


class InputMapping:
    """Maps an input of a graph onto an input of one of its nodes (explicit graph API)."""

    __slots__ = (
        "description",
        "fan_in_index",
        "graph_input_name",
        "mapped_node_input_name",
        "mapped_node_name",
    )

    def __init__(
        self,
        graph_input_name: str,
        mapped_node_name: str,
        mapped_node_input_name: str,
        fan_in_index: int | None = None,
        description: str | None = None,
    ) -> None:
        self.graph_input_name = graph_input_name
        self.mapped_node_name = mapped_node_name
        self.mapped_node_input_name = mapped_node_input_name
        self.fan_in_index = fan_in_index
        self.description = description

    def __repr__(self) -> str:
        return (
            f"InputMapping({self.graph_input_name!r} -> "
            f"{self.mapped_node_name}.{self.mapped_node_input_name})"
        )
