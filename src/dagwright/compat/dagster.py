"""Dagster's public spellings, so that Dagster code runs unchanged on dagwright.

``import dagwright.compat.dagster as dagster`` (or, for code you cannot edit,
``sys.modules["dagster"] = dagwright.compat.dagster``) gives every dagwright
name plus Dagster's branded aliases (``DagsterType``, ``DagsterEventType``,
``DagsterInstance``, ``DagsterInvalidDefinitionError``, ...). Names resolve
lazily, like the ``dagwright`` package itself.
"""

from __future__ import annotations

import typing

import dagwright

from .._lazy import lazy_exports

_ALIASES = {
    # definitions and types
    "DagsterType": "dagwright.definitions.types:DataType",
    "Int": "dagwright.definitions.types:Int",
    "Float": "dagwright.definitions.types:Float",
    "String": "dagwright.definitions.types:String",
    "Bool": "dagwright.definitions.types:Bool",
    "Any": "dagwright.definitions.types:Any_",
    # metadata
    "DagsterRunMetadataValue": "dagwright.metadata.values:RunMetadataValue",
    "DagsterAssetMetadataValue": "dagwright.metadata.values:AssetMetadataValue",
    "DagsterJobMetadataValue": "dagwright.metadata.values:JobMetadataValue",
    # records and storage
    "DagsterEvent": "dagwright.records.events:Event",
    "DagsterEventType": "dagwright.records.events:EventType",
    "DagsterRun": "dagwright.records.runs:Run",
    "DagsterRunStatus": "dagwright.records.runs:RunStatus",
    "DagsterInstance": "dagwright.storage.instance:Instance",
    "SerializableErrorInfo": "dagwright.records.error_info:ErrorInfo",
    # errors
    "DagsterError": "dagwright.errors:DagwrightError",
    "DagsterInvalidDefinitionError": "dagwright.errors:InvalidDefinitionError",
    "DagsterInvalidInvocationError": "dagwright.errors:InvalidInvocationError",
    "DagsterInvalidSubsetError": "dagwright.errors:InvalidSubsetError",
    "DagsterInvariantViolationError": "dagwright.errors:InvariantViolationError",
    "DagsterInvalidConfigError": "dagwright.errors:RunConfigError",
    "DagsterTypeCheckDidNotPass": "dagwright.errors:TypeCheckError",
    "DagsterExecutionStepExecutionError": "dagwright.errors:StepExecutionError",
    "DagsterUserCodeExecutionError": "dagwright.errors:UserCodeError",
    "DagsterInvalidMetadata": "dagwright.errors:InvalidMetadataError",
    "DagsterInvalidAssetKey": "dagwright.errors:InvalidAssetKeyError",
}

# (This module must not bind the name "Any" itself: it is Dagster's type alias above.)
_EXPORTS = {name: f"dagwright:{name}" for name in dagwright.__all__} | _ALIASES

# Dagster's generic type helpers are the typing module's.
List: typing.Any = typing.List  # noqa: UP006
Dict: typing.Any = typing.Dict  # noqa: UP006
Set: typing.Any = typing.Set  # noqa: UP006
Tuple: typing.Any = typing.Tuple  # noqa: UP006
Optional: typing.Any = typing.Optional

__all__ = sorted({*_EXPORTS, "List", "Dict", "Set", "Tuple", "Optional"})

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
