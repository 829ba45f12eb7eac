"""MetadataValue: typed metadata values, their constructors, plain values and JSON form."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

import msgspec
import pytest

from dagwright import (
    AssetKey,
    AssetMetadataValue,
    BoolMetadataValue,
    FloatMetadataValue,
    IntMetadataValue,
    InvalidMetadataError,
    JobMetadataValue,
    JsonMetadataValue,
    MarkdownMetadataValue,
    MetadataValue,
    NotebookMetadataValue,
    NullMetadataValue,
    PathMetadataValue,
    PythonArtifactMetadataValue,
    RunMetadataValue,
    TableColumn,
    TableColumnConstraints,
    TableColumnDep,
    TableColumnLineage,
    TableColumnLineageMetadataValue,
    TableConstraints,
    TableMetadataValue,
    TableRecord,
    TableSchema,
    TableSchemaMetadataValue,
    TextMetadataValue,
    TimestampMetadataValue,
    UrlMetadataValue,
)
from dagwright.metadata import MetadataValueUnion

SCHEMA = TableSchema(
    columns=[
        TableColumn("id", "int", constraints=TableColumnConstraints(nullable=False, unique=True)),
        TableColumn("name", description="who"),
    ],
    constraints=TableConstraints(other=["one row per customer"]),
)


# --------------------------------------------------------------------------
# Constructors give the value classes, and .value the plain value


@pytest.mark.parametrize(
    ("value", "cls", "plain"),
    [
        (MetadataValue.text("hello"), TextMetadataValue, "hello"),
        (MetadataValue.url("https://x.io"), UrlMetadataValue, "https://x.io"),
        (MetadataValue.path("/data/a.csv"), PathMetadataValue, "/data/a.csv"),
        (MetadataValue.notebook("nb.ipynb"), NotebookMetadataValue, "nb.ipynb"),
        (MetadataValue.json({"a": [1, 2]}), JsonMetadataValue, {"a": [1, 2]}),
        (MetadataValue.md("# Title"), MarkdownMetadataValue, "# Title"),
        (MetadataValue.int(3), IntMetadataValue, 3),
        (MetadataValue.float(2.5), FloatMetadataValue, 2.5),
        (MetadataValue.bool(True), BoolMetadataValue, True),
        (MetadataValue.timestamp(1700000000.0), TimestampMetadataValue, 1700000000.0),
        (MetadataValue.null(), NullMetadataValue, None),
        (MetadataValue.run("abc123"), RunMetadataValue, "abc123"),
        (MetadataValue.asset(AssetKey("orders")), AssetMetadataValue, AssetKey("orders")),
        (MetadataValue.table_schema(SCHEMA), TableSchemaMetadataValue, SCHEMA),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, MetadataValue) else None,
)
def test_each_constructor_builds_its_value_class_whose_value_is_the_plain_value(
    value: MetadataValue, cls: type, plain: object
) -> None:
    assert type(value) is cls
    assert isinstance(value, MetadataValue)
    assert value.value == plain


def test_dagster_run_is_another_name_for_run() -> None:
    assert MetadataValue.dagster_run("abc") == MetadataValue.run("abc")


def test_path_accepts_a_path_object_and_keeps_its_string() -> None:
    assert MetadataValue.path(Path("/data/a.csv")).path == "/data/a.csv"


def test_float_accepts_an_int_and_stores_a_float() -> None:
    value = MetadataValue.float(2)

    assert value.value == 2.0
    assert type(value.value) is float


def test_timestamp_accepts_an_aware_datetime_as_seconds_since_the_epoch() -> None:
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))

    assert MetadataValue.timestamp(moment).value == moment.timestamp()


def test_timestamp_rejects_a_naive_datetime() -> None:
    with pytest.raises(InvalidMetadataError, match="no time zone"):
        MetadataValue.timestamp(datetime(2024, 1, 2))


def test_job_value_names_the_job_and_is_its_own_value() -> None:
    value = MetadataValue.job("nightly", "prod", repository_name="repo")

    assert isinstance(value, JobMetadataValue)
    assert (value.job_name, value.location_name, value.repository_name) == (
        "nightly",
        "prod",
        "repo",
    )
    assert value.value is value


def test_python_artifact_names_the_module_and_name_of_a_function() -> None:
    value = MetadataValue.python_artifact(test_dagster_run_is_another_name_for_run)

    assert isinstance(value, PythonArtifactMetadataValue)
    assert value.module == __name__
    assert value.name == "test_dagster_run_is_another_name_for_run"


def test_table_reads_the_schema_off_the_first_record_when_none_is_given() -> None:
    value = MetadataValue.table([TableRecord({"id": 1, "name": "a", "ok": True, "score": 0.5})])

    assert isinstance(value, TableMetadataValue)
    assert [(c.name, c.type) for c in value.schema.columns] == [
        ("id", "int"),
        ("name", "string"),
        ("ok", "bool"),
        ("score", "float"),
    ]
    assert value.value is value


def test_table_keeps_a_given_schema_and_the_records() -> None:
    records = [TableRecord({"id": 1, "name": "a"}), TableRecord({"id": 2, "name": None})]

    value = MetadataValue.table(records, schema=SCHEMA)

    assert value.schema == SCHEMA
    assert [r.data["id"] for r in value.records] == [1, 2]


def test_table_schema_from_name_type_dict_has_one_column_per_entry() -> None:
    schema = TableSchema.from_name_type_dict({"id": "int", "name": "string"})

    assert schema.columns == [TableColumn("id", "int"), TableColumn("name", "string")]


def test_column_lineage_value_holds_the_lineage() -> None:
    lineage = TableColumnLineage({"total": [TableColumnDep(AssetKey("orders"), "price")]})

    value = MetadataValue.column_lineage(lineage)

    assert isinstance(value, TableColumnLineageMetadataValue)
    assert value.value.deps_by_column["total"][0].column_name == "price"


def test_json_data_tuples_become_lists() -> None:
    assert MetadataValue.json({"pair": (1, 2)}).data == {"pair": [1, 2]}


# --------------------------------------------------------------------------
# Bad values are rejected where they are built


def test_json_data_holding_an_object_json_has_no_form_for_is_rejected() -> None:
    with pytest.raises(InvalidMetadataError, match="holds a set"):
        MetadataValue.json({"a": {1, 2}})


def test_json_data_with_a_non_string_key_is_rejected() -> None:
    with pytest.raises(InvalidMetadataError, match="key 1, an int"):
        MetadataValue.json({1: "a"})


def test_json_data_that_contains_itself_is_rejected() -> None:
    data: list[object] = []
    data.append(data)

    with pytest.raises(InvalidMetadataError, match="nested more than"):
        MetadataValue.json(data)


def test_text_of_a_non_string_is_rejected_naming_the_field() -> None:
    with pytest.raises(InvalidMetadataError, match=r"TextMetadataValue.text must be a str"):
        MetadataValue.text(3)  # type: ignore[arg-type]


def test_int_of_a_bool_is_rejected() -> None:
    with pytest.raises(InvalidMetadataError, match="must be an int"):
        IntMetadataValue(True)


def test_a_record_holding_a_list_is_rejected_naming_the_column() -> None:
    with pytest.raises(InvalidMetadataError, match="column 'tags' holds a list"):
        TableRecord({"tags": ["a"]})  # type: ignore[dict-item]


def test_table_records_that_are_not_table_records_are_rejected() -> None:
    with pytest.raises(InvalidMetadataError, match="list of TableRecord"):
        MetadataValue.table([{"id": 1}])  # type: ignore[list-item]


# --------------------------------------------------------------------------
# JSON form

ALL_KINDS: dict[str, MetadataValueUnion] = {
    "text": MetadataValue.text("hello"),
    "url": MetadataValue.url("https://x.io"),
    "path": MetadataValue.path("/data/a.csv"),
    "notebook": MetadataValue.notebook("nb.ipynb"),
    "json": MetadataValue.json({"a": [1, {"b": None}]}),
    "md": MetadataValue.md("# Title"),
    "artifact": MetadataValue.python_artifact(TableSchema),
    "float": MetadataValue.float(2.5),
    "int": MetadataValue.int(2**70),
    "bool": MetadataValue.bool(False),
    "timestamp": MetadataValue.timestamp(1700000000.5),
    "null": MetadataValue.null(),
    "run": MetadataValue.run("abc"),
    "asset": MetadataValue.asset(AssetKey(["db", "orders"])),
    "job": MetadataValue.job("nightly"),
    "table": MetadataValue.table([TableRecord({"id": 1})]),
    "schema": MetadataValue.table_schema(SCHEMA),
    "lineage": MetadataValue.column_lineage(
        TableColumnLineage({"total": [TableColumnDep(AssetKey("orders"), "price")]})
    ),
}


def test_every_kind_of_value_round_trips_through_json() -> None:
    data = msgspec.json.encode(ALL_KINDS)

    assert msgspec.json.decode(data, type=dict[str, MetadataValueUnion]) == ALL_KINDS


def test_the_json_form_is_tagged_with_a_short_stable_name() -> None:
    assert msgspec.json.encode(MetadataValue.int(3)) == b'{"type":"int","value":3}'
    assert msgspec.json.encode(MetadataValue.text("a")) == b'{"type":"text","text":"a"}'


def test_a_float_that_is_not_finite_is_written_as_null_and_read_back_as_nan() -> None:
    data = msgspec.json.encode(MetadataValue.float(math.inf))

    back = msgspec.json.decode(data, type=MetadataValueUnion)

    assert data == b'{"type":"float","value":null}'
    assert isinstance(back, FloatMetadataValue)
    assert math.isnan(back.value)


def test_values_are_immutable() -> None:
    value = MetadataValue.int(3)

    with pytest.raises(AttributeError):
        value.value = 4  # type: ignore[misc]
