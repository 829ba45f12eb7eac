"""Metadata given on definitions: jobs and type checks normalize it; Out and In keep it as given."""

from __future__ import annotations

import pytest

from dagwright import (
    In,
    InvalidMetadataError,
    MetadataValue,
    Out,
    TypeCheck,
    job,
    op,
)


@op
def one() -> int:
    return 1


def test_job_metadata_is_normalized_to_metadata_values() -> None:
    @job(metadata={"owner": "data", "docs": MetadataValue.url("https://x.io"), "tier": 1})
    def nightly():
        one()

    assert nightly.metadata == {
        "owner": MetadataValue.text("data"),
        "docs": MetadataValue.url("https://x.io"),
        "tier": MetadataValue.int(1),
    }


def test_job_metadata_with_no_metadata_form_fails_when_the_job_is_defined() -> None:
    with pytest.raises(InvalidMetadataError, match=r"job 'nightly', metadata 'client'") as caught:

        @job(metadata={"client": object()})
        def nightly():
            one()

    assert caught.value.key == "client"


def test_type_check_metadata_with_no_metadata_form_names_the_key() -> None:
    with pytest.raises(InvalidMetadataError, match=r"TypeCheck, metadata 'frame'"):
        TypeCheck(False, metadata={"frame": object()})


def test_out_and_in_metadata_are_kept_as_given_for_io_managers() -> None:
    marker = object()

    @op(ins={"x": In(metadata={"loader": marker})}, out=Out(metadata={"schema": marker}))
    def passthrough(x):
        return x

    assert passthrough.ins["x"].metadata["loader"] is marker
    assert passthrough.outs["result"].metadata["schema"] is marker
