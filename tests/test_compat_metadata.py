"""Dagster's spellings of the metadata names resolve to dagwright's."""

from __future__ import annotations

import pytest

import dagwright
import dagwright.compat.dagster as dagster


@pytest.mark.parametrize(
    ("dagster_name", "dagwright_name"),
    [
        ("DagsterRunMetadataValue", "RunMetadataValue"),
        ("DagsterAssetMetadataValue", "AssetMetadataValue"),
        ("DagsterJobMetadataValue", "JobMetadataValue"),
        ("DagsterInvalidMetadata", "InvalidMetadataError"),
        ("DagsterInvalidAssetKey", "InvalidAssetKeyError"),
        ("MetadataValue", "MetadataValue"),
        ("AssetMaterialization", "AssetMaterialization"),
        ("ExpectationResult", "ExpectationResult"),
    ],
)
def test_the_dagster_name_is_the_dagwright_object(dagster_name: str, dagwright_name: str) -> None:
    assert getattr(dagster, dagster_name) is getattr(dagwright, dagwright_name)
