"""External data that dagwright observes: ``@observable_source_asset`` and ``DataVersion``.

An observable source asset is a ``SourceAsset`` with a function that
looks at the external data (a file's modification time, a table's row
count) and returns its :class:`DataVersion`. Observing it (``observe``)
records an ASSET_OBSERVATION carrying the version, so that the assets
computed from it become stale when it changes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..._sentinel import NO_VALUE
from ...errors import InvalidDefinitionError
from ...metadata import AssetKey
from .._compute import is_context_param, signature_params
from ..resources import is_resource_annotation
from .specs import SourceAsset, dep_key

__all__ = ["DataVersion", "ObserveResult", "observable_source_asset", "observe_params"]


class DataVersion:
    """The version of an asset's data: equal versions mean equal data."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise InvalidDefinitionError(
                f"a DataVersion is a string, got {type(value).__name__}.",
                fix="pass str(...) of what identifies the data (a hash, a timestamp).",
            )
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataVersion) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"DataVersion({self.value!r})"


class ObserveResult:
    """What an observation function may return instead of a bare DataVersion: the version and
    metadata about the data."""

    __slots__ = ("data_version", "metadata", "tags")

    def __init__(
        self,
        *,
        data_version: DataVersion | None = None,
        metadata: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.data_version = data_version
        self.metadata = dict(metadata or {})
        self.tags = dict(tags or {})


def observe_params(fn: Callable[..., Any], where: str) -> tuple[bool, tuple[str, ...]]:
    """Whether an observation function takes ``context``, and its resource parameters (typed
    with a resource class: each gets the resource of its name, as an op's would)."""
    params, _ = signature_params(fn)
    wants_context = bool(params) and is_context_param(params[0])
    resources = []
    for param in params[1:] if wants_context else params:
        if is_resource_annotation(param.annotation):
            resources.append(param.name)
        elif param.default is NO_VALUE and param.kind not in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        ):
            raise InvalidDefinitionError(
                f"its function takes '{param.name}', which is neither the context nor a "
                "resource, and an observation has no inputs.",
                where=where,
                fix=f"annotate '{param.name}' with its resource class (def {fn.__name__}("
                f"{param.name}: MyResource)), or remove it.",
            )
    return wants_context, tuple(resources)


def observable_source_asset(
    observe_fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    key_prefix: str | Sequence[str] | None = None,
    key: Any = None,
    io_manager_key: str | None = None,
    description: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    group_name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    partitions_def: Any = None,
    tags: Mapping[str, str] | None = None,
    owners: Sequence[str] | None = None,
    kinds: Iterable[str] | None = None,
) -> Any:
    """Define an external asset with a function that returns its current DataVersion (or an
    ObserveResult); it may take ``context`` and resources (parameters typed with a resource
    class, as an op's)."""

    def build(fn: Callable[..., Any]) -> SourceAsset:
        if key is not None:
            asset_key = dep_key(key, "observable_source_asset")
        else:
            prefix = [key_prefix] if isinstance(key_prefix, str) else list(key_prefix or [])
            asset_key = AssetKey([*prefix, str(name or fn.__name__)])
        where = f"observable source asset '{asset_key.to_user_string()}'"
        _, resources = observe_params(fn, where)
        return SourceAsset(
            asset_key,
            metadata=metadata,
            io_manager_key=io_manager_key,
            description=description if description is not None else fn.__doc__,
            partitions_def=partitions_def,
            group_name=group_name,
            observe_fn=fn,
            tags=tags,
            owners=owners,
            kinds=kinds,
            required_resource_keys={*(required_resource_keys or ()), *resources},
        )

    if observe_fn is not None:
        return build(observe_fn)
    return build
