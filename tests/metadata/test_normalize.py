"""Plain Python values given as metadata become metadata values; others are clear errors."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dagwright import (
    AssetKey,
    AssetMetadataValue,
    InvalidMetadataError,
    MetadataValue,
    TableSchema,
    TableSchemaMetadataValue,
)
from dagwright.metadata import normalize_metadata


class Color(enum.StrEnum):
    RED = "red"


class Size(enum.IntEnum):
    BIG = 3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hello", MetadataValue.text("hello")),
        (3, MetadataValue.int(3)),
        (2.5, MetadataValue.float(2.5)),
        (True, MetadataValue.bool(True)),
        ({"a": 1}, MetadataValue.json({"a": 1})),
        ([1, 2], MetadataValue.json([1, 2])),
        (Path("/data/a.csv"), MetadataValue.path("/data/a.csv")),
        (AssetKey("orders"), MetadataValue.asset(AssetKey("orders"))),
        (None, MetadataValue.null()),
        (Color.RED, MetadataValue.text("red")),
        (Size.BIG, MetadataValue.int(3)),
        (
            datetime(2024, 1, 1, tzinfo=UTC),
            MetadataValue.timestamp(datetime(2024, 1, 1, tzinfo=UTC)),
        ),
    ],
    ids=repr,
)
def test_a_plain_value_becomes_the_metadata_value_of_its_kind(
    raw: object, expected: MetadataValue
) -> None:
    assert normalize_metadata({"key": raw}) == {"key": expected}


def test_a_bool_is_a_bool_not_an_int() -> None:
    assert type(normalize_metadata({"ok": False})["ok"]) is type(MetadataValue.bool(False))


def test_a_table_schema_becomes_a_table_schema_value() -> None:
    schema = TableSchema.from_name_type_dict({"id": "int"})

    value = normalize_metadata({"schema": schema})["schema"]

    assert isinstance(value, TableSchemaMetadataValue)
    assert value.schema == schema


def test_a_metadata_value_is_kept_as_it_is() -> None:
    url = MetadataValue.url("https://x.io")

    assert normalize_metadata({"link": url})["link"] is url


def test_no_metadata_is_an_empty_dict() -> None:
    assert normalize_metadata(None) == {}


def test_an_object_with_no_metadata_form_is_an_error_naming_the_key_the_type_and_the_fix() -> None:
    class Frame:
        pass

    with pytest.raises(InvalidMetadataError) as caught:
        normalize_metadata({"preview": Frame()}, where="output 'result'")

    error = caught.value
    assert (error.key, error.value_type, error.where) == ("preview", "Frame", "output 'result'")
    message = str(error)
    assert message.startswith("output 'result', metadata 'preview': a Frame has no metadata form")
    assert "MetadataValue.text(str(value))" in message


def test_a_problem_inside_json_data_names_the_key() -> None:
    with pytest.raises(InvalidMetadataError, match=r"metadata 'stats': the data holds a set"):
        normalize_metadata({"stats": {"seen": {1, 2}}})


def test_a_key_that_is_not_a_string_is_an_error() -> None:
    with pytest.raises(
        InvalidMetadataError, match="the key 1 is an int; metadata keys are strings"
    ):
        normalize_metadata({1: "a"})  # type: ignore[dict-item]


def test_metadata_that_is_not_a_dict_is_an_error() -> None:
    with pytest.raises(InvalidMetadataError, match="must be a dict"):
        normalize_metadata(["rows", 3])  # type: ignore[arg-type]


def test_an_asset_key_value_keeps_the_key() -> None:
    value = normalize_metadata({"upstream": AssetKey(["db", "orders"])})["upstream"]

    assert isinstance(value, AssetMetadataValue)
    assert value.value == AssetKey(["db", "orders"])
