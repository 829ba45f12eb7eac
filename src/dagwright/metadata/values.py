"""Metadata values: typed facts about data (a row count, a URL, a table schema) for the UI and logs.

``MetadataValue`` is the base class of every value class and holds their
constructors: ``MetadataValue.int(3)``, ``MetadataValue.url("https://...")``.
Each value is an immutable msgspec struct tagged in JSON by a short, stable
name (``{"type": "int", "value": 3}``); ``.value`` gives the plain value.

JSON has no NaN or infinity: a float metadata value that is not finite is
written as ``null`` and read back as NaN.
"""

from __future__ import annotations

import builtins
import math
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Union

import msgspec
from msgspec.structs import force_setattr

from ..errors import InvalidMetadataError
from .asset_key import AssetKey, a_kind
from .table import TableColumn, TableColumnLineage, TableRecord, TableSchema

__all__ = [
    "MetadataValue",
    "TextMetadataValue",
    "UrlMetadataValue",
    "PathMetadataValue",
    "NotebookMetadataValue",
    "JsonMetadataValue",
    "MarkdownMetadataValue",
    "PythonArtifactMetadataValue",
    "FloatMetadataValue",
    "IntMetadataValue",
    "BoolMetadataValue",
    "TimestampMetadataValue",
    "NullMetadataValue",
    "RunMetadataValue",
    "AssetMetadataValue",
    "JobMetadataValue",
    "TableMetadataValue",
    "TableSchemaMetadataValue",
    "TableColumnLineageMetadataValue",
    "MetadataValueUnion",
    "json_form",
]


class MetadataValue(msgspec.Struct, frozen=True, gc=False, tag_field="type"):
    """Base class of metadata values; its static methods build them.

    Plain Python values given as metadata are converted automatically (see
    ``normalize_metadata``); use these constructors for the kinds a plain
    value cannot say (a URL, a path, Markdown, a table).
    """

    @property
    def value(self) -> Any:
        """The plain value this metadata value wraps (each kind defines it)."""
        raise TypeError(
            "MetadataValue is the base class of metadata values and wraps nothing; build one "
            "with its constructors, e.g. MetadataValue.text(...) or MetadataValue.int(...)."
        )

    @staticmethod
    def text(text: str) -> TextMetadataValue:
        """Plain text."""
        return TextMetadataValue(text)

    @staticmethod
    def url(url: str) -> UrlMetadataValue:
        """A URL, shown as a link."""
        return UrlMetadataValue(url)

    @staticmethod
    def path(path: str | os.PathLike[str]) -> PathMetadataValue:
        """A path in a file system."""
        return PathMetadataValue(os.fspath(path))

    @staticmethod
    def notebook(path: str | os.PathLike[str]) -> NotebookMetadataValue:
        """The path of a Jupyter notebook."""
        return NotebookMetadataValue(os.fspath(path))

    @staticmethod
    def json(data: Sequence[Any] | Mapping[str, Any]) -> JsonMetadataValue:
        """JSON-like data: dicts with string keys, lists, strings, numbers, bools and None."""
        return JsonMetadataValue(data)

    @staticmethod
    def md(md_str: str) -> MarkdownMetadataValue:
        """Markdown text."""
        return MarkdownMetadataValue(md_str)

    @staticmethod
    def python_artifact(python_artifact: Callable[..., Any] | type) -> PythonArtifactMetadataValue:
        """A Python class or function, by its module and name."""
        return PythonArtifactMetadataValue(python_artifact.__module__, python_artifact.__name__)

    @staticmethod
    def float(value: builtins.float) -> FloatMetadataValue:
        """A float (an int is accepted and stored as a float)."""
        return FloatMetadataValue(value)

    @staticmethod
    def int(value: builtins.int) -> IntMetadataValue:
        """An integer."""
        return IntMetadataValue(value)

    @staticmethod
    def bool(value: builtins.bool) -> BoolMetadataValue:
        """A boolean."""
        return BoolMetadataValue(value)

    @staticmethod
    def timestamp(value: builtins.float | datetime) -> TimestampMetadataValue:
        """A point in time: seconds since the Unix epoch, or a datetime with a time zone."""
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise InvalidMetadataError(
                    f"the datetime {value.isoformat()} has no time zone, so it names no "
                    "single point in time.",
                    where="MetadataValue.timestamp",
                    fix="give it one, e.g. value.replace(tzinfo=timezone.utc).",
                )
            return TimestampMetadataValue(value.timestamp())
        return TimestampMetadataValue(value)

    @staticmethod
    def null() -> NullMetadataValue:
        """No value."""
        return NullMetadataValue()

    @staticmethod
    def run(run_id: str) -> RunMetadataValue:
        """A run of this instance, by its id."""
        return RunMetadataValue(run_id)

    @staticmethod
    def dagster_run(run_id: str) -> RunMetadataValue:
        """Dagster's name for :meth:`run`."""
        return RunMetadataValue(run_id)

    @staticmethod
    def asset(asset_key: AssetKey) -> AssetMetadataValue:
        """An asset, by its key."""
        return AssetMetadataValue(asset_key)

    @staticmethod
    def job(
        job_name: str, location_name: str | None = None, *, repository_name: str | None = None
    ) -> JobMetadataValue:
        """A job, by its name (and, when there are several, its code location and repository)."""
        return JobMetadataValue(job_name, location_name, repository_name)

    @staticmethod
    def table(
        records: Sequence[TableRecord], schema: TableSchema | None = None
    ) -> TableMetadataValue:
        """A small table of records; without ``schema``, columns are read off the first record."""
        rows = _checked_records(records)
        return TableMetadataValue(rows, schema if schema is not None else _schema_of(rows))

    @staticmethod
    def table_schema(schema: TableSchema) -> TableSchemaMetadataValue:
        """The schema of a table (its columns and constraints)."""
        return TableSchemaMetadataValue(schema)

    @staticmethod
    def column_lineage(lineage: TableColumnLineage) -> TableColumnLineageMetadataValue:
        """Which upstream columns each column of a table is computed from."""
        return TableColumnLineageMetadataValue(lineage)


# --------------------------------------------------------------------------
# The value classes. Fields keep Dagster's names; four of them share a name
# with a constructor of the base class, which the field hides on purpose.


class TextMetadataValue(MetadataValue, frozen=True, tag="text"):
    """Plain text."""

    text: str  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _require(self, isinstance(self.text, str), "text", "a str")

    @property
    def value(self) -> str:
        return self.text


class UrlMetadataValue(MetadataValue, frozen=True, tag="url"):
    """A URL, shown as a link."""

    url: str  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _require(self, isinstance(self.url, str), "url", "a str")

    @property
    def value(self) -> str:
        return self.url


class PathMetadataValue(MetadataValue, frozen=True, tag="path"):
    """A path in a file system."""

    path: str  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _fspath(self)

    @property
    def value(self) -> str:
        return self.path


class NotebookMetadataValue(MetadataValue, frozen=True, tag="notebook"):
    """The path of a Jupyter notebook."""

    path: str  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _fspath(self)

    @property
    def value(self) -> str:
        return self.path


class JsonMetadataValue(MetadataValue, frozen=True, tag="json"):
    """JSON-like data; tuples become lists, so that it reads back as it was written."""

    data: Any

    def __post_init__(self) -> None:
        if not isinstance(self.data, list | tuple | Mapping):
            raise InvalidMetadataError(
                f"JSON metadata is a dict or a list, got {type(self.data).__name__}.",
                where="MetadataValue.json",
                value_type=type(self.data).__name__,
                fix="pass a dict or a list, or use the constructor for the value's kind.",
            )
        force_setattr(self, "data", json_form(self.data))

    @property
    def value(self) -> Any:
        return self.data


class MarkdownMetadataValue(MetadataValue, frozen=True, tag="md"):
    """Markdown text."""

    md_str: str

    def __post_init__(self) -> None:
        _require(self, isinstance(self.md_str, str), "md_str", "a str")

    @property
    def value(self) -> str:
        return self.md_str


class PythonArtifactMetadataValue(MetadataValue, frozen=True, tag="python_artifact"):
    """A Python class or function, by its module and name."""

    module: str
    name: str

    @property
    def value(self) -> PythonArtifactMetadataValue:
        return self


class FloatMetadataValue(MetadataValue, frozen=True, tag="float"):
    """A float. NaN and infinities are written as JSON ``null`` and read back as NaN."""

    if TYPE_CHECKING:
        value: float
    else:
        value: float | None

    def __post_init__(self) -> None:
        value = self.value
        if value is None:  # read back from JSON, where it was not finite
            force_setattr(self, "value", math.nan)
        elif type(value) is not float:
            _require(
                self,
                isinstance(value, int | float) and not isinstance(value, bool),
                "value",
                "a float",
            )
            force_setattr(self, "value", float(value))


class IntMetadataValue(MetadataValue, frozen=True, tag="int"):
    """An integer."""

    value: int

    def __post_init__(self) -> None:
        value = self.value
        _require(self, isinstance(value, int) and not isinstance(value, bool), "value", "an int")


class BoolMetadataValue(MetadataValue, frozen=True, tag="bool"):
    """A boolean."""

    value: bool

    def __post_init__(self) -> None:
        _require(self, isinstance(self.value, bool), "value", "a bool")


class TimestampMetadataValue(MetadataValue, frozen=True, tag="timestamp"):
    """A point in time, as seconds since the Unix epoch."""

    value: float

    def __post_init__(self) -> None:
        value = self.value
        if type(value) is not float:
            _require(
                self,
                isinstance(value, int | float) and not isinstance(value, bool),
                "value",
                "seconds since the epoch (a float)",
            )
            force_setattr(self, "value", float(value))


class NullMetadataValue(MetadataValue, frozen=True, tag="null"):
    """No value."""

    @property
    def value(self) -> None:
        return None


class RunMetadataValue(MetadataValue, frozen=True, tag="run"):
    """A run, by its id (Dagster's ``DagsterRunMetadataValue``)."""

    run_id: str

    def __post_init__(self) -> None:
        _require(self, isinstance(self.run_id, str), "run_id", "a str")

    @property
    def value(self) -> str:
        return self.run_id


class AssetMetadataValue(MetadataValue, frozen=True, tag="asset"):
    """An asset, by its key (Dagster's ``DagsterAssetMetadataValue``)."""

    asset_key: AssetKey

    def __post_init__(self) -> None:
        if not isinstance(self.asset_key, AssetKey):
            force_setattr(self, "asset_key", AssetKey.from_coercible(self.asset_key))

    @property
    def value(self) -> AssetKey:
        return self.asset_key


class JobMetadataValue(MetadataValue, frozen=True, tag="job"):
    """A job, by its name (Dagster's ``DagsterJobMetadataValue``)."""

    job_name: str
    location_name: str | None = None
    repository_name: str | None = None

    def __post_init__(self) -> None:
        _require(self, isinstance(self.job_name, str), "job_name", "a str")

    @property
    def value(self) -> JobMetadataValue:
        return self


class TableMetadataValue(MetadataValue, frozen=True, tag="table"):
    """A small table: records and the schema of their columns."""

    records: list[TableRecord]
    schema: TableSchema

    def __post_init__(self) -> None:
        records = _checked_records(self.records)
        if records is not self.records:
            force_setattr(self, "records", records)
        if self.schema is None:
            force_setattr(self, "schema", _schema_of(records))

    @property
    def value(self) -> TableMetadataValue:
        return self


class TableSchemaMetadataValue(MetadataValue, frozen=True, tag="table_schema"):
    """The schema of a table."""

    schema: TableSchema

    def __post_init__(self) -> None:
        _require(self, isinstance(self.schema, TableSchema), "schema", "a TableSchema")

    @property
    def value(self) -> TableSchema:
        return self.schema


class TableColumnLineageMetadataValue(MetadataValue, frozen=True, tag="column_lineage"):
    """Which upstream columns each column of a table is computed from."""

    column_lineage: TableColumnLineage  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _require(
            self,
            isinstance(self.column_lineage, TableColumnLineage),
            "column_lineage",
            "a TableColumnLineage",
        )

    @property
    def value(self) -> TableColumnLineage:
        return self.column_lineage


MetadataValueUnion = Union[  # noqa: UP007 (a runtime alias msgspec decodes by tag)
    TextMetadataValue,
    UrlMetadataValue,
    PathMetadataValue,
    NotebookMetadataValue,
    JsonMetadataValue,
    MarkdownMetadataValue,
    PythonArtifactMetadataValue,
    FloatMetadataValue,
    IntMetadataValue,
    BoolMetadataValue,
    TimestampMetadataValue,
    NullMetadataValue,
    RunMetadataValue,
    AssetMetadataValue,
    JobMetadataValue,
    TableMetadataValue,
    TableSchemaMetadataValue,
    TableColumnLineageMetadataValue,
]
"""Any metadata value: the type of a metadata dict's values in records."""


# --------------------------------------------------------------------------


_MAX_DEPTH = 100


def json_form(data: Any, _depth: builtins.int = 0) -> Any:
    """``data`` as plain JSON values (tuples as lists); raise if part of it has no JSON form."""
    kind = type(data)
    if kind is str or kind is builtins.int or kind is builtins.float or kind is builtins.bool:
        return data
    if data is None:
        return None
    if _depth > _MAX_DEPTH:
        raise InvalidMetadataError(
            f"the data is nested more than {_MAX_DEPTH} levels deep (or contains itself).",
            where="MetadataValue.json",
            fix="flatten it, or describe it with MetadataValue.text(...).",
        )
    if isinstance(data, Mapping):
        form = {}
        for key, item in data.items():
            if not isinstance(key, str):
                raise InvalidMetadataError(
                    f"the data has the key {key!r}, {a_kind(key)}; JSON object keys are strings.",
                    where="MetadataValue.json",
                    value_type=type(key).__name__,
                    fix=f"use str keys, e.g. {str(key)!r}.",
                )
            form[key] = json_form(item, _depth + 1)
        return form
    if isinstance(data, list | tuple):
        return [json_form(item, _depth + 1) for item in data]
    if isinstance(data, str | builtins.int | builtins.float):  # subclasses, e.g. an IntEnum
        return data
    raise InvalidMetadataError(
        f"the data holds {a_kind(data)} ({_short(data)}), which JSON has no form for.",
        where="MetadataValue.json",
        value_type=kind.__name__,
        fix="convert it to a string, number, bool, None, list or dict first.",
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _require(value: MetadataValue, ok: builtins.bool, field: str, expected: str) -> None:
    if not ok:
        got = getattr(value, field)
        name = type(value).__name__
        raise InvalidMetadataError(
            f"{name}.{field} must be {expected}, got {a_kind(got)} ({_short(got)}).",
            where=name,
            value_type=type(got).__name__,
            fix=f"pass {expected}, or the constructor for the value's kind.",
        )


def _fspath(value: PathMetadataValue | NotebookMetadataValue) -> None:
    path: object = value.path
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
        force_setattr(value, "path", path)
    _require(value, isinstance(path, str), "path", "a str or a path-like object")


def _checked_records(records: object) -> list[TableRecord]:
    if not isinstance(records, list | tuple) or not all(
        isinstance(r, TableRecord) for r in records
    ):
        raise InvalidMetadataError(
            "records must be a list of TableRecord.",
            where="MetadataValue.table",
            fix='write MetadataValue.table([TableRecord({"id": 1}), ...]).',
        )
    return records if type(records) is list else list(records)


def _schema_of(records: list[TableRecord]) -> TableSchema:
    if not records:
        return TableSchema([])
    return TableSchema([TableColumn(name, _column_type(v)) for name, v in records[0].data.items()])


def _column_type(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "string"
