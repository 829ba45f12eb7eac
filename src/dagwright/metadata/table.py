"""Tables described as metadata: schemas, columns and their constraints, records, column lineage.

``TableSchema`` describes the columns of a table (``MetadataValue.table_schema``);
``TableRecord`` is one row of a small table shown as metadata
(``MetadataValue.table``); ``TableColumnLineage`` says which upstream columns
each column is computed from (``MetadataValue.column_lineage``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Union

import msgspec
from msgspec.structs import force_setattr

from ..errors import InvalidMetadataError
from .asset_key import AssetKey, a_kind

__all__ = [
    "TableColumnConstraints",
    "TableConstraints",
    "TableColumn",
    "TableSchema",
    "TableRecord",
    "TableColumnDep",
    "TableColumnLineage",
    "TableValue",
]

TableValue = Union[str, int, float, bool, None]  # noqa: UP007 (a runtime alias)
"""What one cell of a :class:`TableRecord` may hold."""


class TableColumnConstraints(msgspec.Struct, frozen=True, gc=False):
    """Constraints on one column: ``nullable``, ``unique``, and others described in words."""

    nullable: bool = True
    unique: bool = False
    other: list[str] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        _as_str_list(self, "other", "TableColumnConstraints")


class TableConstraints(msgspec.Struct, frozen=True, gc=False):
    """Constraints on a whole table, described in words (``"id is unique per day"``)."""

    other: list[str] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        _as_str_list(self, "other", "TableConstraints")


class TableColumn(msgspec.Struct, frozen=True, gc=False):
    """A column of a table: its name, type (a free-form string, ``"string"`` by default),
    description, constraints and tags."""

    name: str
    type: str = "string"
    description: str | None = None
    constraints: TableColumnConstraints = msgspec.field(default_factory=TableColumnConstraints)
    tags: dict[str, str] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not isinstance(self.type, str):
            raise InvalidMetadataError(
                f"a column's name and type are strings, got name={self.name!r}, "
                f"type={self.type!r}.",
                where="TableColumn",
                fix='write TableColumn("id", "int").',
            )
        if self.constraints is None:  # Dagster's way of saying "the defaults"
            force_setattr(self, "constraints", TableColumnConstraints())
        if self.tags is None:
            force_setattr(self, "tags", {})


class TableSchema(msgspec.Struct, frozen=True, gc=False):
    """The columns of a table, and constraints on the table as a whole."""

    columns: list[TableColumn]
    constraints: TableConstraints = msgspec.field(default_factory=TableConstraints)

    def __post_init__(self) -> None:
        columns = self.columns
        if not isinstance(columns, Sequence) or not all(
            isinstance(c, TableColumn) for c in columns
        ):
            raise InvalidMetadataError(
                "columns must be a list of TableColumn.",
                where="TableSchema",
                fix='write TableSchema(columns=[TableColumn("id", "int"), ...]).',
            )
        if type(columns) is not list:
            force_setattr(self, "columns", list(columns))
        if self.constraints is None:
            force_setattr(self, "constraints", TableConstraints())

    @staticmethod
    def from_name_type_dict(name_type_dict: Mapping[str, str]) -> TableSchema:
        """A schema of one column per entry: ``{"id": "int", "name": "string"}``."""
        return TableSchema([TableColumn(name, type_) for name, type_ in name_type_dict.items()])


class TableRecord(msgspec.Struct, frozen=True, gc=False):
    """One row of a table shown as metadata: column name to a string, number, bool or None."""

    data: dict[str, TableValue]

    def __post_init__(self) -> None:
        data = self.data
        if not isinstance(data, Mapping):
            raise InvalidMetadataError(
                f"a record is a dict of column name to value, got {type(data).__name__}.",
                where="TableRecord",
                fix='write TableRecord({"id": 1, "name": "a"}).',
            )
        for column, value in data.items():
            if not isinstance(column, str) or not isinstance(value, str | int | float | None):
                raise InvalidMetadataError(
                    f"column {column!r} holds {a_kind(value)}; a record holds strings, "
                    "numbers, bools and None under string column names.",
                    where="TableRecord",
                    fix=f"convert it, e.g. str(value) for {column!r}.",
                )
        if type(data) is not dict:
            force_setattr(self, "data", dict(data))


class TableColumnDep(msgspec.Struct, frozen=True, gc=False):
    """A column of an upstream asset that a column is computed from."""

    asset_key: AssetKey
    column_name: str

    def __post_init__(self) -> None:
        if not isinstance(self.asset_key, AssetKey):
            force_setattr(self, "asset_key", AssetKey.from_coercible(self.asset_key))


class TableColumnLineage(msgspec.Struct, frozen=True, gc=False):
    """For each column of a table, the upstream columns it is computed from."""

    deps_by_column: dict[str, list[TableColumnDep]]

    def __post_init__(self) -> None:
        deps = self.deps_by_column
        if not isinstance(deps, Mapping) or not all(
            isinstance(d, TableColumnDep) for ds in deps.values() for d in ds
        ):
            raise InvalidMetadataError(
                "deps_by_column must map column names to lists of TableColumnDep.",
                where="TableColumnLineage",
                fix='write TableColumnLineage({"total": [TableColumnDep(key, "price")]}).',
            )
        force_setattr(self, "deps_by_column", {k: list(v) for k, v in deps.items()})


def _as_str_list(struct: msgspec.Struct, field: str, where: str) -> None:
    value = getattr(struct, field)
    if value is None:
        force_setattr(struct, field, [])
        return
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise InvalidMetadataError(
            f"{field} must be a list of strings, got {value!r}.",
            where=where,
            fix=f'write {where}({field}=["..."]).',
        )
    if type(value) is not list:
        force_setattr(struct, field, list(value))
