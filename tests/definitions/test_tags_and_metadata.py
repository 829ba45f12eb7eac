"""Tags and metadata on jobs and ops: the tag rules (docs/jobs.md, "Tags"), the JSON
encoding of non-string values, the reserved dagwright/ prefix, and metadata kept as given
and copied onto run records."""

from __future__ import annotations

from typing import Any

import pytest

from dagwright import (
    InvalidDefinitionError,
    InvalidInvocationError,
    InvalidMetadataError,
    MetadataValue,
    NodeInvocation,
    graph,
    job,
    op,
)
from dagwright.errors import InvalidTagError


@op
def return_one() -> int:
    return 1


def _job_with_tags(tags: Any) -> Any:
    @job(tags=tags)
    def tagged():
        return_one()

    return tagged


def _op_with_tags(tags: Any) -> Any:
    def labelled():
        return 1

    return op(tags=tags)(labelled)


# --------------------------------------------------------------------------
# Keys


@pytest.mark.parametrize(
    "key",
    ["team", "Team-1", "a.b_c-d", "acme.io/owner", "x" * 63, f"{'p' * 63}/{'n' * 63}"],
)
def test_keys_of_a_name_and_an_optional_prefix_are_accepted(key: str) -> None:
    assert _job_with_tags({key: "v"}).tags == {key: "v"}


@pytest.mark.parametrize(
    "key",
    ["", "has space", "colon:key", "a/b/c", "/name", "prefix/", "x" * 64, f"{'p' * 64}/name"],
)
def test_a_malformed_key_is_rejected(key: str) -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags({key: "v"})

    assert caught.value.reason == "key_format"
    assert caught.value.key == key


def test_a_malformed_key_error_names_the_job_the_key_and_a_valid_spelling() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags({"cost center": "42"})

    message = str(caught.value)
    assert message.startswith("job 'tagged': tag key 'cost center' is not valid")
    assert "63" in message
    assert "Fix: use a key like 'cost_center'." in message


def test_a_tag_error_is_an_invalid_definition_error() -> None:
    with pytest.raises(InvalidDefinitionError):
        _job_with_tags({"a b": "v"})


def test_a_non_string_key_is_rejected() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags({3: "v"})

    assert caught.value.reason == "key_not_str"
    assert "tag key 3 is a int, not a string" in str(caught.value)


def test_tags_that_are_not_a_dict_are_rejected() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags(["team"])

    assert caught.value.reason == "not_a_mapping"
    assert "tags must be a dict of str to str, got list" in str(caught.value)


# --------------------------------------------------------------------------
# Values


def test_string_values_are_kept_as_given_including_empty_ones() -> None:
    assert _job_with_tags({"team": "data", "label": ""}).tags == {"team": "data", "label": ""}


def test_non_string_job_tag_values_are_stored_json_encoded() -> None:
    tagged = _job_with_tags({"n": 1, "ok": True, "none": None, "d": {"b": 2, "a": [1, 2]}})

    assert dict(tagged.tags) == {
        "n": "1",
        "ok": "true",
        "none": "null",
        "d": '{"a": [1, 2], "b": 2}',
    }


def test_non_string_op_tag_values_are_stored_json_encoded_like_job_tags() -> None:
    labelled = _op_with_tags({"n": 1, "d": {"a": 1}})

    assert dict(labelled.tags) == {"n": "1", "d": '{"a": 1}'}


def test_a_value_that_json_cannot_encode_is_rejected_naming_the_key() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _op_with_tags({"owner": object()})

    assert caught.value.reason == "value_not_json"
    assert str(caught.value).startswith(
        "op 'labelled': the value of tag 'owner' is a object, which is not a string"
    )


def test_a_nan_value_is_rejected_since_json_has_no_nan() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags({"ratio": float("nan")})

    assert caught.value.reason == "value_not_json"


def test_a_value_of_4096_characters_is_accepted() -> None:
    assert len(_job_with_tags({"note": "x" * 4096}).tags["note"]) == 4096


def test_a_value_longer_than_4096_characters_is_rejected_with_the_limit() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags({"note": "x" * 4097})

    assert caught.value.reason == "value_too_long"
    assert "has 4097 characters; a tag value has at most 4096" in str(caught.value)
    assert "metadata=" in str(caught.value)


def test_the_length_limit_applies_to_the_json_encoding_of_a_value() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags({"ids": list(range(2000))})

    assert caught.value.reason == "value_too_long"


# --------------------------------------------------------------------------
# The reserved dagwright/ prefix


def test_a_dagwright_prefixed_key_is_reserved() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags({"dagwright/partition": "a"})

    assert caught.value.reason == "reserved"
    message = str(caught.value)
    assert "prefix 'dagwright/', which is reserved" in message
    assert "'myteam/partition'" in message
    assert "'dagwright/priority'" in message


def test_the_reserved_prefix_applies_to_op_tags_too() -> None:
    with pytest.raises(InvalidTagError) as caught:
        _op_with_tags({"dagwright/step": "a"})

    assert caught.value.reason == "reserved"


def test_other_prefixes_that_contain_dagwright_are_not_reserved() -> None:
    tags = {"dagwright-ext/a": "1", "my.dagwright/b": "2", "dagwright": "3"}

    assert dict(_job_with_tags(tags).tags) == tags


@pytest.mark.parametrize(
    ("key", "value"),
    [("dagwright/priority", "-3"), ("dagwright/max_retries", 2), ("dagwright/max_runtime", "0.5")],
)
def test_the_documented_user_settable_system_tags_are_accepted(key: str, value: Any) -> None:
    assert _job_with_tags({key: value}).tags[key] == str(value)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("dagwright/priority", "high", "an integer"),
        ("dagwright/max_retries", -1, "a whole number, 0 or more"),
        ("dagwright/max_runtime", "0", "a number of seconds above 0"),
    ],
)
def test_a_user_settable_system_tag_with_a_wrong_value_is_rejected(
    key: str, value: Any, expected: str
) -> None:
    with pytest.raises(InvalidTagError) as caught:
        _job_with_tags({key: value})

    assert caught.value.reason == "system_value"
    assert expected in str(caught.value)


# --------------------------------------------------------------------------
# Every place tags are given follows the same rules


def test_run_tags_of_a_job_follow_the_rules() -> None:
    with pytest.raises(InvalidTagError) as caught:

        @job(run_tags={"bad key": "v"})
        def tagged():
            return_one()

    assert "run_tags of job 'tagged'" in str(caught.value)


def test_to_job_tags_follow_the_rules() -> None:
    @graph
    def g():
        return_one()

    with pytest.raises(InvalidTagError):
        g.to_job(tags={"dagwright/x": "1"})


def test_graph_tags_follow_the_rules() -> None:
    def body():
        return_one()

    with pytest.raises(InvalidTagError) as caught:
        graph(tags={"a b": "1"})(body)

    assert "graph 'body'" in str(caught.value)


def test_tags_given_to_a_node_with_tag_follow_the_rules() -> None:
    with pytest.raises(InvalidTagError) as caught:
        return_one.tag({"a b": "1"})

    assert "tags of 'return_one'" in str(caught.value)


def test_tags_given_to_a_node_with_tag_are_json_encoded() -> None:
    @graph
    def g():
        return_one.tag({"n": 2})()

    assert g.node_named("return_one").tags["n"] == "2"


def test_tags_of_a_node_invocation_follow_the_rules() -> None:
    with pytest.raises(InvalidTagError) as caught:
        NodeInvocation("return_one", alias="one", tags={"dagwright/partition": "x"})

    assert "NodeInvocation 'one'" in str(caught.value)


def test_tags_given_to_execute_in_process_follow_the_rules_as_an_invocation_error() -> None:
    tagged = _job_with_tags({"team": "data"})

    with pytest.raises(InvalidInvocationError) as caught:
        tagged.execute_in_process(tags={"dagwright/partition": "x"})

    assert "execute_in_process" in str(caught.value)
    assert "reserved" in str(caught.value)


def test_op_tags_are_visible_to_the_op_as_strings() -> None:
    seen = []

    @op(tags={"rows": 10})
    def counted(context):
        seen.append(dict(context.op.tags))

    @job
    def counting():
        counted()

    counting.execute_in_process()

    assert seen == [{"rows": "10"}]


# --------------------------------------------------------------------------
# Metadata


class _Owner:
    """A value that is neither a string nor JSON: metadata keeps it anyway."""


def test_job_metadata_values_are_normalized_to_metadata_values() -> None:
    @job(metadata={"owner": "data-team", "rows": 3})
    def described():
        return_one()

    assert dict(described.metadata) == {
        "owner": MetadataValue.text("data-team"),
        "rows": MetadataValue.int(3),
    }


def test_job_metadata_without_a_metadata_form_is_rejected_naming_the_key() -> None:
    with pytest.raises(InvalidMetadataError, match="'owner'"):

        @job(metadata={"owner": _Owner()})
        def described():
            return_one()


def test_job_metadata_is_read_only() -> None:
    @job(metadata={"rows": 3})
    def described():
        return_one()

    with pytest.raises(TypeError):
        described.metadata["rows"] = 4  # type: ignore[index]


def test_op_metadata_values_are_normalized_to_metadata_values() -> None:
    @op(metadata={"owner": "ann", "sla_minutes": 30})
    def described():
        return 1

    assert dict(described.metadata) == {
        "owner": MetadataValue.text("ann"),
        "sla_minutes": MetadataValue.int(30),
    }


def test_an_op_without_metadata_has_empty_metadata() -> None:
    assert dict(return_one.metadata) == {}


def test_metadata_with_a_non_string_key_is_rejected_naming_the_op() -> None:
    def described():
        return 1

    with pytest.raises(InvalidMetadataError) as caught:
        op(metadata={1: "a"})(described)  # type: ignore[dict-item]

    assert str(caught.value).startswith("op 'described': the key 1 is an int")


def test_metadata_that_is_not_a_dict_is_rejected_naming_the_job() -> None:
    with pytest.raises(InvalidMetadataError) as caught:

        @job(metadata=["owner"])  # type: ignore[arg-type]
        def described():
            return_one()

    assert str(caught.value).startswith("job 'described': metadata must be a dict")


def test_job_metadata_is_copied_onto_the_run_record() -> None:
    @job(metadata={"owner": "data-team", "rows": 3})
    def described():
        return_one()

    run = described.execute_in_process().dagster_run

    assert run.job_metadata == {
        "owner": MetadataValue.text("data-team"),
        "rows": MetadataValue.int(3),
    }


def test_job_tags_are_copied_onto_the_run_record_as_strings() -> None:
    tagged = _job_with_tags({"team": "data", "n": 1})

    assert tagged.execute_in_process().dagster_run.tags == {"team": "data", "n": "1"}


def test_job_metadata_is_kept_by_subsets_and_with_resources() -> None:
    @job(metadata={"owner": "data-team"})
    def described():
        return_one()

    owner = {"owner": MetadataValue.text("data-team")}
    assert dict(described.get_subset(op_selection=["return_one"]).metadata) == owner
    assert dict(described.with_resources({"x": 1}).metadata) == owner
