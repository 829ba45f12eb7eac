"""Failure and RetryRequested as values: what they hold, and the arguments they refuse."""

from __future__ import annotations

import pickle

import pytest

from dagwright import (
    Failure,
    InvalidInvocationError,
    InvalidMetadataError,
    MetadataValue,
    RetryRequested,
)


def test_failure_holds_its_description_metadata_and_retry_permission() -> None:
    failure = Failure("too few rows", metadata={"rows": 3}, allow_retries=False)

    assert failure.description == "too few rows"
    assert failure.metadata == {"rows": MetadataValue.int(3)}
    assert failure.allow_retries is False


def test_failure_allows_retries_by_default() -> None:
    assert Failure().allow_retries is True


def test_failure_reads_as_its_description() -> None:
    assert str(Failure("too few rows")) == "too few rows"


def test_failure_keeps_a_copy_of_its_metadata() -> None:
    given = {"rows": 3}
    failure = Failure(metadata=given)
    given["rows"] = 4

    assert failure.metadata == {"rows": MetadataValue.int(3)}


def test_failure_survives_pickling() -> None:
    failure = Failure("too few rows", metadata={"rows": 3}, allow_retries=False)

    copy = pickle.loads(pickle.dumps(failure))

    assert (copy.description, dict(copy.metadata), copy.allow_retries) == (
        "too few rows",
        {"rows": MetadataValue.int(3)},
        False,
    )


def test_failure_metadata_must_be_a_mapping() -> None:
    with pytest.raises(InvalidMetadataError, match="metadata must be a dict"):
        Failure(metadata=[("rows", 3)])  # type: ignore[arg-type]


def test_failure_metadata_labels_must_be_strings() -> None:
    with pytest.raises(InvalidMetadataError, match="Failure"):
        Failure(metadata={3: "rows"})  # type: ignore[dict-item]


def test_failure_description_must_be_a_string() -> None:
    with pytest.raises(InvalidInvocationError, match="description must be a string"):
        Failure(description=42)  # type: ignore[arg-type]


def test_failure_allow_retries_must_be_a_bool() -> None:
    with pytest.raises(InvalidInvocationError, match="allow_retries must be True or False"):
        Failure(allow_retries="no")  # type: ignore[arg-type]


def test_retry_requested_defaults_to_one_retry_without_waiting() -> None:
    request = RetryRequested()

    assert (request.max_retries, request.seconds_to_wait) == (1, 0.0)


def test_retry_requested_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(RetryRequested(max_retries=3, seconds_to_wait=2)))

    assert (copy.max_retries, copy.seconds_to_wait) == (3, 2.0)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_retry_requested_max_retries_must_be_a_non_negative_int(bad: object) -> None:
    with pytest.raises(InvalidInvocationError, match="RetryRequested: max_retries"):
        RetryRequested(max_retries=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-0.5, "1", float("inf"), float("nan"), False])
def test_retry_requested_seconds_to_wait_must_be_a_non_negative_finite_number(
    bad: object,
) -> None:
    with pytest.raises(InvalidInvocationError, match="RetryRequested: seconds_to_wait"):
        RetryRequested(seconds_to_wait=bad)  # type: ignore[arg-type]


def test_failure_with_allow_retries_none_allows_retries_as_in_dagster() -> None:
    assert Failure(allow_retries=None).allow_retries is True


def test_retry_requested_with_seconds_to_wait_none_waits_nothing_as_in_dagster() -> None:
    assert RetryRequested(seconds_to_wait=None).seconds_to_wait == 0.0
